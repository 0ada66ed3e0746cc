import { BudgetExceededError, type ModelErrorContext } from './errors.js'
import type { Usage } from './types.js'

/**
 * Per-run model budget (docs/ARCHITECTURE.md, "Fix loops that burn tokens"). One meter is shared by both
 * roles of a run; it is consulted BEFORE every HTTP request, so a run stops cleanly with what
 * was done kept instead of discovering the overrun afterwards.
 *
 * With concurrent calls, `maxCalls` is exact (a call is counted when it starts), while
 * `maxTokens` can be overshot by the answers of calls already in flight: their size is not
 * known until they return.
 */

export interface UsageLimits {
  /**
   * HTTP requests per run at most (retries and repair turns count; an attempt whose connection
   * was refused sent nothing and does not). @default Infinity
   */
  maxCalls?: number
  /** Prompt + completion tokens per run at most. @default Infinity */
  maxTokens?: number
}

export interface StageUsage {
  calls: number
  promptTokens: number
  completionTokens: number
}

export interface UsageSnapshot extends StageUsage {
  byStage: Record<string, StageUsage>
  limits: { maxCalls: number; maxTokens: number }
}

export class UsageMeter {
  #limits: Readonly<{ maxCalls: number; maxTokens: number }>
  #calls = 0
  #promptTokens = 0
  #completionTokens = 0
  readonly #byStage = new Map<string, StageUsage>()

  constructor(limits: UsageLimits = {}) {
    const maxCalls = limits.maxCalls ?? Infinity
    const maxTokens = limits.maxTokens ?? Infinity
    if (!(maxCalls >= 0) || !(maxTokens >= 0))
      throw new RangeError(`budget: maxCalls and maxTokens must be >= 0 (got ${maxCalls}, ${maxTokens})`)
    this.#limits = Object.freeze({ maxCalls, maxTokens })
  }

  get limits(): Readonly<{ maxCalls: number; maxTokens: number }> {
    return this.#limits
  }

  /**
   * Raises the limits to what a plan needs (issue #16: a default budget follows the plan's
   * size). Never lowers them: calls already counted stay within the limits they started under.
   */
  raise(limits: UsageLimits): void {
    const maxCalls = Math.max(this.#limits.maxCalls, limits.maxCalls ?? 0)
    const maxTokens = Math.max(this.#limits.maxTokens, limits.maxTokens ?? 0)
    this.#limits = Object.freeze({ maxCalls, maxTokens })
  }

  get calls(): number {
    return this.#calls
  }
  get promptTokens(): number {
    return this.#promptTokens
  }
  get completionTokens(): number {
    return this.#completionTokens
  }
  get totalTokens(): number {
    return this.#promptTokens + this.#completionTokens
  }
  get byStage(): Record<string, StageUsage> {
    return Object.fromEntries([...this.#byStage].map(([k, v]) => [k, { ...v }]))
  }

  /**
   * Reserves one HTTP request for `stage`, or throws `BudgetExceededError` naming the limit.
   * `promptTokens` is the estimated size of the prompt about to be sent: a call whose prompt
   * alone would go over `maxTokens` is not made.
   */
  beginCall(stage: string, promptTokens = 0, ctx: ModelErrorContext = {}): void {
    const { maxCalls, maxTokens } = this.limits
    if (this.#calls + 1 > maxCalls) {
      throw new BudgetExceededError(
        'maxCalls',
        this.#calls,
        maxCalls,
        `run budget exhausted: ${this.#calls} of maxCalls ${maxCalls} model calls used`,
        ctx,
      )
    }
    const used = this.totalTokens
    if (used >= maxTokens || used + promptTokens > maxTokens) {
      throw new BudgetExceededError(
        'maxTokens',
        used,
        maxTokens,
        `run budget exhausted: ${used} of maxTokens ${maxTokens} tokens used${promptTokens ? ` and the next prompt needs about ${promptTokens}` : ''}`,
        ctx,
      )
    }
    this.#calls++
    this.#stage(stage).calls++
  }

  /**
   * Gives back a call reserved by `beginCall` whose request never left this machine (the
   * connection was refused or the host not found, #12): no model was asked, so it is
   * neither a model call in the usage line nor a call against `maxCalls`.
   */
  refundCall(stage: string): void {
    const s = this.#stage(stage)
    if (this.#calls === 0 || s.calls === 0) return
    this.#calls--
    s.calls--
    if (s.calls === 0 && s.promptTokens === 0 && s.completionTokens === 0) this.#byStage.delete(stage)
  }

  /** Adds the usage an answer reported. */
  addUsage(stage: string, usage: Usage): void {
    this.#promptTokens += usage.promptTokens
    this.#completionTokens += usage.completionTokens
    const s = this.#stage(stage)
    s.promptTokens += usage.promptTokens
    s.completionTokens += usage.completionTokens
  }

  snapshot(): UsageSnapshot {
    return {
      calls: this.#calls,
      promptTokens: this.#promptTokens,
      completionTokens: this.#completionTokens,
      byStage: this.byStage,
      limits: { ...this.limits },
    }
  }

  #stage(stage: string): StageUsage {
    let s = this.#byStage.get(stage)
    if (!s) this.#byStage.set(stage, (s = { calls: 0, promptTokens: 0, completionTokens: 0 }))
    return s
  }
}

/** Model calls a plan's task may take: generate, a repair turn, a fix. */
export const CALLS_PER_TASK = 3
/** Planning and review calls on top of the tasks'. */
export const CALLS_PER_RUN = 20
/** Tokens a task may take: its prompt and answer, its share of the review, a repair and a fix. */
export const TOKENS_PER_TASK = 20_000

/**
 * The default budget for a plan of `tasks` tasks (issue #16): at least `base` (the defaults of
 * a small site), else 3 calls and 20,000 tokens a task plus 20 calls for planning and review.
 */
export function budgetForPlan(tasks: number, base: { maxCalls: number; maxTokens: number }): typeof base {
  return {
    maxCalls: Math.max(base.maxCalls, CALLS_PER_TASK * tasks + CALLS_PER_RUN),
    maxTokens: Math.max(base.maxTokens, TOKENS_PER_TASK * tasks),
  }
}

/**
 * One line for the end of a run, e.g.
 * `model usage: 7 calls, 12,345 tokens (10,000 prompt + 2,345 completion) — plan 1/3,100, generate 6/9,245 · budget 200 calls, 2,000,000 tokens`
 */
export function formatUsage(u: UsageMeter | UsageSnapshot): string {
  const s = u instanceof UsageMeter ? u.snapshot() : u
  const n = (x: number) => x.toLocaleString('en-US')
  const total = s.promptTokens + s.completionTokens
  const stages = Object.entries(s.byStage)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, v]) => `${name} ${v.calls}/${n(v.promptTokens + v.completionTokens)}`)
    .join(', ')
  const limits = [
    Number.isFinite(s.limits.maxCalls) && `${n(s.limits.maxCalls)} calls`,
    Number.isFinite(s.limits.maxTokens) && `${n(s.limits.maxTokens)} tokens`,
  ]
    .filter(Boolean)
    .join(', ')
  return (
    `model usage: ${n(s.calls)} call${s.calls === 1 ? '' : 's'}, ${n(total)} tokens (${n(s.promptTokens)} prompt + ${n(s.completionTokens)} completion)` +
    (stages ? ` — ${stages}` : '') +
    (limits ? ` · budget ${limits}` : '')
  )
}
