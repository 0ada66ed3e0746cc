import { z } from 'zod'

import type { UsageMeter } from './budget.js'
import { causeChain } from './cause-chain.js'
import { classifyError, neverSent } from './classify-error.js'
import {
  MissingCredentialsError,
  ModelAbortedError,
  ModelError,
  ModelTimeoutError,
  type ModelErrorContext,
} from './errors.js'
import { createOllamaProvider, OLLAMA_DEFAULT_HOST } from './ollama-provider.js'
import { createOpenAIProvider, isOfficialOpenAI, OPENAI_DEFAULT_BASE_URL } from './openai-provider.js'
import { estimateTokens, type Provider, type RawAnswer } from './provider.js'
import { withRetry, type RetryPolicy } from './retry.js'
import { chatStructured } from './structured-chat.js'
import { roleLimits } from './context-budget.js'
import { checkTruncation, fitOutput, ollamaBehindOpenAI, onceWarner, refusedOutputCap } from './context-guard.js'
import type { ChatClient, ChatEvent, ChatMessage, ChatRequest, ChatResult, ModelOptions } from './types.js'

/**
 * Assembles a `ChatClient` for one role: provider (official openai / ollama client) +
 * per-request timeout + retries + repair turns + the run's budget. Either role can use either
 * provider. Keys come from `deps.env` (default `process.env`), are never read from `.env`
 * files, never logged, and are scrubbed from every error message.
 */

export interface ChatClientDeps {
  /** Where OPENAI_API_KEY, OPENAI_BASE_URL and OLLAMA_HOST are read. @default process.env */
  env?: Record<string, string | undefined>
  /** The run's meter, shared by both roles; checked before every HTTP request. */
  meter?: UsageMeter
  /** First backoff delay in ms (doubles per retry); tests use a few ms. @default 500 */
  retryBaseMs?: number
  /** Cap on any single wait, including a server's retry-after. @default 30000 */
  retryMaxDelayMs?: number
  /** Progress and run-log events. */
  onEvent?: (e: ChatEvent) => void
  /** Role name used in configuration errors (`planner`, `coder`). */
  role?: string
}

export const MODEL_DEFAULTS = Object.freeze({
  temperature: 0.2,
  timeoutMs: 120_000,
  maxRetries: 3,
  repairTurns: 2,
  maxOutputTokens: 4096,
  retryBaseMs: 500,
  retryMaxDelayMs: 30_000,
})

const ModelOptionsSchema = z.strictObject({
  provider: z.enum(['openai', 'ollama']),
  model: z.string().trim().min(1, 'must name a model'),
  baseURL: z.string().trim().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(20).optional(),
  repairTurns: z.number().int().min(0).max(10).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  contextWindow: z.number().int().min(512).max(10_000_000).optional(),
})

/** Invalid role configuration; thrown by `createChatClient` (at start-up, not mid-run). */
export class ModelOptionsError extends Error {
  readonly code = 'E_CONFIG'
  constructor(message: string) {
    super(message)
    this.name = 'ModelOptionsError'
  }
}

