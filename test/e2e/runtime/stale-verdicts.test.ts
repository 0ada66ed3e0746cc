import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { applyDefects, seededDefects } from '../../helpers/seeded-defects.js'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Issue #12, case 3: a browser finding is a fact about bytes. After a person fixes the file
 * by hand, the next run (a `vite build`, a dev restart) must not repeat the old finding from
 * the last review: the browser looks again because the site's bytes changed.
 */
const SPEC = `# Harbour Books

## Look and feel
Warm paper tones.

## Behaviour
The header menu collapses on phones.

## Home page
An independent bookshop by the harbour.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const chromium = '/usr/bin/chromium'

describe.skipIf(!existsSync(chromium))('browser findings after a hand fix', () => {
  it('a TDZ ReferenceError fixed by hand is gone on the next run; an untouched site keeps it without a browser pass', async () => {
    // Only the browser sees this defect (a read of `year` before its declaration).
    const tdz = seededDefects('index.html').filter((d) => d.path === 'js/main.js' && d.find.includes('const year'))
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({ mutate: (path, c) => applyDefects(tdz, path, c) }),
    })
    // The reviewer (scripted: no issues) leaves the finding unresolved in code_review.json.
    const opts = { runtimeCheck: { enabled: true, executablePath: chromium } }
    const forgetFastPath = () => rmSync(join(site!.dir, '.sitesmith', 'last-run.json'), { force: true })
    const first = await site.run(opts)
    const runtime = (r: typeof first) =>
      r.findings.filter((f) => f.rule === 'runtime-error').map((f) => `${f.file}: ${f.message}`)
    expect(runtime(first)).toEqual([expect.stringMatching(/^js\/main\.js: .*year/)])

    // Nothing changed: the finding is still true, and carried (it is about these very bytes).
    forgetFastPath()
    const same = await site.run(opts)
    expect(runtime(same)).toEqual(runtime(first))

    // A person fixes the script by hand.
    const fixed = site.read('js/main.js').replace(tdz[0].replace, tdz[0].find)
    expect(fixed).not.toEqual(site.read('js/main.js'))
    site.write('js/main.js', fixed)
    const after = await site.run(opts)
    expect(after.kept).toEqual([]) // nothing to regenerate: the plan did not change
    expect(runtime(after)).toEqual([])
    expect(after.findings.filter((f) => f.severity === 'error')).toEqual([])
    // And a restart (the dev server, another build) does not bring it back.
    forgetFastPath()
    const restart = await site.run(opts)
    expect(runtime(restart)).toEqual([])
  })
})
