import type { Keyv } from 'keyv'
import { z } from 'zod'

import type { ChatClient, ChatRequest, Usage } from '../llm/types.js'
import { sha256 } from './atomic-write.js'
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'
import { createFileKeyv, type Logger } from './file-store.js'
import { STORE_DOWN, StoreGuard, closeStore } from './store-guard.js'
import type { RunLogSink } from './run-log.js'
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

// ---------------------------------------------------------------- keys

/**
 * JSON with object keys sorted and `undefined` members dropped, so equal data always
 * gives equal text whatever order it was built in. Values JSON would silently mangle
 * (NaN/Infinity → null, Map/Set → {}, functions dropped, bigint throws deep inside) are
 * rejected with the path to the value: in a cache key a silent change means two
 * different inputs share one answer. `toJSON` is honoured (a Date becomes its ISO text);
 * `undefined` array elements become `null`, as in JSON.
 */
export function stableStringify(value: unknown): string {
  return stringifyAt(value, '$', new Set())
}

function stringifyAt(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`stableStringify: ${path} is ${value}; only finite numbers have a JSON form`)
      return JSON.stringify(value)
    case 'undefined':
      return 'null' // only reached for array elements and the top level
    case 'object': {
      if (value === null) return 'null'
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') return stringifyAt(toJSON.call(value), path, ancestors)
      if (
        value instanceof Map ||
        value instanceof Set ||
        value instanceof WeakMap ||
        value instanceof WeakSet ||
        ArrayBuffer.isView(value)
      ) {
        throw new TypeError(
          `stableStringify: ${path} is a ${value.constructor.name}; convert it to a plain object or array first`,
        )
      }
      if (ancestors.has(value))
        throw new TypeError(`stableStringify: ${path} refers back to an enclosing object (a cycle)`)
      ancestors.add(value)
      try {
        if (Array.isArray(value))
          return `[${value.map((v, i) => stringifyAt(v, `${path}[${i}]`, ancestors)).join(',')}]`
        const record = value as Record<string, unknown>
        const keys = Object.keys(record)
          .filter((k) => record[k] !== undefined)
          .sort()
        return `{${keys.map((k) => `${JSON.stringify(k)}:${stringifyAt(record[k], `${path}.${k}`, ancestors)}`).join(',')}}`
      } finally {
        ancestors.delete(value)
      }
    }
    default:
      throw new TypeError(`stableStringify: ${path} is a ${typeof value}, which has no JSON form`)
  }
}

export interface CacheKeyParts {
  /** Pipeline stage: `plan`, `generate`, `update`, `review`, `fix`. */
  stage: string
  /** `ChatClient.id`, e.g. `ollama:qwen2.5-coder:7b`. */
  model: string
  /** Bumped whenever the prompt template changes, so old answers stop matching. */
  promptVersion: string
  /** The call's real inputs: instructions, spec sections, dependency interfaces (not full text). */
  inputs: unknown
}

/** sha256 (hex) of the stable serialisation of the four parts. */
export function cacheKey(parts: CacheKeyParts): string {
  for (const field of ['stage', 'model', 'promptVersion'] as const) {
    if (typeof parts[field] !== 'string' || parts[field] === '')
      throw new TypeError(`cacheKey: ${field} must be a non-empty string`)
  }
  return sha256(
    stableStringify({
      stage: parts.stage,
      model: parts.model,
      promptVersion: parts.promptVersion,
      inputs: parts.inputs,
    }),
  )
}

// ---------------------------------------------------------------- entries

export const CacheSourceSchema = z.object({
  /** `hand-written` marks entries of the committed example cache that no model produced. */
  kind: z.enum(['model', 'hand-written']),
  note: z.string().optional(),
})
export type CacheSource = z.infer<typeof CacheSourceSchema>

export const CacheEntrySchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex key'),
  stage: z.string().min(1),
  model: z.string().min(1),
  promptVersion: z.string().min(1),
  /** The request label (`generate:index-page`), for people browsing the cache. */
  label: z.string(),
  createdAt: z.string(),
  source: CacheSourceSchema,
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
  /** The validated model answer, as JSON. */
  value: z.unknown().refine((v) => v !== undefined, 'missing'),
})
export type CacheEntry = z.infer<typeof CacheEntrySchema>

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

// ---------------------------------------------------------------- the wrapper

/** A cache miss in `frozen` mode: the model would have been called. */
export class CacheMissError extends Error implements Diagnosable {
  readonly code = 'E_CACHE_MISS'
  constructor(
    readonly stage: string,
    readonly key: string,
    readonly label: string,
    readonly taskId?: string,
    readonly path?: string,
    /** Why an existing entry did not count, if one exists. */
    readonly reason?: string,
  ) {
    const what = [
      `stage "${stage}"`,
      taskId ? `task "${taskId}"` : undefined,
      path ? `file "${path}"` : undefined,
      `request "${label}"`,
    ]
      .filter(Boolean)
      .join(', ')
    super(
      `No cached model answer for ${what} (cache key ${key}${reason ? `; ${reason}` : ''}), and the cache is frozen (the default when CI is set), so no model is called. ` +
        `To fix: run once locally with SITESMITH_CACHE_MODE=auto and model credentials (OPENAI_API_KEY for OpenAI-compatible servers, ` +
        `OLLAMA_HOST for Ollama) so the answer is cached, then commit the cache; or restore the cache directory (e.g. \`git checkout -- cache/\`).`,
    )
    this.name = 'CacheMissError'
  }

  toDiagnostics(): Diagnostic[] {
    const task = this.taskId ? { task: this.taskId } : {}
    return [
      {
        rule: this.code,
        severity: 'error',
        file: this.path ?? '',
        line: 0,
        column: 0,
        message: this.message,
        source: 'pipeline',
        ...task,
      },
    ]
  }
}

