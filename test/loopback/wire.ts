import type { LoggedMessage, Protocol, ReplyUsage } from './types.js'

/**
 * Response bodies in the exact shapes the official `openai` and `ollama` clients parse:
 * OpenAI chat completions (JSON and SSE chunks) and Ollama `/api/chat` (JSON and NDJSON).
 */

export interface Answer {
  protocol: Protocol
  model: string
  content: string
  finishReason: 'stop' | 'length'
  usage: ReplyUsage
  /** Stable per request so all chunks of one stream share an id. */
  id: string
  created: number
  /** OpenAI `system_fingerprint`; Ollama's `/v1` sends `fp_ollama`. */
  systemFingerprint?: string
}

/** The server's usage estimate when a reply gives none: ceil(chars/4), like the providers' own fallback. */
export function estimateUsage(messages: LoggedMessage[], content: string): ReplyUsage {
  const promptChars = messages.reduce((n, m) => n + m.content.length, 0)
  return { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(content.length / 4) }
}

export function openaiCompletion(a: Answer): object {
  return {
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    ...(a.systemFingerprint ? { system_fingerprint: a.systemFingerprint } : {}),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: a.content, refusal: null },
        logprobs: null,
        finish_reason: a.finishReason,
      },
    ],
    usage: {
      prompt_tokens: a.usage.promptTokens,
      completion_tokens: a.usage.completionTokens,
      total_tokens: a.usage.promptTokens + a.usage.completionTokens,
    },
  }
}

function openaiChunk(a: Answer, delta: object, finishReason: string | null): object {
  return {
    id: a.id,
    object: 'chat.completion.chunk',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  }
}

const sse = (data: object | string): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

/**
 * SSE events of a streamed completion. `complete: false` stops after the content pieces
 * (no finish chunk, no usage, no `[DONE]`) — a stream cut off.
 */
export function openaiStreamEvents(
  a: Answer,
  pieces: string[],
  opts: { includeUsage: boolean; complete: boolean },
): string[] {
  const events = pieces.map((p, i) =>
    sse(openaiChunk(a, i === 0 ? { role: 'assistant', content: p } : { content: p }, null)),
  )
  if (pieces.length === 0) events.push(sse(openaiChunk(a, { role: 'assistant', content: '' }, null)))
  if (!opts.complete) return events
  events.push(sse(openaiChunk(a, {}, a.finishReason)))
  if (opts.includeUsage) {
    events.push(
      sse({
        id: a.id,
        object: 'chat.completion.chunk',
        created: a.created,
        model: a.model,
        choices: [],
        usage: {
          prompt_tokens: a.usage.promptTokens,
          completion_tokens: a.usage.completionTokens,
          total_tokens: a.usage.promptTokens + a.usage.completionTokens,
        },
      }),
    )
  }
  events.push(sse('[DONE]'))
  return events
}

function ollamaBase(a: Answer): { model: string; created_at: string } {
  return { model: a.model, created_at: new Date(a.created * 1000).toISOString() }
}

function ollamaFinal(a: Answer, content: string): object {
  return {
    ...ollamaBase(a),
    message: { role: 'assistant', content },
    done: true,
    done_reason: a.finishReason,
    total_duration: 1_000_000,
    load_duration: 1_000,
    prompt_eval_count: a.usage.promptTokens,
    prompt_eval_duration: 1_000,
    eval_count: a.usage.completionTokens,
    eval_duration: 1_000,
  }
}

export function ollamaCompletion(a: Answer): object {
  return ollamaFinal(a, a.content)
}

/** NDJSON lines of a streamed answer; `complete: false` leaves out the `done: true` line. */
export function ollamaStreamLines(a: Answer, pieces: string[], opts: { complete: boolean }): string[] {
  const lines = pieces.map(
    (p) => JSON.stringify({ ...ollamaBase(a), message: { role: 'assistant', content: p }, done: false }) + '\n',
  )
  if (opts.complete) lines.push(JSON.stringify(ollamaFinal(a, '')) + '\n')
  return lines
}

/** A protocol-shaped error body, as the real servers send them. */
export function errorBody(protocol: Protocol, status: number, message: string): object {
  return protocol === 'openai'
    ? {
        error: {
          message,
          type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
          param: null,
          code: String(status),
        },
      }
    : { error: message }
}

/** Splits content into up to `n` pieces (at least one char each) so streams have several chunks. */
export function splitPieces(content: string, n = 8): string[] {
  if (content.length === 0) return []
  const size = Math.max(1, Math.ceil(content.length / n))
  const out: string[] = []
  for (let i = 0; i < content.length; i += size) out.push(content.slice(i, i + size))
  return out
}
