import type { Keyv } from 'keyv'

import { CacheEntrySchema, type CacheEntry } from './cache-entry.js'
import { createFileKeyv, type Logger } from './file-store.js'
import { STORE_DOWN, StoreGuard, closeStore } from './store-guard.js'
import { formatIssues } from './zod-issues.js'

/**
 * The cache every model call goes through (docs/ARCHITECTURE.md, "Cache"; issue 4).
 *
 * Key = sha256 of a stable serialisation of stage, model id, prompt version and the
 * call's real inputs, so the same question is never asked twice and a changed input is
 * never answered from a stale entry. Entries record where they came from (a model, or
 * written by hand for the committed example cache) and are validated on every read:
 * anything that does not look right is a miss with a warning, never a crash.
 */

export { stableStringify, cacheKey, type CacheKeyParts } from './cache-key.js'
export { CacheSourceSchema, CacheEntrySchema, type CacheSource, type CacheEntry } from './cache-entry.js'

// ---------------------------------------------------------------- modes

/** `auto` reads and writes, `frozen` makes a miss an error, `refresh` ignores reads (docs/ARCHITECTURE.md, "Cache"). */
export const CACHE_MODES = Object.freeze(['auto', 'frozen', 'refresh'] as const)
export type CacheMode = (typeof CACHE_MODES)[number]

// ---------------------------------------------------------------- the cache

export interface ModelCacheOptions {
  /** A cache directory (one JSON file per key) or any keyv instance (Redis/Valkey for teams). */
  store: string | Keyv
  /** @default 'auto' */
  mode?: CacheMode
  /** Warnings: corrupt or invalid entries, store errors. @default console */
  logger?: Logger
  /** Longest wait for one store operation before it counts as a miss (#12). @default 5000 */
  timeoutMs?: number
  /** The run's signal: a pending store operation ends when it fires. */
  signal?: AbortSignal
}

export const DEFAULT_STORE_TIMEOUT_MS = 5000

/** Marks a keyv instance that already forwards its errors to a cache's guard. */
const ERROR_SINK = Symbol.for('sitesmith.cache.errorSink')

/** What a shared in-flight model call resolves to. */
interface InFlight {
  value: unknown
}

export class ModelCache {
  readonly mode: CacheMode
  readonly keyv: Keyv
  readonly logger: Logger
  /** Bounds every store operation; the first failure makes the rest of the run misses. */
  readonly guard: StoreGuard
  private readonly timeoutMs: number
  /** Concurrent identical misses in this process share one model call. */
  private readonly inFlight = new Map<string, Promise<InFlight>>()

  constructor(options: ModelCacheOptions) {
    this.mode = options.mode ?? 'auto'
    if (!(CACHE_MODES as readonly string[]).includes(this.mode))
      throw new Error(`ModelCache: mode ${JSON.stringify(this.mode)} is not one of ${CACHE_MODES.join(', ')}`)
    this.logger = options.logger ?? console
    this.keyv =
      typeof options.store === 'string' ? createFileKeyv(options.store, { logger: this.logger }) : options.store
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS
    this.guard = new StoreGuard({ timeoutMs: this.timeoutMs, signal: options.signal, warn: (m) => this.logger.warn(m) })
    // keyv reports store failures (Redis down, disk full) as events; without a listener they
    // vanish. One listener per keyv instance, pointing at the newest cache's guard: a user's
    // keyv outlives many runs (dev server) and must not collect a listener per run. A
    // reconnecting client reports an error per attempt; the guard warns once per run.
    const host = this.keyv as Keyv & { [ERROR_SINK]?: { guard: StoreGuard } }
    const sink = host[ERROR_SINK]
    if (sink) sink.guard = this.guard
    else {
      const fresh = { guard: this.guard }
      host[ERROR_SINK] = fresh
      this.keyv.on('error', (error: unknown) => fresh.guard.noteError(error))
    }
  }

  /** A raw store read, bounded; undefined on a miss or a store failure (warned). */
  async read(key: string): Promise<unknown> {
    const value = await this.guard.run(`reading ${key.slice(0, 17)}`, () => this.keyv.get<unknown>(key))
    return value === STORE_DOWN ? undefined : value
  }

  /** A raw store write, bounded; false when the store failed (warned). */
  async write(key: string, value: unknown): Promise<boolean> {
    const ok = await this.guard.run(`storing ${key.slice(0, 17)}`, () => this.keyv.set(key, value))
    return ok === true
  }

  /** The entry for `key`, or undefined on a miss. `refresh` mode always misses. */
  async get(key: string): Promise<CacheEntry | undefined> {
    if (this.mode === 'refresh') return undefined
    return this.peek(key)
  }

  /** Read regardless of mode (for `sitesmith status` and tests). Invalid entries are misses with a warning. */
  async peek(key: string): Promise<CacheEntry | undefined> {
    const raw = await this.read(key)
    if (raw === undefined || raw === null) return undefined
    const result = CacheEntrySchema.safeParse(raw)
    if (!result.success) {
      this.logger.warn(
        `sitesmith cache: entry ${key} is not a valid cache entry (${formatIssues(result.error.issues, 3).replaceAll('\n', '; ')}); treating it as a miss`,
      )
      return undefined
    }
    if (result.data.key !== key) {
      this.logger.warn(
        `sitesmith cache: entry stored under ${key} says it is ${result.data.key} (copied or renamed?); treating it as a miss`,
      )
      return undefined
    }
    return result.data
  }

  /** Store `entry` under `key`. Returns false when the store failed (already warned). */
  async set(key: string, entry: CacheEntry): Promise<boolean> {
    const result = CacheEntrySchema.safeParse(entry)
    if (!result.success)
      throw new Error(
        `ModelCache.set(${key}): invalid entry: ${formatIssues(result.error.issues, 3).replaceAll('\n', '; ')}`,
      )
    if (entry.key !== key) throw new Error(`ModelCache.set(${key}): entry.key is ${entry.key}`)
    return this.write(key, result.data)
  }

  /**
   * Run `produce` for `key` unless a call for the same key is already running in this
   * process, in which case wait for that one. `joined` tells which happened.
   */
  async shareInFlight(key: string, produce: () => Promise<unknown>): Promise<{ value: unknown; joined: boolean }> {
    const running = this.inFlight.get(key)
    if (running) return { value: (await running).value, joined: true }
    const promise = produce().then((value) => ({ value }))
    this.inFlight.set(key, promise)
    try {
      return { value: (await promise).value, joined: false }
    } finally {
      this.inFlight.delete(key)
    }
  }

  /** Close the store, by force when it stopped answering in this run (never hangs, never throws). */
  async disconnect(): Promise<void> {
    await closeStore(this.keyv, this.timeoutMs, this.guard.down !== undefined)
  }
}

/**
 * Close a keyv store sitesmith was handed (the build, dev server or CLI command that loaded
 * the config ends; #12: the README's Redis snippet must let `vite build` exit by itself).
 * By force at once when the last run found it down. Never hangs, never throws.
 */
export async function closeCacheStore(keyv: Keyv, timeoutMs = DEFAULT_STORE_TIMEOUT_MS): Promise<void> {
  const sink = (keyv as Keyv & { [ERROR_SINK]?: { guard: StoreGuard } })[ERROR_SINK]
  await closeStore(keyv, timeoutMs, sink?.guard.down !== undefined)
}
