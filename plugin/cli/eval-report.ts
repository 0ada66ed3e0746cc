import type { SpecFigures } from './eval-metrics.js'

/**
 * The report of `sitesmith eval` (issue #15): per model pair, a summary over the suite and the
 * figures of every spec; as JSON (a contract: `version` is bumped on any change of shape) and
 * as a markdown leaderboard.
 */
export interface PairReport {
  planner: string
  coder: string
  summary: PairSummary
  specs: SpecFigures[]
}

export interface PairSummary {
  specs: number
  endedClean: number
  planValidFirstTry: number
  files: number
  filesFirstTry: number
  repairTurns: number
  staticClean: number
  /** Ratio over the specs where the browser pass ran; null when it never did. */
  browserClean: number | null
  behaviourPassed: number
  behaviourTotal: number
  reviewRoundsMean: number
  tokens: number
  /** US dollars; null when any run's cost is unknown. */
  costUsd: number | null
  wallMs: number
}

export interface EvalReport {
  version: 1
  suite: string
  startedAt: string
  pairs: PairReport[]
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000)

export function summarise(specs: SpecFigures[]): PairSummary {
  const n = specs.length
  const sum = (f: (s: SpecFigures) => number) => specs.reduce((a, s) => a + f(s), 0)
  const browser = specs.filter((s) => s.browserClean !== null)
  const files = sum((s) => s.files)
  return {
    specs: n,
    endedClean: ratio(specs.filter((s) => s.endedClean).length, n),
    planValidFirstTry: ratio(specs.filter((s) => s.planValidFirstTry).length, n),
    files,
    filesFirstTry: ratio(
      sum((s) => s.filesFirstTry),
      files,
    ),
    repairTurns: sum((s) => s.repairTurns),
    staticClean: ratio(specs.filter((s) => s.staticClean).length, n),
    browserClean: browser.length ? ratio(browser.filter((s) => s.browserClean).length, browser.length) : null,
    behaviourPassed: sum((s) => s.behaviour.passed),
    behaviourTotal: sum((s) => s.behaviour.total),
    reviewRoundsMean: ratio(
      sum((s) => s.reviewRounds),
      n,
    ),
    tokens: sum((s) => s.tokens.total),
    costUsd: specs.some((s) => s.costUsd === null) ? null : Math.round(sum((s) => s.costUsd ?? 0) * 1e6) / 1e6,
    wallMs: sum((s) => s.wallMs),
  }
}

const pct = (r: number) => `${Math.round(r * 100)}%`
const usd = (c: number | null) => (c === null ? 'unknown' : `$${c.toFixed(4)}`)
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const yes = (b: boolean | null) => (b === null ? '-' : b ? 'yes' : 'no')

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`

const PAIR_HEAD = ['planner', 'coder', 'ended clean', 'plan valid 1st try', 'files 1st try', 'repair turns']
const PAIR_TAIL = ['static-clean', 'browser-clean', 'behaviour', 'review rounds', 'tokens', 'est. cost', 'wall time']
const SPEC_HEAD = ['spec', 'clean', 'plan 1st', 'files 1st', 'repairs', 'static', 'browser', 'behaviour', 'rounds']
const SPEC_TAIL = ['tokens', 'cost', 'wall']

export function formatMarkdown(report: EvalReport): string {
  const lines = [
    `sitesmith eval: ${report.pairs[0]?.summary.specs ?? 0} spec(s) of ${report.suite}`,
    '',
    row([...PAIR_HEAD, ...PAIR_TAIL]),
    row(['---', '---', ...Array<string>(11).fill('---:')]),
  ]
  for (const p of report.pairs) {
    const s = p.summary
    const browser = s.browserClean === null ? 'not run' : pct(s.browserClean)
    const files = `${pct(s.filesFirstTry)} (${s.files} files)`
    const first = [p.planner, p.coder, pct(s.endedClean), pct(s.planValidFirstTry), files, s.repairTurns]
    const mid = [pct(s.staticClean), browser, `${s.behaviourPassed}/${s.behaviourTotal}`, s.reviewRoundsMean]
    lines.push(row([...first, ...mid, s.tokens, usd(s.costUsd), secs(s.wallMs)]))
  }
  for (const p of report.pairs) {
    lines.push('', `${p.planner} + ${p.coder}:`, '', row([...SPEC_HEAD, ...SPEC_TAIL]))
    lines.push(row(['---', '---', '---', '---:', '---:', '---', '---', '---:', '---:', '---:', '---:', '---:']))
    for (const s of p.specs) {
      const first = [s.spec, yes(s.endedClean), yes(s.planValidFirstTry), `${s.filesFirstTry}/${s.files}`]
      const behaviour = `${s.behaviour.passed}/${s.behaviour.total}`
      const rest = [s.repairTurns, yes(s.staticClean), yes(s.browserClean), behaviour, s.reviewRounds]
      lines.push(row([...first, ...rest, s.tokens.total, usd(s.costUsd), secs(s.wallMs)]))
    }
    const notes = p.specs.flatMap((s) => [
      ...s.errors.map((e) => `- ${s.spec}: ${e.split('\n')[0]}`),
      ...s.behaviour.failures.map((f) => `- ${s.spec}: behaviour check ${f}`),
    ])
    if (notes.length) lines.push('', ...notes.map((l) => l.replace(/\|/g, '\\|')))
  }
  return lines.join('\n') + '\n'
}
