/**
 * Issue #18: accessibility and layout defects go through the same review → fix loop as
 * broken references. A two-page site whose first answers carry two of each kind (missing
 * alt, unlabeled input, low contrast, sideways scrolling at 390 px, a covered control, tiny
 * tap targets) is repaired through the real clients and real Chromium; the final check
 * finds nothing, and every byte the defects did not touch is as a clean answer wrote it.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'

import { CodeReviewSchema } from '../../../plugin/store/artifact-schemas.js'
import { runRuntimeCheck } from '../../../plugin/check/runtime/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { AUDIT_SPEC, cleanAuditFile, seededAuditSite } from '../../helpers/seeded-audit.js'

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const SEEDED = [
  'a11y-image-alt index.html',
  'a11y-image-alt order.html',
  'a11y-label index.html',
  'a11y-label order.html',
  'a11y-color-contrast index.html',
  'a11y-color-contrast order.html',
  'layout-overflow index.html',
  'layout-overflow order.html',
  'layout-covered index.html',
  'layout-covered order.html',
  'layout-tap-target index.html',
  'layout-tap-target order.html',
]

it('finds two of each accessibility and layout defect, fixes them through the loop, and the final check is clean', async () => {
  site = await createTempSite({ spec: AUDIT_SPEC, respond: seededAuditSite() })
  const result = await site.run({ runtimeCheck: { enabled: true } })
  expect(result.runtimeSkipped, 'Chromium is required (.ci/run installs it)').toBeUndefined()
  expect(site.server.unmatched).toEqual([])

  const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
  const initial = new Set(review.findings.map((f) => `${f.rule} ${f.file}`))
  for (const kind of SEEDED) expect(initial, kind).toContain(kind)
  expect(review.rounds).toBeLessThanOrEqual(2)
  expect(review.unresolved).toEqual([])
  expect(result.findings).toEqual([])
  for (const kind of SEEDED)
    expect(
      review.resolved.some((f) => `${f.rule} ${f.file}` === kind),
      `resolved: ${kind}`,
    ).toBe(true)
  // Each layout finding names its element by selector and points at a crop of it on disk.
  const layout = review.findings.filter((f) => f.rule.startsWith('layout-'))
  expect(layout.length).toBeGreaterThanOrEqual(4)
  for (const f of layout) {
    const crop = /\(screenshot: (\.sitesmith\/screenshots\/layout\/[\w.-]+\.png)\)$/.exec(f.message)?.[1]
    expect(crop, f.message).toBeDefined()
    expect(existsSync(join(site.dir, crop!)), crop).toBe(true)
  }

  // Fixes were chunk edits: the files are exactly the clean answers.
  for (const path of ['index.html', 'order.html', 'css/style.css'])
    expect(site.read(path), path).toBe(cleanAuditFile(path))
  // And a fresh browser check of the repaired site agrees.
  const again = await runRuntimeCheck({
    dir: site.dir,
    pages: ['index.html', 'order.html'],
    audit: { a11y: true, layout: true },
  })
  expect(again.findings).toEqual([])
}, 180_000)
