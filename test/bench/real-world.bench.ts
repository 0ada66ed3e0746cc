/**
 * Real-world precision (issue #13): the checker over public repositories of small vanilla
 * sites, every finding matched against the hand triage in `real-world/triage.json`.
 * The corpus is never committed (third-party code): it is read from `SITESMITH_CORPUS`
 * (default /work/corpus, one `<owner>__<repo>` checkout per folder and a `COMMITS` file);
 * without it the bench says so and returns nothing.
 *  - real_world_precision: TP ÷ (TP + FP) over triaged findings of this run.
 *  - real_world_untriaged: findings with no triage entry — never counted as TP;
 *    real_world_precision_floor counts them as false.
 *  - real_world_<rule>_tp/_fp, real_world_fp_causes (note), and the baseline precision of
 *    the checker before the #13 fixes (every entry triaged then, `since: "baseline"`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { z } from 'zod'

import { corpusCommits, corpusRepos, runCorpus } from './real-world/corpus.js'
import type { BenchResult } from './types.js'

const TriageSchema = z.object({
  version: z.literal(1),
  entries: z.array(
    z.object({
      key: z.string(),
      repo: z.string(),
      commit: z.string(),
      site: z.string(),
      file: z.string(),
      rule: z.string(),
      line: z.number(),
      column: z.number(),
      verdict: z.enum(['TP', 'FP']),
      cause: z.string(),
      since: z.string(),
    }),
  ),
})

export async function run(): Promise<BenchResult> {
  const root = process.env.SITESMITH_CORPUS ?? '/work/corpus'
  if (!existsSync(root) || corpusRepos(root).length === 0) {
    process.stdout.write(
      `  real-world: skipped — no corpus at ${root} (set SITESMITH_CORPUS; see the #13 note for how to build it)\n`,
    )
    return {}
  }
  const triage = TriageSchema.parse(
    JSON.parse(readFileSync(join(import.meta.dirname, 'real-world', 'triage.json'), 'utf8')),
  )
  const byKey = new Map(triage.entries.map((e) => [e.key, e]))
  const commits = corpusCommits(root)
  const { sites, findings } = await runCorpus(root)

  const perRule = new Map<string, { tp: number; fp: number }>()
  const fpCauses = new Map<string, number>()
  const untriaged: string[] = []
  let tp = 0
  let fp = 0
  for (const f of findings) {
    const e = byKey.get(f.key)
    if (!e || e.commit !== commits.get(f.repo)) {
      untriaged.push(`${f.repo}/${f.site}/${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`)
      continue
    }
    const r = perRule.get(f.rule) ?? { tp: 0, fp: 0 }
    if (e.verdict === 'TP') {
      tp++
      r.tp++
    } else {
      fp++
      r.fp++
      fpCauses.set(e.cause, (fpCauses.get(e.cause) ?? 0) + 1)
    }
    perRule.set(f.rule, r)
  }
  for (const u of untriaged) process.stdout.write(`  untriaged: ${u}\n`)

  const baseline = triage.entries.filter((e) => e.since === 'baseline')
  const baseTp = baseline.filter((e) => e.verdict === 'TP').length
  const repos = new Set(sites.map((s) => s.repo))
  const out: BenchResult = {
    real_world_sites: {
      value: sites.length,
      unit: 'sites',
      target: '>= 300',
      note: `${repos.size} repositories: ${[...repos].map((r) => `${r}@${(commits.get(r) ?? '?').slice(0, 7)}`).join(', ')}`,
    },
    real_world_findings: { value: findings.length, unit: 'findings' },
    real_world_tp: { value: tp, unit: 'findings' },
    real_world_fp: { value: fp, unit: 'findings' },
    real_world_untriaged: { value: untriaged.length, unit: 'findings', target: '0' },
    real_world_precision: { value: tp + fp > 0 ? tp / (tp + fp) : 1, unit: 'ratio', target: '>= 0.95' },
    real_world_precision_floor: {
      value: findings.length > 0 ? tp / findings.length : 1,
      unit: 'ratio',
      note: 'untriaged findings counted as false',
    },
    real_world_baseline_precision: {
      value: baseline.length > 0 ? baseTp / baseline.length : 1,
      unit: 'ratio',
      note: `before the #13 fixes: ${baseTp} TP, ${baseline.length - baseTp} FP`,
    },
    real_world_fp_causes: {
      value: fpCauses.size,
      unit: 'causes',
      note: [...fpCauses].map(([c, n]) => `${c}: ${n}`).join(', ') || 'none',
    },
  }
  for (const [rule, r] of [...perRule].sort(([a], [b]) => a.localeCompare(b))) {
    out[`real_world_${rule.replace(/-/g, '_')}_tp`] = { value: r.tp, unit: 'findings' }
    out[`real_world_${rule.replace(/-/g, '_')}_fp`] = { value: r.fp, unit: 'findings' }
  }
  return out
}
