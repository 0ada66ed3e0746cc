/**
 * Issue 6 figures on a seeded corpus with scripted model responses:
 * - review_loop_rounds_mean: review rounds per run (maxRounds 2).
 * - defects_fixed_ratio: distinct (rule, file) error findings resolved ÷ found at first check.
 * Each run generates one of the sample specs with five seeded defect kinds (an onclick to an
 * undefined function, a misspelt id, a missing stylesheet, an undefined CSS variable, a
 * runtime-only ReferenceError), then lets the review–fix loop work with Chromium. The
 * scripted models are deliberately imperfect (deterministic PRNG): the reviewer leaves out
 * 10% of findings, and 20% of fix answers change nothing, 15% elide code with a placeholder
 * (rejected, then repaired). So the figures measure how the loop recovers — rounds, repair
 * turns, re-checks — not how good a real model is.
 */
import { CodeReviewSchema } from '../../plugin/store/artifact-schemas.js'
import { prng } from '../helpers/seeded.js'
import { createTempSite } from '../helpers/temp-site.js'
import { seededSite } from '../helpers/seeded-defects.js'
import type { BenchResult } from './types.js'

const SPECS: [string, string][] = [
  ['specs/small.md', 'projects.html'],
  ['specs/medium.md', 'services.html'],
  ['specs/large.md', 'about.html'],
]
const SEEDS = [1, 2, 3, 4]

export async function run(): Promise<BenchResult> {
  const rounds: number[] = []
  let found = 0
  let fixed = 0
  let runtimeMs = 0
  for (const [spec, secondPage] of SPECS) {
    for (const seed of SEEDS) {
      const seeded = seededSite({
        secondPage,
        imperfect: { random: prng(seed), reviewerMisses: 0.1, fixerNoop: 0.2, fixerLazy: 0.15 },
      })
      const site = await createTempSite({ spec, respond: seeded.respond })
      try {
        const started = performance.now()
        const result = await site.run({ runtimeCheck: { enabled: true } })
        runtimeMs += performance.now() - started
        if (result.runtimeSkipped) throw new Error(`review bench needs Chromium: ${result.runtimeSkipped}`)
        const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
        const key = (f: { rule: string; file: string }) => `${f.rule} ${f.file}`
        const initial = new Set(review.findings.filter((f) => f.severity === 'error').map(key))
        const left = new Set(review.unresolved.filter((f) => f.severity === 'error').map(key))
        rounds.push(review.rounds)
        found += initial.size
        fixed += [...initial].filter((k) => !left.has(k)).length
      } finally {
        await site.dispose()
      }
    }
  }
  const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length
  return {
    review_loop_rounds_mean: {
      value: mean,
      unit: 'rounds',
      note: `${rounds.length} seeded runs over 3 sample specs, maxRounds 2`,
    },
    defects_fixed_ratio: {
      value: fixed / found,
      unit: 'ratio',
      note: `${fixed} of ${found} distinct (rule, file) error findings fixed; scripted models imperfect on purpose`,
    },
    review_run_ms_mean: {
      value: runtimeMs / rounds.length,
      unit: 'ms',
      note: 'whole run incl. generation, static + browser checks, review and fixes',
    },
  }
}
