import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { checkSite } from '../../../plugin/check/index.js'
import { runRuntimeCheck } from '../../../plugin/check/runtime/index.js'
import { CodeReviewSchema } from '../../../plugin/store/artifact-schemas.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { fileFor, stageOf } from '../../helpers/scripted-site.js'
import { seededSite } from '../../helpers/seeded-defects.js'

/**
 * Issue 6: a generation seeded with defects of five rule kinds — an onclick calling an
 * undefined function, a misspelt getElementById id, a missing stylesheet link, an undefined
 * CSS variable and a ReferenceError only a browser sees — is repaired by the review–fix loop
 * through the real clients, and the run's artifacts say what happened.
 */
const SPEC = `# Lantern Books

## Look and feel
Ink blue #22335c on cream.

## Behaviour
A menu button for phones, and the footer year.

## Home page
Second-hand books, bought and sold.

## About page
Two friends and ten thousand books.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const seed = (broken?: Set<string>) => seededSite({ secondPage: 'about.html', broken })

describe('review–fix loop with a real browser', () => {
  it('repairs five kinds of seeded defects within two rounds and records each issue and its fix', async () => {
    const seeded = seed()
    site = await createTempSite({ spec: SPEC, respond: seeded.respond })
    const result = await site.run({ runtimeCheck: { enabled: true } })

    expect(result.runtimeSkipped, 'Chromium is required (.ci/run installs it)').toBeUndefined()
    expect(site.server.unmatched).toEqual([])
    const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
    const initial = new Set(review.findings.map((f) => `${f.rule} ${f.file}`))
    for (const kind of [
      'unknown-handler index.html',
      'missing-element js/main.js',
      'broken-link about.html',
      'undefined-css-variable css/style.css',
      'runtime-error js/main.js',
    ]) {
      expect(initial, kind).toContain(kind)
    }
    // The TDZ ReferenceError is invisible to the static checker: only the browser saw it.
    expect(
      review.findings.some(
        (f) => f.rule === 'runtime-error' && f.file === 'js/main.js' && /before initialization/.test(f.message),
      ),
    ).toBe(true)
    expect(review.rounds).toBeLessThanOrEqual(2)
    expect(review.unresolved).toEqual([])
    expect(result.findings).toEqual([])
    const issues = review.reviews.flatMap((r) =>
      r.issues.map((i) => ({ file: r.file, target: i.fix.target, status: i.outcome?.status })),
    )
    for (const t of ['header', 'toggleNav', 'head', '.site-header', 'setYear'])
      expect(
        issues.some((i) => i.target === t && i.status === 'fixed'),
        t,
      ).toBe(true)

    // The repaired site is clean for the checker and for a browser, from scratch.
    expect((await checkSite(site.dir)).filter((f) => f.severity === 'error')).toEqual([])
    const runtime = await runRuntimeCheck({ dir: site.dir, pages: ['index.html', 'about.html'] })
    expect(runtime.findings).toEqual([])
    // Fixes were chunk edits: everything the defects did not touch is byte-identical to a clean generation.
    for (const path of ['index.html', 'about.html', 'css/style.css', 'js/main.js'])
      expect(site.read(path), path).toBe(fileFor(path, seeded.prompts.get(path)!))
  })

  it('the review is sent only the files changed in the run', async () => {
    const seeded = seed()
    site = await createTempSite({ spec: SPEC, respond: seeded.respond })
    await site.run({ runtimeCheck: { enabled: true } })
    site.write(
      'spec.md',
      site.read('spec.md').replace('Two friends and ten thousand books.', 'Two friends, ten thousand books and a cat.'),
    )
    site.server.reset()
    await site.run({ runtimeCheck: { enabled: true } })
    const reviews = site.server.requests.filter((r) => stageOf(r) === 'review')
    expect(reviews).toHaveLength(1)
    const shown = [...reviews[0].lastUserMessage.matchAll(/^File (\S+) \(targets/gm)].map((m) => m[1])
    expect(shown).toEqual(['about.html'])
  })

  it('a defect the small model fails to fix fails vite build, naming it', async () => {
    const seeded = seed(new Set(['about.html']))
    site = await createTempSite({ spec: SPEC, respond: seeded.respond })
    const plugin = sitesmith(site.pluginOptions({ runtimeCheck: { enabled: true } }))
    const error = await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [plugin],
      build: { outDir: join(site.dir, 'dist') },
    }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/unresolved finding/)
    expect(error?.message).toMatch(/about\.html:\d+:\d+ error \[broken-link\] .*css\/styles\.css/)
    const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
    const unresolvedErrors = review.unresolved.filter((f) => f.severity === 'error')
    expect([...new Set(unresolvedErrors.map((f) => `${f.rule} ${f.file}`))].sort()).toEqual([
      'broken-link about.html',
      'failed-request about.html',
    ])
    // Without its stylesheet the page shows the phone menu button next to the bare nav links:
    // the layout check rightly warns that they are too small and close to tap (issue #18).
    expect(
      new Set(review.unresolved.filter((f) => f.severity === 'warning').map((f) => `${f.rule} ${f.file}`)),
    ).toEqual(new Set(['layout-tap-target about.html']))
    // Everything else was fixed — including the low contrast the undefined variable caused:
    // without its background the header's white links stood on the cream page (#18).
    expect(new Set(review.resolved.map((f) => f.rule))).toEqual(
      new Set(['unknown-handler', 'runtime-error', 'missing-element', 'undefined-css-variable', 'a11y-color-contrast']),
    )
    expect(review.resolved.find((f) => f.rule === 'a11y-color-contrast')?.file).toBe('index.html')
  })
})
