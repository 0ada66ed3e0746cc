import { ModelAbortedError, ModelError, type ModelErrorContext } from './errors.js'

/**
 * Bounded retries for transient model failures: 429 (honouring `retry-after-ms` /
 * `retry-after`, capped), 408/409, 5xx, timeouts and dropped connections. Exponential backoff
 * with jitter so concurrent tasks that failed together do not retry in lockstep. Never
 * retries once the caller's AbortSignal has fired, and the wait itself is cancellable.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. @default 3 */
  maxRetries: number
  /** First backoff delay; doubles per retry. Small in tests. @default 500 */
  baseMs: number
  /** Upper bound for any single wait, including a server's `retry-after`. @default 30000 */
  maxDelayMs: number
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number
}

export interface RetryInfo {
  /** 1-based number of the retry about to happen. */
  retry: number
  delayMs: number
  error: ModelError
}

/**
 * Delay before retry number `retry` (1-based). A server-requested wait wins (capped);
 * otherwise base·2^(retry-1) capped, with "equal jitter": half fixed, half random.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) return clamp(retryAfterMs, 0, policy.maxDelayMs)
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, retry - 1))
  const r = (policy.random ?? Math.random)()
  return Math.round(exp / 2 + (exp / 2) * r)
}

/**
 * `retry-after-ms` (ms, non-standard but sent by OpenAI) or `retry-after` (seconds or an
 * HTTP date). Undefined when absent or unparsable.
 */
export function parseRetryAfter(
  get: (name: string) => string | null | undefined,
  now = Date.now(),
): number | undefined {
  const ms = get('retry-after-ms')
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms))
  const ra = get('retry-after')
  if (ra == null || ra.trim() === '') return undefined
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000)
  const date = Date.parse(ra)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Status codes worth sending again: request timeout, conflict/lock, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or `maxRetries` retries
 * are spent (the last error is thrown). Errors that are not `ModelError`s are programming
 * errors and are never retried.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  opts: { signal?: AbortSignal; ctx?: ModelErrorContext; onRetry?: (info: RetryInfo) => void } = {},
): Promise<T> {
  for (let n = 0; ; n++) {
    if (opts.signal?.aborted) throw new ModelAbortedError(opts.ctx ?? {}, opts.signal.reason)
    try {
      return await attempt(n)
    } catch (err) {
      if (!(err instanceof ModelError) || !err.retryable || n >= policy.maxRetries || opts.signal?.aborted) throw err
      const retryAfter = 'retryAfterMs' in err ? (err.retryAfterMs as number | undefined) : undefined
      const delayMs = backoffDelay(n + 1, policy, retryAfter)
      opts.onRetry?.({ retry: n + 1, delayMs, error: err })
      await sleep(delayMs, opts.signal, opts.ctx ?? {})
    }
  }
}

/** Waits `ms`, or rejects with `ModelAbortedError` as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, ctx: ModelErrorContext): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ModelAbortedError(ctx, signal.reason))
    const onAbort = () => {
      clearTimeout(timer)
      reject(new ModelAbortedError(ctx, signal?.reason))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n))
}
