/**
 * Types of the loopback model server (test/loopback/server.ts). Tests, integration suites and
 * benchmarks script model answers and faults with these; the shapes are a contract other
 * engineers build on, so extend them additively.
 */

import type { LimitRecord, ModelLimit } from './model-limits.js'

export type Protocol = 'openai' | 'ollama'

/**
 * A request's JSON body as the client sent it. The fields tests read are typed as the two
 * protocols send them (nothing checks it: the client under test wrote it); the rest is kept.
 */
export interface LoopbackBody {
  [field: string]: unknown
  model?: unknown
  stream?: unknown
  messages?: { role?: string; content?: unknown; images?: string[] }[]
  /** OpenAI */
  max_tokens?: number
  max_completion_tokens?: number
  stream_options?: { include_usage?: boolean }
  /** Ollama */
  options?: { num_ctx?: number; num_predict?: number; temperature?: number }
  format?: { type?: string; required?: string[]; properties?: Record<string, unknown> }
}

export interface LoggedMessage {
  role: string
  /** Text content. OpenAI content-part arrays are joined (text parts only). */
  content: string
  /** Images sent with the message (OpenAI `image_url` parts, Ollama `images`), when any. */
  images?: number
}

/** One chat request as the server received it. GETs (`/v1/models`, `/api/tags`, …) are not logged here. */
export interface LoopbackRequest {
  /** 1-based, in order of complete arrival. */
  seq: number
  protocol: Protocol
  /** URL path, e.g. `/v1/chat/completions` or `/api/chat`. */
  path: string
  model: string
  messages: LoggedMessage[]
  /** The text of the last `user` message ('' if none): what scripts match on. */
  lastUserMessage: string
  /** Whether the client asked for a stream (OpenAI SSE / Ollama NDJSON). */
  stream: boolean
  /** The parsed JSON body, verbatim. */
  body: LoopbackBody
  /** Lower-cased header names. */
  headers: Record<string, string>
  /** `Date.now()` when the body had fully arrived. */
  receivedAt: number
  /** `Date.now()` when the reply (or fault) was complete; undefined while pending or for `hang`. */
  respondedAt?: number
  /**
   * With `ollama` behaviour on: the window used and whether the prompt was cut. `messages`
   * and `lastUserMessage` are then what the "model" saw after the cut.
   */
  context?: { numCtx: number; promptTokens: number; evaluated: number; truncated: boolean }
  /**
   * With `limits` on (issue #16): the prompt and answer tokens as the server counted them and
   * the limits that applied. A test asserts `outcome === 'ok'` for every request.
   */
  limits?: LimitRecord
}

export interface ReplyUsage {
  promptTokens: number
  completionTokens: number
}

/** Extra delay before the first byte, added to the server-wide `latencyMs`. */
interface Delay {
  latencyMs?: number
}

/** A normal answer: the assistant message text. */
export interface ContentReply extends Delay {
  content: string
  /** Default: ceil(chars/4) of the prompt messages and of `content`. */
  usage?: ReplyUsage
  /** OpenAI `finish_reason` / Ollama `done_reason`. @default 'stop' */
  finishReason?: 'stop' | 'length'
  /** Model id echoed back. @default the requested model */
  model?: string
}

/** An HTTP error status. */
export interface StatusFault extends Delay {
  fault: 'status'
  status: number
  /** Sent as `retry-after` (seconds). */
  retryAfter?: number
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: number
  /** Response body: a string is sent as text/plain, anything else as JSON. Default: a protocol-shaped JSON error. */
  body?: unknown
}

/**
 * TCP reset (RST). Non-streaming: before any byte of the response. Streaming: after the
 * headers and the first chunk.
 */
export interface ResetFault extends Delay {
  fault: 'reset'
}

/**
 * Cut short. Non-streaming: the headers announce the full Content-Length, half the body is
 * sent, then the connection is closed. Streaming: the first half of `content` is streamed,
 * then the stream ends without its final chunk (no `[DONE]` / `done: true`).
 */
export interface TruncateFault extends Delay {
  fault: 'truncate'
  content: string
}