export function createChatClient(opts: ModelOptions, deps: ChatClientDeps = {}): ChatClient {
  const role = deps.role ?? 'model'
  const parsed = ModelOptionsSchema.safeParse(opts)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${[role, ...i.path.map(String)].join('.')}: ${i.message}`)
    throw new ModelOptionsError(`invalid ${role} options: ${problems.join('; ')}`)
  }
  const o = parsed.data
  const limits = roleLimits(o)
  if (limits.maxOutputTokens >= limits.contextWindow) {
    throw new ModelOptionsError(
      `invalid ${role} options: ${role}.maxOutputTokens (${limits.maxOutputTokens}) must be below ${role}.contextWindow (${limits.contextWindow}), or no prompt fits`,
    )
  }
  const env = deps.env ?? process.env
  const id = `${o.provider}:${o.model}`
  const timeoutMs = o.timeoutMs ?? MODEL_DEFAULTS.timeoutMs
  const policy: RetryPolicy = {
    maxRetries: o.maxRetries ?? MODEL_DEFAULTS.maxRetries,
    baseMs: deps.retryBaseMs ?? MODEL_DEFAULTS.retryBaseMs,
    maxDelayMs: deps.retryMaxDelayMs ?? MODEL_DEFAULTS.retryMaxDelayMs,
  }
  const apiKey = o.provider === 'openai' ? nonEmpty(env.OPENAI_API_KEY) : undefined
  const secrets = [env.OPENAI_API_KEY, env.OLLAMA_API_KEY]
    .map(nonEmpty)
    .filter((s): s is string => !!s && s.length >= 4)
  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text)
  const emit = (e: ChatEvent) => deps.onEvent?.(e)
  const warned = new Set<string>()

  // Built on first use: a role that is never asked (everything cached) needs no credentials.
  let provider: Provider | undefined
  const getProvider = (label: string): Provider => {
    if (provider) return provider
    if (o.provider === 'ollama') {
      provider = createOllamaProvider({
        model: o.model,
        host: o.baseURL ?? nonEmpty(env.OLLAMA_HOST) ?? OLLAMA_DEFAULT_HOST,
      })
      return provider
    }
    const baseURL = o.baseURL ?? nonEmpty(env.OPENAI_BASE_URL)
    const missing = missingCredentials(o, env)
    if (missing) throw new MissingCredentialsError(missing, ['OPENAI_API_KEY', 'OPENAI_BASE_URL'], { label, model: id })
    // The client's own header timeout is a safety net behind ours, which covers the body too.
    provider = createOpenAIProvider({
      model: o.model,
      apiKey,
      baseURL: baseURL ?? OPENAI_DEFAULT_BASE_URL,
      timeoutMs: timeoutMs + 1000,
    })
    return provider
  }

  /**
   * One HTTP request under its own deadline. The deadline covers headers AND body (the
   * clients' own timeouts stop at the headers), and the outcome is named here because only
   * this function knows which signal fired: the caller's (E_ABORTED) or the deadline (E_MODEL_TIMEOUT).
   */
  async function attemptOnce(
    p: Provider,
    call: { messages: ChatMessage[]; maxOutputTokens: number; label: string; schema: z.ZodType<unknown> },
    signal: AbortSignal | undefined,
    ctx: ModelErrorContext,
  ): Promise<RawAnswer> {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort(new Error(`timeout after ${timeoutMs} ms`))
    }, timeoutMs)
    const onAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      if (signal?.aborted) throw new ModelAbortedError(ctx, signal.reason)
      return await p.send({
        ...call,
        contextWindow: limits.contextWindow,
        temperature: o.temperature ?? MODEL_DEFAULTS.temperature,
        signal: controller.signal,
        timeoutMs: timeoutMs + 1000,
        emit,
      })
    } catch (err) {
      if (signal?.aborted) throw err instanceof ModelAbortedError ? err : new ModelAbortedError(ctx, err)
      if (timedOut || (err as Error)?.name === 'APIConnectionTimeoutError')
        throw new ModelTimeoutError(timeoutMs, ctx, err)
      throw classifyError(err, ctx)
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  return {
    id,
    async chat<T>(req: ChatRequest<T>): Promise<ChatResult<T>> {
      const { label, signal } = req
      const stage = req.stage ?? (label.split(':')[0] || label)
      let ctx: ModelErrorContext = { label, model: id }
      const tally = { calls: 0, promptTokens: 0, completionTokens: 0 }
      let answeredBy = o.model
      if (req.maxOutputTokens !== undefined && !(Number.isInteger(req.maxOutputTokens) && req.maxOutputTokens > 0)) {
        throw new ModelOptionsError(`${label}: maxOutputTokens must be a positive integer (got ${req.maxOutputTokens})`)
      }
      try {
        if (signal?.aborted) throw new ModelAbortedError(ctx, signal.reason)
        const p = getProvider(label)
        ctx = { ...ctx, endpoint: p.endpoint }
        const warnOnce = onceWarner(warned, label, id, emit)
        if (o.provider === 'openai') warnOnce(ollamaBehindOpenAI(p.endpoint, 'port'))
        const send = async (messages: ChatMessage[], wanted: number, turn: number): Promise<RawAnswer> => {
          try {
            return await sendWithin(messages, wanted, turn)
          } catch (err) {
            // A grown budget over the model's own cap: asked again at the cap, once (issue #16).
            const cap = wanted > limits.maxOutputTokens ? refusedOutputCap(err) : undefined
            if (cap === undefined || cap >= wanted || cap < 1) throw err
            const message = `${o.model} writes at most ${cap} tokens an answer; asked again with that budget instead of ${wanted}`
            emit({ type: 'warning', label, model: id, message })
            return sendWithin(messages, cap, turn)
          }
        }
        const sendWithin = (messages: ChatMessage[], wanted: number, turn: number) => {
          const maxOutputTokens = fitOutput(messages, wanted, limits, ctx)
          return withRetry(
            async (attempt) => {
              deps.meter?.beginCall(stage, estimateTokens(messages), ctx)
              tally.calls++
              emit({ type: 'request', label, stage, model: id, attempt, turn, maxOutputTokens })
              const started = performance.now()
              const answer = await attemptOnce(
                p,
                { messages, maxOutputTokens, label, schema: req.schema },
                signal,
                ctx,
              ).catch((err: unknown) => {
                // A refused connection asked no model: not a call, not budget spent (#12).
                if (neverSent(err)) {
                  deps.meter?.refundCall(stage)
                  tally.calls--
                }
                throw err
              })
              tally.promptTokens += answer.usage.promptTokens
              tally.completionTokens += answer.usage.completionTokens
              deps.meter?.addUsage(stage, answer.usage)
              answeredBy = answer.model
              emit({
                type: 'response',
                label,
                stage,
                model: id,
                usage: answer.usage,
                finishReason: answer.finishReason,
                durationMs: Math.round(performance.now() - started),
              })
              if (answer.servedBy === 'ollama') warnOnce(ollamaBehindOpenAI(p.endpoint, 'fingerprint'))
              if (turn === 0) checkTruncation(answer, messages, limits, o.model, p.endpoint, ctx)
              return answer
            },
            policy,
            {
              signal,
              ctx,
              onRetry: (r) =>
                emit({
                  type: 'retry',
                  label,
                  model: id,
                  retry: r.retry,
                  delayMs: r.delayMs,
                  code: r.error.code,
                  reason: redact(r.error.message),
                }),
            },
          )
        }
        const value = await chatStructured(send, req.messages, req.schema, {
          repairTurns: o.repairTurns ?? MODEL_DEFAULTS.repairTurns,
          maxOutputTokens: req.maxOutputTokens ?? limits.maxOutputTokens,
          ctx,
          onRepair: (turn, problem) => emit({ type: 'repair', label, model: id, turn, problem }),
          onTruncated: (maxOutputTokens, next) =>
            emit({ type: 'truncated', label, model: id, maxOutputTokens, nextMaxOutputTokens: next }),
        })
        return {
          value,
          usage: { promptTokens: tally.promptTokens, completionTokens: tally.completionTokens },
          calls: tally.calls,
          model: answeredBy,
        }
      } catch (err) {
        if (!(err instanceof ModelError)) throw err // a bug, not a model failure: keep its stack intact
        err.usage = { promptTokens: tally.promptTokens, completionTokens: tally.completionTokens }
        err.calls = tally.calls
        scrubSecrets(err, redact)
        throw err
      }
    },
  }
}

/**
 * Removes secrets from an error and its `cause` chain (messages, stacks and the parsed error
 * bodies the openai client attaches), so a logger that prints causes cannot leak a key a
 * server echoed back.
 */
function scrubSecrets(err: Error, redact: (text: string) => string): void {
  for (const cur of causeChain(err)) {
    rewrite(cur, 'message', (v) => (typeof v === 'string' ? redact(v) : v))
    rewrite(cur, 'stack', (v) => (typeof v === 'string' ? redact(v) : v))
    rewrite(cur, 'error', (v) => {
      const text = v === undefined ? undefined : JSON.stringify(v)
      return text !== undefined && redact(text) !== text ? JSON.parse(redact(text)) : v
    })
  }
}

/** Sets `obj[key]` only when the value changes, tolerating read-only properties (DOMException). */
function rewrite(obj: Record<string, unknown>, key: string, f: (v: unknown) => unknown): void {
  const before = obj[key]
  const after = f(before)
  if (after === before) return
  try {
    obj[key] = after
  } catch {
    // A read-only property cannot hold a secret we put there; the server text lives elsewhere.
  }
}

/**
 * Why a role cannot be asked at all, before anything is sent: an OpenAI role with no key
 * that would go to api.openai.com. Ollama needs none. One rule for the client and for
 * commands that should say it once before starting many runs (`sitesmith eval`).
 */
export function missingCredentials(
  o: Pick<ModelOptions, 'provider' | 'model' | 'baseURL'>,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (o.provider !== 'openai' || nonEmpty(env.OPENAI_API_KEY)) return undefined
  const baseURL = o.baseURL ?? nonEmpty(env.OPENAI_BASE_URL)
  if (baseURL && !isOfficialOpenAI(baseURL)) return undefined
  return `no credentials for openai model ${o.model}: set OPENAI_API_KEY, or OPENAI_BASE_URL (or this role's baseURL option) to an OpenAI-compatible server that needs no key`
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim()
  return t ? t : undefined
}
