import type { ZodType } from 'zod'

import type { ChatEvent, ChatMessage, Usage } from './types.js'

/**
 * What create-client needs from a provider: one HTTP request in, the raw answer out.
 * Retries, repair turns, budgets, timeouts and cancellation live above this line, so both
 * providers get exactly the same behaviour.
 */

export interface ProviderCall {
  messages: ChatMessage[]
  schema: ZodType<unknown>
  maxOutputTokens: number
  temperature: number
  label: string
  /** Fires on timeout or cancellation; covers headers and body. */
  signal: AbortSignal
  /** The client-level timeout for reaching the response headers. */
  timeoutMs: number
  /** Reports provider-specific details (num_ctx, capped context). */
  emit: (e: ChatEvent) => void
  /** The role's window: Ollama's largest `num_ctx`. */
  contextWindow: number
}

export interface RawAnswer {
  /** The assistant message text ('' when there was none). */
  content: string
  /** `stop`, `length`, `content_filter`…; null when the server did not say. */
  finishReason: string | null
  usage: Usage
  /** The model that answered, as the server reported it. */
  model: string
  /** Whether `usage.promptTokens` came from the server (else it is our estimate). */
  promptReported?: boolean
  /** The `num_ctx` sent (Ollama's native API). */
  numCtx?: number
  /** The server is Ollama although spoken to as OpenAI (`system_fingerprint: fp_ollama`). */
  servedBy?: 'ollama'
}

export interface Provider {
  /** The chat endpoint URL, credentials stripped; used in error messages. */
  readonly endpoint: string
  /** Throws a classified error (see classify-error.ts) on failure. */
  send(call: ProviderCall): Promise<RawAnswer>
}

/** Token estimate used when a server reports no usage: ceil(chars/4). */
export function estimateTokens(messages: ReadonlyArray<{ content: string }> | string): number {
  const chars = typeof messages === 'string' ? messages.length : messages.reduce((n, m) => n + m.content.length, 0)
  return Math.ceil(chars / 4)
}

/** A URL for messages and logs: user:password@ removed, no query string. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.username || u.password) {
      u.username = '***'
      u.password = ''
    }
    u.search = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}
