import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import { parseSpec } from '../../../plugin/spec/sections.js'
import { FileTrackerSchema } from '../../../plugin/store/artifact-schemas.js'

/**
 * Issue 4: on a 10+ page spec, the loopback server's request log shows exactly which model
 * calls each kind of spec edit costs.
 */
const SPEC = 'specs/large.md'

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

/** Append a sentence to the body of the section with this heading. */
function editSection(spec: string, heading: RegExp, sentence: string): string {
  const lines = spec.split('\n')
  const at = lines.findIndex((l) => heading.test(l))
  if (at < 0) throw new Error(`no heading ${heading} in the spec`)
  let end = at + 1
  while (end < lines.length && !/^#{1,6} /.test(lines[end])) end++
  while (end > at + 1 && lines[end - 1].trim() === '') end--
  lines.splice(end, 0, sentence)
  return lines.join('\n')
}

function dropSection(spec: string, heading: RegExp): string {
  const lines = spec.split('\n')
  const at = lines.findIndex((l) => heading.test(l))
  let end = at + 1
  while (end < lines.length && !/^#{1,6} /.test(lines[end])) end++
  lines.splice(at, end - at)
  return lines.join('\n')
}

const summary = (t: TempSite) =>
  t.server.requests.map((r) => (stageOf(r) === 'generate' ? `generate ${taskOf(r).path}` : stageOf(r)))

describe('incremental regeneration on a 10+ page spec', () => {
  it('no change: 0 requests; one page section: only its task; a cosmetic CSS edit: no dependents', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const first = await site.run()
    expect(first.errors).toEqual([])
    const pages = [...site.snapshot().keys()].filter((p) => p.endsWith('.html'))
    expect(pages.length).toBeGreaterThanOrEqual(10)
    const fullCalls = site.server.requests.length

    // 1. Unchanged spec: not one request, not one byte.
    const before = site.snapshot()
    site.server.reset()
    await site.run()
    expect(site.server.requests).toEqual([])
    expect(site.snapshot()).toEqual(before)

    // 2. One page's section: the planner delta, that page, and the review of that page.
    const spec = site.read('spec.md')
    site.write('spec.md', editSection(spec, /^## Fixtures page/i, 'Home games kick off at 10:30 sharp.'))
    site.server.reset()
    const edit = await site.run()
    expect(summary(site)).toEqual(['plan-delta', 'generate fixtures.html', 'review'])
    expect(edit.changed).toEqual(['fixtures.html'])
    expect(site.read('fixtures.html')).toContain('Home games kick off at 10:30 sharp.')
    for (const [path, content] of before)
      if (path !== 'fixtures.html' && path !== 'spec.md') expect(site.read(path), path).toBe(content)
    expect(site.server.requests.length / fullCalls).toBeLessThanOrEqual(0.25)

    // 3. A cosmetic stylesheet change that keeps its interface: pages are not regenerated.
    const beforeCss = site.snapshot()
    const lookHeading = parseSpec(site.read('spec.md')).sections.find((s) => /look and feel/i.test(s.heading))!
    site.write(
      'spec.md',
      editSection(
        site.read('spec.md'),
        new RegExp(`^#+ ${lookHeading.heading}`),
        'Use a slightly warmer accent, #b5532a.',
      ),
    )
    site.server.reset()
    const css = await site.run()
    expect(summary(site)).toEqual(['plan-delta', 'generate css/style.css', 'review'])
    expect(css.changed).toEqual(['css/style.css'])
    expect(site.read('css/style.css')).toContain('#b5532a')
    for (const [path, content] of beforeCss) if (path.endsWith('.html')) expect(site.read(path), path).toBe(content)
  })

  it('deleting a page section deletes its file, makes no model call, and touches nothing else', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run({ review: { enabled: false } })
    expect(site.exists('sponsors.html')).toBe(true)
    const before = site.snapshot()
    site.write('spec.md', dropSection(site.read('spec.md'), /^## Sponsors page/i))
    site.server.reset()
    const result = await site.run({ review: { enabled: false } })
    expect(site.server.requests).toEqual([])
    expect(site.exists('sponsors.html')).toBe(false)
    expect(result.changed).toEqual(['sponsors.html'])
    for (const [path, content] of before)
      if (path !== 'sponsors.html' && path !== 'spec.md') expect(site.read(path), path).toBe(content)
    // The other pages' links to it are now broken, and the checker says so in each page.
    expect(
      result.findings.filter((f) => f.rule === 'broken-link' && f.message.includes('sponsors.html')).length,
    ).toBeGreaterThan(0)
    const tracker = FileTrackerSchema.parse(JSON.parse(site.read('.sitesmith/file_tracker.json')))
    expect(tracker.files['sponsors.html']).toBeUndefined()
  })

  it('a hand-edited page survives a regenerating run byte for byte, and is regenerated only when asked', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run({ review: { enabled: false } })
    const edited = site
      .read('fixtures.html')
      .replace('</main>', '  <p>Added by hand: bring your own water bottle.</p>\n  </main>')
    site.write('fixtures.html', edited)
    site.write(
      'spec.md',
      editSection(site.read('spec.md'), /^## Fixtures page/i, 'Kick-off times may change in winter.'),
    )
    site.server.reset()
    const kept = await site.run({ review: { enabled: false } })
    expect(site.read('fixtures.html')).toBe(edited)
    expect(kept.kept).toEqual(['fixtures.html'])
    // The page was not even asked for: no tokens spent on an answer that would be thrown away.
    expect(summary(site)).toEqual(['plan-delta'])

    site.server.reset()
    const forced = await site.run({ review: { enabled: false }, overwriteHandEdits: true })
    expect(forced.changed).toEqual(['fixtures.html'])
    expect(site.read('fixtures.html')).toContain('Kick-off times may change in winter.')
    expect(site.read('fixtures.html')).not.toContain('Added by hand')
  })

  it('files sitesmith never generated are never touched', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    site.write('notes.html', '<!doctype html><title>mine</title><p>my own page</p>\n')
    site.write('index.html', '<!doctype html><title>mine</title><p>my own home</p>\n')
    const result = await site.run({ review: { enabled: false } })
    expect(site.read('notes.html')).toBe('<!doctype html><title>mine</title><p>my own page</p>\n')
    expect(site.read('index.html')).toBe('<!doctype html><title>mine</title><p>my own home</p>\n')
    expect(result.errors.join('\n')).toMatch(
      /task "home-page" \(index\.html\): index\.html exists and was not written by sitesmith/,
    )
  })
})
