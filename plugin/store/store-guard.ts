import type { Keyv } from 'keyv'

/**
 * Every operation on the cache's store is bounded (issue #12). The cache is an
 * optimisation, never a reason to hang: a store that does not answer within `timeoutMs`
 * (Redis down — node-redis queues commands offline until it reconnects, which may be never),
 * or that throws, is a miss with one warning, and the rest of the run does not wait on it
 * again. The run's AbortSignal ends a pending operation at once.
 */
export interface StoreGuardOptions {
  /** Longest wait for one get/set. */
  timeoutMs: number
  signal?: AbortSignal
  warn(message: string): void
}

/** The store failed or timed out; what the guard returns instead of a value. */
export const STORE_DOWN: unique symbol = Symbol('sitesmith.store.down')

export class StoreGuard {
  /** Why the store stopped being used in this run, once it has. */
  private downReason: string | undefined

  constructor(private readonly options: StoreGuardOptions) {}

  get down(): string | undefined {
    return this.downReason
  }

  /**
   * `op()` within the time limit; `STORE_DOWN` when it failed, timed out or the store is
   * already known to be down. Rejects only with the signal's reason when the run is aborted.
   */
  async run<T>(what: string, op: () => Promise<T>): Promise<T | typeof STORE_DOWN> {
    const { signal } = this.options
    signal?.throwIfAborted()
    if (this.downReason) return STORE_DOWN
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    const limit = new Promise<typeof STORE_DOWN>((resolve, reject) => {
      timer = setTimeout(() => {
        this.markDown(`${what} got no answer within ${this.options.timeoutMs} ms`)
        resolve(STORE_DOWN)
      }, this.options.timeoutMs)
      onAbort = () => reject(signal!.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    // The operation may settle after the limit (a reconnect replaying the offline queue);
    // its late result or error is dropped, never unhandled.
    const attempt: Promise<T | typeof STORE_DOWN> = Promise.resolve()
      .then(op)
      .catch((error: unknown): typeof STORE_DOWN => {
        this.markDown(`${what} failed: ${error instanceof Error ? error.message : String(error)}`)
        return STORE_DOWN
      })
    try {
      return await Promise.race([attempt, limit])
    } finally {
      clearTimeout(timer)
      if (onAbort) signal?.removeEventListener('abort', onAbort)
    }
  }

  /** A store error reported as an event (keyv's `error`): the first one in a run is warned. */
  noteError(error: unknown): void {
    this.markDown(`store error: ${error instanceof Error ? error.message : String(error)}`)
  }

  private markDown(reason: string): void {
    if (this.downReason) return
    this.downReason = reason
    this.options.warn(
      `sitesmith cache: ${reason}; the rest of this run treats the cache as misses (answers are asked for again and not stored)`,
    )
  }
}

/**
 * Close a keyv store within `timeoutMs`. A graceful close waits for queued commands, which
 * never finish when the server is gone; then the store is closed by force
 * (`disconnect(true)`, which @keyv/redis maps to node-redis `destroy()`), so nothing is
 * left holding the process open. Never throws.
 */
export async function closeStore(keyv: Keyv, timeoutMs: number, force = false): Promise<void> {
  const store = keyv.store as { disconnect?: (force?: boolean) => Promise<void> } | undefined
  const forced = async () => {
    await Promise.resolve(store?.disconnect?.(true)).catch(() => {})
  }
  if (force) return forced()
  let timer: NodeJS.Timeout | undefined
  const graceful = keyv.disconnect().then(
    () => true,
    () => false,
  )
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
  const closed = await Promise.race([graceful, timedOut])
  clearTimeout(timer)
  if (!closed) await forced()
}
