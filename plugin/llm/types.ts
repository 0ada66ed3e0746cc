import type { ZodType } from 'zod'

/**
 * The model layer's one small interface (docs/ARCHITECTURE.md, "Model layer"): send messages,
 * get back a zod-validated value plus token usage. Providers are built on the official
 * `openai` and `ollama` clients; everything above this file is provider-agnostic.
 */

export type Role = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: Role
  content: string
  /**
   * PNG screenshots sent with the message, base64 without a `data:` prefix (the visual
   * review, issue #18): OpenAI image input parts, Ollama's `images`.
   */
  images?: string[]
}

export interface Usage {
  promptTokens: number
  completionTokens: number
}

export interface ChatRequest<T> {
  messages: ChatMessage[]
  /** The shape the answer must have. JSON mode / Ollama `format` is derived from it. */
  schema: ZodType<T>
  /** Short name used in errors and the run log, e.g. `plan`, `generate:index-page`. */
  label: string
  /** Cancels in-flight HTTP calls (Ctrl-C in dev/build). */
  signal?: AbortSignal
  /** Budget/usage bucket (`plan`, `generate`, `review`, `fix`…). @default the label up to its first `:` */
  stage?: string
  /** Overrides the role's `maxOutputTokens` for this request. */
  maxOutputTokens?: number
}

export interface ChatResult<T> {
  value: T
  /** Usage summed over every attempt, including repair turns and retries. */
  usage: Usage
  /** Number of HTTP requests made (1 + repairs + retries). */
  calls: number
  /** Model id that answered. */
  model: string
}

export interface ChatClient {
  /** `provider:model`, used in cache keys and artifacts. */
  readonly id: string
  chat<T>(request: ChatRequest<T>): Promise<ChatResult<T>>
}

export type ProviderName = 'openai' | 'ollama'

export interface ModelOptions {
  /** Which official client to use. Any OpenAI-compatible server works with `openai` + `baseURL`. */
  provider: ProviderName
  model: string
  /**
   * Endpoint. openai: `OPENAI_BASE_URL` or the OpenAI API; ollama: `OLLAMA_HOST` or
   * `http://127.0.0.1:11434`.
   */
  baseURL?: string
  /** Sampling temperature. @default 0.2 */
  temperature?: number
  /** Per-request timeout in ms. @default 120000 */
  timeoutMs?: number
  /** Retries on 429/5xx/timeouts/resets, with exponential backoff. @default 3 */
  maxRetries?: number
  /** Repair turns quoting the validation error when the answer is not valid JSON of the schema. @default 2 */
  repairTurns?: number
  /** Upper bound for the answer, in tokens. @default 4096 */
  maxOutputTokens?: number
  /**
   * What the model can read: prompt plus answer, in tokens (Ollama: the largest `num_ctx` asked
   * for; set it to what `ollama show <model>` reports and your memory allows). A prompt that does
   * not fit is packed or refused before sending (issue #15).
   * @default 128000 for openai, 32768 for ollama
   */
  contextWindow?: number
}

/** What the model layer reports while it works (deps.onEvent of createChatClient); for the run log and progress. */
export type ChatEvent =
  | {
      type: 'request'
      label: string
      stage: string
      model: string
      /** 0 for the first try of a turn, then 1, 2… for retries. */
      attempt: number
      /** 0 for the first question, then 1, 2… for repair turns. */
      turn: number
      maxOutputTokens: number
    }
  | {
      type: 'response'
      label: string
      stage: string
      model: string
      usage: Usage
      finishReason: string | null
      durationMs: number
    }
  | { type: 'retry'; label: string; model: string; retry: number; delayMs: number; code: string; reason: string }
  | { type: 'repair'; label: string; model: string; turn: number; problem: string }
  | { type: 'truncated'; label: string; model: string; maxOutputTokens: number; nextMaxOutputTokens: number }
  | { type: 'warning'; label: string; model: string; message: string }
