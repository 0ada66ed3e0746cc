/**
 * Issue #18: a11y_layout_defects_fixed_ratio — on the seeded accessibility/layout site (two
 * of each kind: missing alt, unlabeled input, low contrast, sideways scrolling at 390 px, a
 * covered control, tiny tap targets), the distinct (rule, file) findings the review–fix
 * loop resolved ÷ the seeded kinds, through the real clients and Chromium with scripted
 * models. The scripted reviewer points each finding at the right chunk and the fixer sends
 * the clean chunk back, so this measures whether the checks find the defects and whether
 * the loop's fixes make them go away in the browser — not how good a real model is.
 */
import { CodeReviewSchema } from '../../plugin/store/artifact-schemas.js'
import { AUDIT_SPEC, seededAuditSite } from '../helpers/seeded-audit.js'
import { createTempSite } from '../helpers/temp-site.js'
import type { BenchResult } from './types.js'

const KINDS = [
  'a11y-image-alt',
  'a11y-label',
  'a11y-color-contrast',
  'layout-overflow',
  'layout-covered',
  'layout-tap-target',
]
const PAGES = ['index.html', 'order.html']

export async function run(): Promise<BenchResult> {
  const site = await createTempSite({ spec: AUDIT_SPEC, respond: seededAuditSite() })
  try {
    const started = performance.now()
    const result = await site.run({ runtimeCheck: { enabled: true } })
    if (result.runtimeSkipped) throw new Error(`audit bench needs Chromium: ${result.runtimeSkipped}`)
    const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
    const seeded = KINDS.flatMap((rule) => PAGES.map((file) => `${rule} ${file}`))
    const found = seeded.filter((k) => review.findings.some((f) => `${f.rule} ${f.file}` === k))
    const left = new Set(review.unresolved.map((f) => `${f.rule} ${f.file}`))
    const fixed = found.filter((k) => !left.has(k))
    return {
      a11y_layout_defects_found_ratio: {
        value: found.length / seeded.length,
        unit: 'ratio',
        note: `${found.length} of ${seeded.length} seeded (rule, page) defects found by the first check`,
      },
      a11y_layout_defects_fixed_ratio: {
        value: fixed.length / seeded.length,
        unit: 'ratio',
        note: `${fixed.length} of ${seeded.length} seeded defects gone after ${review.rounds} round(s), ${Math.round(performance.now() - started)} ms for the whole run; scripted models`,
      },
    }
  } finally {
    await site.dispose()
  }
}