/**
 * Never finishes. By default nothing at all is sent; with `afterHeaders`, the status line,
 * headers and the first half of the body (or the first stream chunk) are sent and then the
 * connection stalls — the case a headers-only client timeout misses. `server.close()` still
 * ends the connection.
 */
export interface HangFault {
  fault: 'hang'
  afterHeaders?: boolean
  /** What the partial body is made of. @default '{"content":"partial"}' */
  content?: string
}

export type Fault = StatusFault | ResetFault | TruncateFault | HangFault
export type Reply = ContentReply | Fault

export type Respond = (req: LoopbackRequest) => Reply | Promise<Reply>

export interface UnmatchedRecord {
  seq: number
  /** Why nothing answered it, e.g. the last user message that no rule matched. */
  reason: string
  request: LoopbackRequest
}

/**
 * Behave like a real Ollama about the context window (issue #15, see ollama-context.ts). Off by
 * default, so other tests see prompts whole.
 */
export interface OllamaBehaviour {
  /** `num_ctx` when a request sets none (and always on the `/v1` endpoint). @default 4096 */
  defaultNumCtx?: number
  /** The model's trained context length: a larger `num_ctx` is clamped to it; reported by `/api/show`. @default 32768 */
  contextLength?: number
  /** How this server's tokenizer counts: bytes per token. @default 4 */
  bytesPerToken?: number
  /** `half`: keep num_ctx/2 + 2 tokens (current Ollama); `fill`: keep num_ctx. @default 'half' */
  truncation?: 'half' | 'fill'
  /** Ignore `options.num_ctx` in requests (a proxy that drops options). @default false */
  ignoreNumCtx?: boolean
  /**
   * `/v1/chat/completions` is Ollama's OpenAI-compatible endpoint: it applies the same
   * truncation with the default window and answers with `system_fingerprint: "fp_ollama"`.
   * @default false
   */
  openaiCompat?: boolean
}

export interface LoopbackOptions {
  /** Decides every chat answer. Throwing `UnmatchedRequestError` records the request in `server.unmatched`. */
  respond: Respond
  /** Delay before every answer, in ms (benchmarks use 300 to stand in for a real model). @default 0 */
  latencyMs?: number
  /** Model ids listed by `GET /v1/models` and `GET /api/tags`. @default ['gpt-4o-mini', 'qwen2.5-coder:7b'] */
  models?: string[]
  /** Largest accepted request body, in bytes; larger gets HTTP 413. @default 16 MiB */
  maxBodyBytes?: number
  /** Truncate prompts like Ollama does (see OllamaBehaviour). @default undefined (prompts are never cut) */
  ollama?: OllamaBehaviour
  /**
   * Enforce real model limits per model id (issue #16, model-limits.ts): `true` for
   * REAL_MODEL_LIMITS (gpt-4o-mini 128k context / 16,384 output; Ollama models bounded by
   * num_ctx), or a table of your own. OpenAI: an overlong prompt gets HTTP 400
   * `context_length_exceeded`; Ollama: the prompt is cut to num_ctx (as with `ollama`); both:
   * an answer over the output limit is cut with finish reason `length`. @default undefined (no limits)
   */
  limits?: true | Record<string, ModelLimit>
}

export interface LoopbackServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (also the Ollama host). */
  readonly url: string
  /** `${url}/v1`, the OpenAI client's `baseURL`. */
  readonly openaiBaseURL: string
  readonly port: number
  /** Chat requests in arrival order. */
  readonly requests: LoopbackRequest[]
  /** Chat requests no scripted reply answered (they got HTTP 500). A test should assert this is empty. */
  readonly unmatched: UnmatchedRecord[]
  /** Anything else that went wrong server-side: unparsable bodies, unknown paths, `respond` throwing. */
  readonly errors: string[]
  /** Every HTTP request seen, `METHOD /path`, including GETs and bad requests. */
  readonly hits: string[]
  /** Clears the logs; with an argument, also replaces `respond`. */
  reset(respond?: Respond): void
  /** Stops listening and destroys every open connection (including hung ones). Idempotent. */
  close(): Promise<void>
}
