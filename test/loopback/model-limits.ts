import { createRequire } from 'node:module'
import type { LoggedMessage, LoopbackBody } from './types.js'

/**
 * The limits a real model server enforces (issue #16), so a test fails when a prompt would not
 * fit or an answer would be cut:
 * - OpenAI: a prompt plus the requested completion over the model's context length is refused
 *   with HTTP 400 `context_length_exceeded`; a `max_completion_tokens` above the model's output
 *   cap with HTTP 400 `invalid_value`; an answer longer than what was asked for (or the model's
 *   cap) is cut there and ends with `finish_reason: "length"`. Tokens are counted with the
 *   model's own encoding (o200k_base for the GPT-4o family).
 * - Ollama: the prompt is cut silently to `num_ctx` (ollama-context.ts models that); the answer
 *   stops at `num_predict` or when the window is full, with `done_reason: "length"`.
 */

export interface ModelLimit {
  /** Prompt + answer tokens the model reads at most (OpenAI). For Ollama, `num_ctx` decides. */
  contextWindow?: number
  /** Answer tokens the model writes at most, whatever is asked for. */
  maxOutputTokens?: number
}

/** Published limits: gpt-4o-mini 128k context / 16,384 output; qwen2.5-coder:7b is bounded by `num_ctx`. */
export const REAL_MODEL_LIMITS: Readonly<Record<string, ModelLimit>> = Object.freeze({
  'gpt-4o-mini': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'gpt-4o': { contextWindow: 128_000, maxOutputTokens: 16_384 },
  'qwen2.5-coder:7b': {},
})

/** What the server measured for one request (`LoopbackRequest.limits`). */
export interface LimitRecord {
  /** The window that applied: the model's context length, or Ollama's `num_ctx`. */
  contextWindow: number
  /** The answer tokens allowed: min(asked, model cap, room left in the window). */
  maxOutputTokens: number
  promptTokens: number
  /** Set once answered. */
  answerTokens?: number
  /** `o200k_base`, `cl100k_base` or `4 bytes a token` (Ollama's count here). */
  method: string
  /**
   * `ok`: within every limit. `refused`: HTTP 400, the model never saw it. `cut`: the answer
   * was cut at the output limit (`length`). `truncated`: Ollama cut the prompt to num_ctx.
   */
  outcome: 'ok' | 'refused' | 'cut' | 'truncated'
}

interface Encoder {
  encode(text: string): number[]
  decode(tokens: number[]): string
  countTokens(text: string): number
}

const require = createRequire(import.meta.url)

function encoder(model: string): { name: string; enc: Encoder } | undefined {
  const m = model.toLowerCase()
  const name = /^(gpt-4o|gpt-4\.1|gpt-5|o1|o3|o4)/.test(m)
    ? 'o200k_base'
    : /^(gpt-4|gpt-3\.5)/.test(m)
      ? 'cl100k_base'
      : undefined
  return name ? { name, enc: require(`gpt-tokenizer/cjs/encoding/${name}`) as Encoder } : undefined
}

/** OpenAI's published chat overhead: 3 tokens a message and 3 to prime the reply. */
export function openaiPromptTokens(messages: LoggedMessage[], model: string): { tokens: number; method: string } {
  const e = encoder(model)
  const count = (s: string) => (e ? e.enc.countTokens(s) : Math.ceil(Buffer.byteLength(s) / 4))
  return { tokens: messages.reduce((n, m) => n + count(m.content) + 3, 3), method: e?.name ?? '4 bytes a token' }
}

/** `content` cut to at most `max` tokens of the model's count, and its token count. */
export function cutToTokens(
  content: string,
  max: number,
  model: string,
  protocol: 'openai' | 'ollama',
  bytesPerToken = 4,
): { content: string; tokens: number; cut: boolean } {
  const e = protocol === 'openai' ? encoder(model) : undefined
  if (e) {
    const tokens = e.enc.encode(content)
    if (tokens.length <= max) return { content, tokens: tokens.length, cut: false }
    return { content: e.enc.decode(tokens.slice(0, max)), tokens: max, cut: true }
  }
  const bytes = Buffer.from(content)
  const tokens = Math.ceil(bytes.length / bytesPerToken)
  if (tokens <= max) return { content, tokens, cut: false }
  return {
    content: bytes
      .subarray(0, max * bytesPerToken)
      .toString('utf8')
      .replace(/\uFFFD$/, ''),
    tokens: max,
    cut: true,
  }
}

/** The OpenAI error bodies for a request over the model's limits, or undefined when it fits. */
export function openaiRefusal(
  promptTokens: number,
  asked: number | undefined,
  model: string,
  limit: ModelLimit,
): object | undefined {
  if (limit.maxOutputTokens !== undefined && asked !== undefined && asked > limit.maxOutputTokens) {
    return {
      error: {
        message:
          `max_tokens is too large: ${asked}. This model supports at most ${limit.maxOutputTokens} completion tokens, ` +
          `whereas you provided ${asked}.`,
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'invalid_value',
      },
    }
  }
  const window = limit.contextWindow
  if (window === undefined || promptTokens + (asked ?? 0) <= window) return undefined
  return {
    error: {
      message:
        `This model's maximum context length is ${window} tokens. ` +
        `However, you requested ${promptTokens + (asked ?? 0)} tokens ` +
        `(${promptTokens} in the messages, ${asked ?? 0} in the completion). ` +
        'Please reduce the length of the messages or completion.',
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  }
}

/** `max_completion_tokens` / `max_tokens` of an OpenAI body, `num_predict` of an Ollama one (negative = unbounded). */
export function askedOutput(body: LoopbackBody, protocol: 'openai' | 'ollama'): number | undefined {
  const raw = protocol === 'openai' ? (body.max_completion_tokens ?? body.max_tokens) : body.options?.num_predict
  return typeof raw === 'number' && raw > 0 ? raw : undefined
}
