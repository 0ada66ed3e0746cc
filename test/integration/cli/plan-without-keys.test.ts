import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../plugin/cli/run-cli.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/**
 * Issue #14: `sitesmith plan` without credentials still says which sections changed and
 * which tasks would be re-planned; `generate` without a spec leaves no `.sitesmith/`.
 */
const SPEC = `# Kiln Pottery

## Look and feel
Clay red #a0522d.

## Home page
Hand-thrown mugs and bowls.

## Classes page
Wheel classes on Tuesdays.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

async function cli(args: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) })
  const code = await runCli(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd,
    env: { PATH: process.env.PATH },
  })
  return { code, stdout, stderr }
}

describe('sitesmith plan without keys', () => {
  it('names the changed and new sections and the tasks serving them, and writes nothing', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run()
    site.server.reset()
    site.write(
      'spec.md',
      site.read('spec.md').replace('Wheel classes on Tuesdays.', 'Wheel classes on Tuesdays and Fridays.') +
        '\n## FAQ page\nKiln safety.\n',
    )
    const before = site.snapshot()
    const r = await cli(['plan'], site.dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/no credentials for openai model gpt-4o-mini/)
    expect(r.stdout).toContain(
      'plan: the planner was not asked (no credentials: set OPENAI_API_KEY or OPENAI_BASE_URL)',
    )
    expect(r.stdout).toContain('sections: new faq-page; changed classes-page')
    expect(r.stdout).toMatch(/^~ classes-page\s+create\s+classes\.html {2}\(classes-page\)$/m)
    expect(r.stdout).not.toMatch(/^~ home-page/m)
    expect(r.stdout).toContain('new section(s) the planner would be asked to place: faq-page')
    expect(site.snapshot()).toEqual(before)
    expect(site.server.requests).toEqual([])
  })

  it('with no plan yet, says the first run plans the whole spec', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const r = await cli(['plan'], site.dir)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'no plan yet: the first run plans the whole spec (4 section(s): kiln-pottery, look-and-feel, home-page, classes-page)',
    )
  })
})

describe('sitesmith generate without a spec', () => {
  it('fails naming spec.md and creates nothing', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    rmSync(join(site.dir, 'spec.md'))
    const r = await cli(['generate'], site.dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/spec not found: spec\.md/)
    expect(existsSync(join(site.dir, '.sitesmith'))).toBe(false)
    expect(readdirSync(site.dir)).toEqual([])
  })
})
