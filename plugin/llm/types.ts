import type { ZodType } from 'zod'

/**
 * The model layer's one small interface (shared/DESIGN.md, "Model layer"): send messages,
 * get back a zod-validated value plus token usage. Providers are built on the official
 * `openai` and `ollama` clients; everything above this file is provider-agnostic.
 */

export type Role = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: Role
  content: string
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
}
