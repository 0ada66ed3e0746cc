import { OptionsError, type ResolvedOptions } from '../options.js'
import type { Progress } from '../report/progress.js'
import { createChatClient } from '../llm/create-client.js'
import { UsageMeter, budgetForPlan, formatUsage } from '../llm/budget.js'
import type { ChatClient, ChatEvent, ModelOptions } from '../llm/types.js'
import { roleLimits } from '../llm/context-budget.js'
import { fitCall } from './fit-call.js'
import { cachedChat } from '../store/cached-chat.js'
import { ModelCache, type CacheSource } from '../store/model-cache.js'
import { RunLog, type RunEvent } from '../store/run-log.js'
import { storeBlobs, type FileBlobs } from '../store/file-blobs.js'
import type { Ask } from '../llm/ask.js'
import { checkExchange, guardSecrets, knownSecrets, type KnownSecret } from './secret-guard.js'

/**
 * Everything a run needs to talk to models: the two clients (created lazily, so a run
 * answered entirely from the cache never needs credentials), the cache, the shared budget,
 * and the run log. `ask` is what stages call.
 */
export interface ModelSession {
  ask: Ask
  /** Bytes of written files by hash, in the cache's store (see file-blobs.ts). */
  blobs: FileBlobs
  /** This checkout's secrets (environment and every .env* file), for the site writer. */
  secrets: readonly KnownSecret[]
  coderId: string
  plannerId: string
  log(event: Omit<RunEvent, 'stage' | 'event'> & { stage: string; event: string; [k: string]: unknown }): void
  usage(): { calls: number; hits: number; tokens: number; summary: string }
  /**
   * Grows the limits the user left unset to what a plan of `tasks` tasks needs (issue #16) and
   * returns the line that says so, or undefined when the budget stays as it was.
   */
  scaleBudget(tasks: number, what?: string): string | undefined
  close(): Promise<void>
}

