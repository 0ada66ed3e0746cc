import type { Finding } from '../diagnostics/diagnostic.js'
import type { RunLogLine } from '../store/run-log.js'
import type { CheckOutcome } from './eval-behaviour.js'

/**
 * The figures of one eval run of one spec (issue #15), read from what a real run leaves: the
 * run log (`.sitesmith/run.jsonl`: every model call with its stage, task, role and tokens,
 * every schema repair turn) and the run's result. Nothing here talks to a model.
 */
export interface SpecFigures {
  spec: string
  /** The plan's first answer was valid JSON of the schema and passed plan validation. */
  planValidFirstTry: boolean
  /** Files the plan asked for (create tasks). */
  files: number
  /** Of those, written from the first answer: no repair turn of any kind. */
  filesFirstTry: number
  /**
   * Schema repair turns, answers asked again after a cut at the output limit, and answers sent
   * back by the gate, the plan check or a fix check.
   */
  repairTurns: number
  /** No error finding of the static checker after the run. */
  staticClean: boolean
  /** No error finding of the browser pass after the run; null when it could not run. */
  browserClean: boolean | null
  behaviour: { passed: number; total: number; failures: string[] }
  reviewRounds: number
  calls: number
  tokens: { prompt: number; completion: number; total: number; planner: RoleTokens; coder: RoleTokens }
  /** US dollars; null when a role's price is unknown. */
  costUsd: number | null
  wallMs: number
  /** Task failures and run errors, each naming the task. */
  errors: string[]
  /** No error, static- and browser-clean, every behaviour check passed. */
  endedClean: boolean
}

export interface RoleTokens {
  prompt: number
  completion: number
}

const PLANNER_STAGES = /^(plan|plan-delta)$/
const SENT_BACK = new Set(['generate', 'update', 'fix'])

/** Call-level figures from the run log of one run (every line of a fresh site's log). */
export function callFigures(lines: RunLogLine[]): Pick<SpecFigures, 'planValidFirstTry' | 'repairTurns' | 'calls'> & {
  tokens: { planner: RoleTokens; coder: RoleTokens }
  firstTry: (taskId: string) => boolean
} {
  // Asks that reached a model (answered or failed); in a fresh site a hit is only a shared in-flight call.
  const calls = lines.filter((l) => l.cache === 'miss' && (l.event === 'model-call' || l.event === 'error'))
  // A schema repair turn, or an answer cut at the output limit and asked for again.
  const repairs = lines.filter((l) => l.event === 'repair' || l.event === 'truncated')
  const labelOf = (l: RunLogLine) => (typeof l.detail?.label === 'string' ? l.detail.label : l.stage)
  const planner: RoleTokens = { prompt: 0, completion: 0 }
  const coder: RoleTokens = { prompt: 0, completion: 0 }
  for (const l of calls) {
    if (!l.tokens || typeof l.tokens === 'number') continue
    const bucket = l.detail?.role === 'planner' ? planner : coder
    bucket.prompt += l.tokens.prompt
    bucket.completion += l.tokens.completion
  }
  // Asks of the same label: the first is the question, every further one a send-back
  // (askUntilAccepted keeps the label). Fixes repeat per review round, so rounds are apart.
  const asks = new Map<string, number>()
  let round = 0
  let sentBack = 0
  for (const l of calls) {
    const label = labelOf(l)
    if (l.stage === 'review' && label.startsWith('review:round-')) round++
    if (!SENT_BACK.has(l.stage)) continue
    const key = `${l.stage === 'fix' ? round : 0}|${label}`
    const seen = asks.get(key) ?? 0
    if (seen > 0) sentBack++
    asks.set(key, seen + 1)
  }
  const planAsks = calls.filter((l) => PLANNER_STAGES.test(l.stage))
  const planRepairs = calls.filter((l) => /^plan(-delta)?-repair$/.test(l.stage)).length
  const planSchemaRepairs = repairs.filter((l) => /^plan/.test(labelOf(l))).length
  return {
    planValidFirstTry:
      planAsks.length >= 1 &&
      planAsks.every((l) => l.event === 'model-call') &&
      planRepairs === 0 &&
      planSchemaRepairs === 0,
    repairTurns: repairs.length + sentBack + planRepairs,
    calls: calls.length,
    tokens: { planner, coder },
    firstTry: (taskId) => {
      const label = `generate:${taskId}`
      return (
        (asks.get(`0|${label}`) ?? 0) === 1 &&
        !repairs.some((l) => labelOf(l) === label) &&
        calls.some((l) => labelOf(l) === label && l.event === 'model-call')
      )
    },
  }
}

/** Runtime (browser) findings carry the page they happened on; the static checker's do not. */
export function cleanliness(
  findings: Finding[],
  browserRan: boolean,
): { staticClean: boolean; browserClean: boolean | null } {
  const errors = findings.filter((f) => f.severity === 'error')
  return {
    staticClean: !errors.some((f) => f.page === undefined && !isRuntimeRule(f.rule)),
    browserClean: browserRan ? !errors.some((f) => f.page !== undefined || isRuntimeRule(f.rule)) : null,
  }
}

const isRuntimeRule = (rule: string) => /^(runtime-|a11y-|layout-|failed-request$)/.test(rule)

export function behaviourFigures(outcomes: CheckOutcome[] | null, total: number): SpecFigures['behaviour'] {
  if (!outcomes) return { passed: 0, total, failures: ['behaviour checks not run: no browser'] }
  return {
    passed: outcomes.filter((o) => o.passed).length,
    total,
    failures: outcomes.filter((o) => !o.passed).map((o) => `${o.name}: ${o.failure}`),
  }
}
