/**
 * A model call answered through the cache: key, hit or miss, frozen-mode misses as errors,
 * one call for identical misses in flight, and storing the answer. Split from model-cache.ts,
 * which keeps the store itself (modes, bounded reads and writes, closing).
 */
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'
import type { ChatClient, ChatRequest, Usage } from '../llm/types.js'
import type { CacheEntry, CacheSource } from './cache-entry.js'
import { cacheKey } from './cache-key.js'
import type { ModelCache } from './model-cache.js'
import type { RunLogSink } from './run-log.js'
import { formatIssues } from './zod-issues.js'

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