export interface CachedChatDeps {
  cache: ModelCache
  client: ChatClient
  log?: RunLogSink
}

export interface CachedChatCall<T> {
  stage: string
  promptVersion: string
  /** Everything the answer depends on besides stage, model and prompt version (see `cacheKey`). */
  inputs: unknown
  request: ChatRequest<T>
  /** For errors and the run log. */
  taskId?: string
  path?: string
  /** Recorded in the entry. @default { kind: 'model' } */
  source?: CacheSource
}

export interface CachedChatResult<T> {
  value: T
  /** True when this call made no model request: a cache hit, or a share of an identical call in flight. */
  hit: boolean
  /** Tokens this call spent (zero on a hit). */
  usage: Usage
  /** HTTP requests this call made (zero on a hit). */
  calls: number
  key: string
  /**
   * Who produced the answer, as files are credited (#12): the model id the entry records, or
   * `HAND_WRITTEN` for an entry written by hand (the example cache), whatever model it is keyed to.
   */
  by: string
}

/** The credit of an answer no model produced: a hand-written cache entry. */
export const HAND_WRITTEN = 'cache:hand-written'

const creditOf = (source: CacheSource | undefined, model: string): string =>
  source?.kind === 'hand-written' ? HAND_WRITTEN : model

/** A fresh object each time: callers may add to the usage they get back. */
const noUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0 })

/**
 * Answer a model request from the cache, or ask the model and cache the answer.
 *
 * - A hit is re-validated with `request.schema` (a schema change turns old entries into misses).
 * - `frozen` + miss → `CacheMissError` naming the stage, task and file; no model call.
 * - Identical concurrent misses in one process make one model call.
 * - A failed model call is not cached; the error is logged and rethrown.
 */
export async function cachedChat<T>(deps: CachedChatDeps, call: CachedChatCall<T>): Promise<CachedChatResult<T>> {
  const { cache, client, log } = deps
  const { stage, taskId, path, request } = call
  const key = cacheKey({ stage, model: client.id, promptVersion: call.promptVersion, inputs: call.inputs })
  const started = performance.now()
  const logEvent = (extra: Partial<Parameters<RunLogSink['write']>[0]>) =>
    log?.write({
      stage,
      event: 'model-call',
      taskId,
      path,
      durationMs: Math.round(performance.now() - started),
      detail: { label: request.label, key },
      ...extra,
    })

  const entry = await cache.get(key)
  if (entry) {
    const parsed = request.schema.safeParse(entry.value)
    if (parsed.success) {
      logEvent({ cache: 'hit' })
      return { value: parsed.data, hit: true, usage: noUsage(), calls: 0, key, by: creditOf(entry.source, entry.model) }
    }
    cache.logger.warn(
      `sitesmith cache: cached answer for ${request.label} (${key}) no longer matches its schema ` +
        `(${formatIssues(parsed.error.issues, 2).replaceAll('\n', '; ')}); treating it as a miss`,
    )
  }

  if (cache.mode === 'frozen') {
    const error = new CacheMissError(
      stage,
      key,
      request.label,
      taskId,
      path,
      entry ? 'the cached answer no longer matches its schema' : undefined,
    )
    logEvent({ cache: 'miss', event: 'error', error })
    throw error
  }

  let usage: Usage = noUsage()
  let calls = 0
  let shared: { value: unknown; joined: boolean }
  try {
    shared = await cache.shareInFlight(key, async () => {
      const result = await client.chat(request)
      usage = result.usage
      calls = result.calls
      await storeAnswer(cache, key, call, client.id, result.value, result.usage)
      return result.value
    })
  } catch (error) {
    logEvent({ cache: 'miss', event: 'error', error })
    throw error
  }

  if (shared.joined) {
    // Same key ⇒ same inputs, but the caller's schema decides what it accepts.
    const parsed = request.schema.safeParse(shared.value)
    if (!parsed.success)
      throw new Error(
        `${request.label}: shared answer does not match this request's schema: ${formatIssues(parsed.error.issues, 2)}`,
      )
    logEvent({ cache: 'hit', detail: { label: request.label, key, shared: true } })
    return { value: parsed.data, hit: true, usage: noUsage(), calls: 0, key, by: creditOf(call.source, client.id) }
  }
  logEvent({ cache: 'miss', tokens: { prompt: usage.promptTokens, completion: usage.completionTokens } })
  return { value: shared.value as T, hit: false, usage, calls, key, by: creditOf(call.source, client.id) }
}

async function storeAnswer<T>(
  cache: ModelCache,
  key: string,
  call: CachedChatCall<T>,
  model: string,
  value: T,
  usage: Usage,
): Promise<void> {
  // The cache holds JSON. If the answer does not survive a JSON round trip and still pass
  // its schema (a transforming schema, a Date), a cached copy could never be served:
  // say so instead of silently missing forever.
  const roundTrip = JSON.parse(JSON.stringify(value ?? null)) as unknown
  const check = call.request.schema.safeParse(roundTrip)
  if (!check.success) {
    cache.logger.warn(
      `sitesmith cache: answer for ${call.request.label} is not cacheable ` +
        `(after a JSON round trip it fails its schema: ${formatIssues(check.error.issues, 2).replaceAll('\n', '; ')}); not caching it`,
    )
    return
  }
  const entry: CacheEntry = {
    key,
    stage: call.stage,
    model,
    promptVersion: call.promptVersion,
    label: call.request.label,
    createdAt: new Date().toISOString(),
    source: call.source ?? { kind: 'model' },
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens },
    value: roundTrip as CacheEntry['value'],
  }
  await cache.set(key, entry)
}