export async function createModelSession(input: {
  options: ResolvedOptions
  env: NodeJS.ProcessEnv
  runId: string
  progress: Progress
  signal?: AbortSignal
}): Promise<ModelSession> {
  const { options, env, progress } = input
  // Values from the project's .env* files are read only to keep them out of prompts, answers,
  // the cache, the site and the log; they are never sent anywhere (issue #10).
  const secrets = knownSecrets(env, [options.root, options.siteDir])
  const runLog = await RunLog.open(options.siteDir, { run: input.runId, env, secrets: secrets.map((s) => s.value) })
  const meter = new UsageMeter(options.budget)
  const cacheLogger = { warn: (m: string) => progress.line(m, 'warn') }
  const cache = new ModelCache({
    store: options.cache,
    mode: options.cacheMode,
    logger: { ...console, ...cacheLogger },
    timeoutMs: options.cacheTimeoutMs,
    signal: input.signal,
  })
  const source = recordSource(env)
  const retryBaseMs = retryBaseFromEnv(env)
  const clients = new Map<'planner' | 'coder', ChatClient>()
  const client = (role: 'planner' | 'coder'): ChatClient => {
    let c = clients.get(role)
    if (!c) {
      const onEvent = (e: ChatEvent) => {
        // Schema repair turns and answers cut at the output limit (asked again with a larger
        // budget) are logged, so `sitesmith eval` can count them (#15).
        if (e.type === 'repair') {
          const detail = { role, label: e.label, turn: e.turn, problem: e.problem }
          runLog.write({ stage: e.label.split(':')[0] || e.label, event: 'repair', detail })
        }
        if (e.type === 'truncated') {
          const detail = { role, label: e.label, maxOutputTokens: e.maxOutputTokens, next: e.nextMaxOutputTokens }
          runLog.write({ stage: e.label.split(':')[0] || e.label, event: 'truncated', detail })
        }
        // Context warnings (an openai role that is really Ollama, a prompt over num_ctx) must reach the person.
        if (e.type !== 'warning') return
        progress.line(`${role} (${e.model}): ${e.message}`, 'warn')
        runLog.write({
          stage: e.label.split(':')[0] || e.label,
          event: 'warning',
          detail: { role, model: e.model, message: e.message },
        })
      }
      c = guardSecrets(
        createChatClient(role === 'planner' ? options.planner : options.coder, {
          env,
          meter,
          retryBaseMs,
          role,
          onEvent,
        }),
        secrets,
      )
      clients.set(role, c)
    }
    return c
  }
  let hits = 0

  const limits = { planner: roleLimits(options.planner), coder: roleLimits(options.coder) }
  const ask: Ask = async (original) => {
    const c = client(original.role)
    const call = fitCall(original, limits[original.role], (variant, m) =>
      runLog.write({
        stage: original.stage,
        event: 'packed',
        taskId: original.taskId,
        path: original.path,
        detail: { variant, promptTokens: m.promptTokens, room: m.room },
      }),
    )
    // The client's guard sees only what goes over the wire; a cache hit never gets there, and
    // a teammate's cached answer may hold a value that is a secret in THIS checkout.
    const ctx = { label: call.label, model: c.id }
    checkExchange(
      'request',
      call.messages.map((m) => m.content),
      secrets,
      ctx,
    )
    // Each model call's line names the role, so token costs can be split per model (#15).
    const log = { write: (e: RunEvent) => runLog.write({ ...e, detail: { ...e.detail, role: original.role } }) }
    const result = await cachedChat(
      { cache, client: c, log },
      {
        stage: call.stage,
        promptVersion: call.promptVersion,
        inputs: { messages: call.messages },
        request: { messages: call.messages, schema: call.schema, label: call.label, signal: input.signal },
        taskId: call.taskId,
        path: call.path,
        source,
      },
    )
    checkExchange('answer', result.value, secrets, ctx)
    if (result.hit) hits++
    progress.call(result.hit, result.usage.promptTokens + result.usage.completionTokens)
    return { value: result.value, hit: result.hit, by: result.by }
  }

  return {
    ask,
    blobs: storeBlobs(cache),
    secrets,
    coderId: modelId(options.coder),
    plannerId: modelId(options.planner),
    log: (event) => {
      const { stage, event: name, taskId, path, cache: hit, durationMs, error, ...detail } = event
      runLog.write({
        stage,
        event: name,
        taskId,
        path,
        cache: hit,
        durationMs,
        error,
        detail: Object.keys(detail).length ? detail : undefined,
      })
    },
    usage: () => {
      const s = meter.snapshot()
      return {
        calls: s.calls,
        hits,
        tokens: s.promptTokens + s.completionTokens,
        summary: `${formatUsage(s)} · ${hits} cache hit${hits === 1 ? '' : 's'}`,
      }
    },
    scaleBudget: (tasks, what = 'task') => {
      const { fromPlan } = options.budget
      if (!fromPlan.maxCalls && !fromPlan.maxTokens) return undefined
      const before = meter.limits
      const want = budgetForPlan(tasks, { maxCalls: options.budget.maxCalls, maxTokens: options.budget.maxTokens })
      meter.raise({
        ...(fromPlan.maxCalls ? { maxCalls: want.maxCalls } : {}),
        ...(fromPlan.maxTokens ? { maxTokens: want.maxTokens } : {}),
      })
      const after = meter.limits
      if (after.maxCalls === before.maxCalls && after.maxTokens === before.maxTokens) return undefined
      const n = (x: number) => x.toLocaleString('en-US')
      return (
        `budget for ${n(tasks)} ${what}(s): up to ${n(after.maxCalls)} model calls and ${n(after.maxTokens)} tokens ` +
        "(the default follows the plan's size: 3 calls and 20,000 tokens a task; " +
        'set budget.maxCalls / budget.maxTokens to cap it)'
      )
    },
    close: async () => {
      // A file-backed cache holds nothing open. A keyv store passed in the options outlives
      // the run (the dev server runs many) and is closed when the build or command ends.
      if (typeof options.cache === 'string') await cache.disconnect().catch(() => {})
    },
  }
}

/**
 * `SITESMITH_RETRY_BASE_MS`: the first backoff delay of model retries (it doubles per retry;
 * a server's retry-after still wins). Unset means the model layer's default (500 ms). It
 * exists so fault-injection tests and benchmarks can make an injected 500 or reset cost
 * milliseconds through the whole pipeline; read once per run, never mid-run.
 */
export function retryBaseFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SITESMITH_RETRY_BASE_MS?.trim()
  if (!raw) return undefined
  const ms = Number(raw)
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000)
    throw new OptionsError(
      'SITESMITH_RETRY_BASE_MS',
      `must be a whole number of milliseconds from 0 to 60000, got "${raw}"`,
    )
  return ms
}

/** `provider:model`, the form used in cache keys and the tracker. */
export function modelId(m: ModelOptions): string {
  return `${m.provider}:${m.model}`
}

/**
 * Cache entries record where they came from. `SITESMITH_CACHE_SOURCE=hand-written` (with an
 * optional `SITESMITH_CACHE_NOTE`) is how the example site's hand-written answers are
 * labelled when they are recorded through the loopback server (see README).
 */
function recordSource(env: NodeJS.ProcessEnv): CacheSource | undefined {
  const kind = env.SITESMITH_CACHE_SOURCE
  if (kind !== 'hand-written' && kind !== 'model') return undefined
  return env.SITESMITH_CACHE_NOTE ? { kind, note: env.SITESMITH_CACHE_NOTE } : { kind }
}
