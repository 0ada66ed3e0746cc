/**
 * Issue #18: accessibility and layout in the runtime check, against real headless Chromium.
 * `test/fixtures/audit/seeded/` holds one defect per site (two sites per kind: missing alt,
 * unlabeled input, low contrast, sideways scrolling at 390 px, a covered control, a tiny tap
 * target); each site's `expect.json` names the rule that must find it, at the element's
 * line. `clean/` holds tricky layouts that are right (sticky and fixed headers, a closed
 * off-canvas menu, visually-hidden text and a skip link, a scrolling table, inline links,
 * ellipsis and line clamps, a labelled form): they must produce no finding at all.
 * All sites are checked in one browser launch.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

import { runRuntimeCheck, type RuntimeCheckResult } from '../../../plugin/check/runtime/index.js'

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'audit')
const seeded = readdirSync(join(ROOT, 'seeded')).sort()
const clean = readdirSync(join(ROOT, 'clean')).sort()
const pageOf = (kind: string, site: string) => `${kind}/${site}/index.html`

let result: RuntimeCheckResult

beforeAll(async () => {
  result = await runRuntimeCheck({
    dir: ROOT,
    pages: [...seeded.map((s) => pageOf('seeded', s)), ...clean.map((s) => pageOf('clean', s))],
    audit: { a11y: true, layout: true },
    concurrency: 3,
  })
}, 400_000)

describe('accessibility and layout findings', () => {
  it('runs in Chromium', () => {
    expect(result.skipped, 'Chromium is required (.ci/run installs it)').toBeUndefined()
    expect(result.pagesChecked).toBe(seeded.length + clean.length)
    expect(result.auditIncomplete, 'every accessibility/layout pass finished').toEqual([])
  })

  it('the seeded corpus has two sites of each kind', () => {
    const rules = seeded.map(
      (s) => (JSON.parse(readFileSync(join(ROOT, 'seeded', s, 'expect.json'), 'utf8')) as { rule: string }).rule,
    )
    const count = (rule: string) => rules.filter((r) => r === rule).length
    for (const rule of [
      'a11y-image-alt',
      'a11y-label',
      'a11y-color-contrast',
      'layout-overflow',
      'layout-covered',
      'layout-tap-target',
    ]) {
      expect(count(rule), rule).toBeGreaterThanOrEqual(2)
    }
  })

  it.each(seeded)('seeded/%s: the defect is found at its element', (site) => {
    const { rule } = JSON.parse(readFileSync(join(ROOT, 'seeded', site, 'expect.json'), 'utf8')) as { rule: string }
    const page = pageOf('seeded', site)
    const found = result.findings.filter((f) => f.file === page && f.rule === rule)
    expect(found.length, JSON.stringify(result.findings.filter((f) => f.file === page))).toBeGreaterThan(0)
    for (const f of found) {
      expect(f.line, f.message).toBeGreaterThan(0)
      // The line holds the element's start tag the finding is about.
      const line = readFileSync(join(ROOT, page), 'utf8').split('\n')[f.line - 1]
      expect(line.slice(f.column - 1)).toMatch(/^<[a-z]/)
    }
    // Layout findings say at which width and name the element by selector.
    if (rule.startsWith('layout-'))
      for (const f of found) expect(f.message).toMatch(/^at (1280|390) px: .*[a-z]+(\.|#|:nth-of-type)/)
    // Accessibility errors are the serious/critical ones; tap targets are warnings.
    expect(found[0].severity).toBe(rule === 'layout-tap-target' ? 'warning' : 'error')
  })

  it.each(clean)('clean/%s: a valid tricky layout yields no finding', (site) => {
    const page = pageOf('clean', site)
    expect(result.findings.filter((f) => f.file === page)).toEqual([])
  })
})
