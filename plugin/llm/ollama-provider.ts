import { Ollama } from 'ollama'
import { z, type ZodType } from 'zod'

import { classifyError } from './classify-error.js'
import { ModelHttpError } from './errors.js'
import { estimateTokens, redactUrl, type Provider, type ProviderCall, type RawAnswer } from './provider.js'
import type { ChatMessage } from './types.js'

/**
 * The `ollama` provider: the official client against a local or remote Ollama. The answer is
 * constrained with `format` = the JSON Schema of the zod schema, and `num_ctx` is sized from
 * the prompt, because Ollama's small default context silently drops the start of long prompts
 * (docs/ARCHITECTURE.md, "Truncated answers").
 */

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434'

/** Smallest and largest context window requested. */
export const MIN_NUM_CTX = 4096
export const MAX_NUM_CTX = 32768
/** UTF-8 bytes per token for sizing the context: the stated estimate of tokens.ts (errs towards a bigger window). */
const BYTES_PER_TOKEN = 3

export interface OllamaProviderConfig {
  model: string
  host: string
}

export interface ContextWindow {
  numCtx: number
  /** Estimated prompt tokens. */
  promptTokens: number
  /** The prompt plus the output budget does not fit even the largest window. */
  capped: boolean
}

/**
 * The context window for a prompt: room for the prompt (≈ bytes/3 tokens) plus the answer
 * (`num_predict`, which Ollama also counts against `num_ctx`), rounded up to a power of two,
 * at least 4096 and at most 32768.
 */
export function contextWindow(
  messages: ReadonlyArray<{ content: string }>,
  numPredict: number,
  maxNumCtx = MAX_NUM_CTX,
): ContextWindow {
  const bytes = messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0)
  const promptTokens = Math.ceil(bytes / BYTES_PER_TOKEN)
  const need = promptTokens + Math.max(0, numPredict)
  let numCtx = MIN_NUM_CTX
  while (numCtx < need && numCtx < maxNumCtx) numCtx *= 2
  numCtx = Math.min(numCtx, Math.max(maxNumCtx, 1))
  return { numCtx, promptTokens, capped: need > numCtx }
}

/** JSON Schema for Ollama's `format`, of what the model must write (zod's input side). */
export function formatSchema(schema: ZodType<unknown>): Record<string, unknown> | 'json' {
  try {
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    delete js.$schema
    return js
  } catch {
    // Schemas zod cannot express (cycles without ids, custom types…): plain JSON mode still helps.
    return 'json'
  }
}

export function createOllamaProvider(cfg: OllamaProviderConfig): Provider {
  const endpoint = `${redactUrl(normalizeOllamaHost(cfg.host))}/api/chat`
  // Per provider instance, not per module: schemas are usually shared constants, so each is converted once.
  const formats = new WeakMap<object, Record<string, unknown> | 'json'>()

  return {
    endpoint,
    async send(call: ProviderCall): Promise<RawAnswer> {
      const ctx = { label: call.label, model: `ollama:${cfg.model}`, endpoint }
      let responseHeaders: Headers | undefined
      // The client takes no signal for non-streaming requests, so timeouts and cancellation
      // are wired in through its `fetch` hook; the same hook keeps the response headers so a
      // 429's retry-after can be honoured.
      const client = new Ollama({
        host: cfg.host,
        headers: { 'x-sitesmith-label': encodeURIComponent(call.label) },
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const res = await fetch(input, { ...init, signal: call.signal })
          responseHeaders = res.headers
          return res
        },
      })
      let format = formats.get(call.schema)
      if (!format) formats.set(call.schema, (format = formatSchema(call.schema)))
      const window = contextWindow(call.messages, call.maxOutputTokens, call.contextWindow)
      if (window.capped) {
        call.emit({
          type: 'warning',
          label: call.label,
          model: ctx.model,
          message:
            `prompt of about ${window.promptTokens} tokens plus ${call.maxOutputTokens} for the answer exceeds num_ctx ${window.numCtx}; ` +
            `Ollama may drop the start of the prompt`,
        })
      }

      let r: unknown
      try {
        r = await client.chat({
          model: cfg.model,
          messages: call.messages.map((m: ChatMessage) => ({
            role: m.role,
            content: m.content,
            ...(m.images?.length ? { images: m.images } : {}),
          })),
          stream: false,
          format,
          options: { num_ctx: window.numCtx, num_predict: call.maxOutputTokens, temperature: call.temperature },
        })
      } catch (err) {
        throw classifyError(err, ctx, (name) => responseHeaders?.get(name))
      }
      return { ...toRawAnswer(r, call, cfg.model, ctx), numCtx: window.numCtx }
    },
  }
}

function toRawAnswer(
  r: unknown,
  call: ProviderCall,
  model: string,
  ctx: { label: string; model: string; endpoint: string },
): RawAnswer {
  const res = r as {
    message?: { content?: unknown }
    done_reason?: unknown
    prompt_eval_count?: unknown
    eval_count?: unknown
    model?: unknown
  } | null
  if (!res || typeof res !== 'object' || !res.message || typeof res.message !== 'object') {
    throw new ModelHttpError('the server answered JSON without a message, not an Ollama chat response', ctx, {
      retryable: false,
    })
  }
  const content = typeof res.message.content === 'string' ? res.message.content : ''
  return {
    content,
    promptReported: typeof res.prompt_eval_count === 'number',
    finishReason: typeof res.done_reason === 'string' ? res.done_reason : null,
    usage: {
      // Ollama omits prompt_eval_count when the whole prompt came from its KV cache.
      promptTokens: typeof res.prompt_eval_count === 'number' ? res.prompt_eval_count : estimateTokens(call.messages),
      completionTokens: typeof res.eval_count === 'number' ? res.eval_count : estimateTokens(content),
    },
    model: typeof res.model === 'string' && res.model ? res.model : model,
  }
}

/**
 * The URL the client will call for `host` as people write it in OLLAMA_HOST (`:11434`,
 * `localhost`, `0.0.0.0:11434`, `https://gpu-box`), for error messages.
 */
export function normalizeOllamaHost(host: string): string {
  let h = host.trim()
  if (h.startsWith(':')) h = `http://127.0.0.1${h}`
  else if (!h.includes('://')) h = /:\d+$/.test(h) ? `http://${h}` : `http://${h}:11434`
  return h.replace(/\/+$/, '')
}
