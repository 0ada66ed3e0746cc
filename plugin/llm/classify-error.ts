import { causeChain } from './cause-chain.js'
import { ModelError, ModelHttpError, type ModelErrorContext } from './errors.js'
import { isRetryableStatus, parseRetryAfter } from './retry.js'

/**
 * Turns whatever the official clients throw into a `ModelHttpError` that knows whether a
 * retry can help. Duck-typed so one function covers both clients: `openai` errors carry
 * `status` + `headers`; `ollama`'s `ResponseError` carries `status_code`; dropped connections
 * surface as undici `TypeError: fetch failed` / `terminated` with a coded `cause`.
 * (Timeouts and aborts are decided by the caller, which owns the signals.)
 */

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
])
const CONNECTION_MESSAGES =
  /socket hang up|fetch failed|terminated|other side closed|ECONNRESET|network error|premature close|Did not receive done/i
const CONNECTION_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'FetchError'])

/** HTTP statuses whose meaning deserves a hint in the message. */
const HINTS: Record<number, string> = {
  401: 'the server rejected the credentials; check OPENAI_API_KEY',
  403: 'the server refused access for these credentials',
  404: 'unknown model or endpoint (for Ollama: `ollama pull <model>`; for OpenAI-compatible servers: check the baseURL ends in /v1)',
}

export function classifyError(
  err: unknown,
  ctx: ModelErrorContext,
  responseHeaders?: (name: string) => string | null | undefined,
): ModelError {
  if (err instanceof ModelError) return err
  const e = err as { status?: unknown; status_code?: unknown; headers?: unknown; message?: unknown; name?: unknown }

  const status =
    typeof e?.status === 'number' ? e.status : typeof e?.status_code === 'number' ? e.status_code : undefined
  if (status !== undefined) {
    const get = headerGetter(e.headers) ?? responseHeaders
    const detail = serverMessage(err)
    const hint = HINTS[status]
    return new ModelHttpError(`HTTP ${status}${detail ? `: ${detail}` : ''}${hint ? ` — ${hint}` : ''}`, ctx, {
      status,
      retryable: isRetryableStatus(status),
      retryAfterMs: get ? parseRetryAfter(get) : undefined,
      cause: err,
    })
  }

  const conn = connectionProblem(err)
  if (conn) {
    const refused = /ECONNREFUSED/.test(conn)
    return new ModelHttpError(
      `${refused ? 'connection refused — is the server running?' : 'connection failed'} (${conn})`,
      ctx,
      { retryable: true, cause: err },
    )
  }

  if (err instanceof SyntaxError) {
    // The HTTP body (not the model's content) was not JSON: a proxy page or a cut-off body.
    return new ModelHttpError(`unreadable response body: ${err.message.slice(0, 160)}`, ctx, {
      retryable: true,
      cause: err,
    })
  }

  return new ModelHttpError(`request failed: ${String(e?.message ?? err).slice(0, 300)}`, ctx, {
    retryable: false,
    cause: err,
  })
}

/** Codes that mean no connection was made, so no byte of the request reached a server. */
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/**
 * Whether `err` says the request was never sent: the connection was refused or could not be
 * opened (#12: such an attempt is not a model call and does not use the run's budget).
 */
export function neverSent(err: unknown): boolean {
  return causeChain(err).some((cur) => {
    if (typeof cur.code === 'string' && NOT_CONNECTED_CODES.has(cur.code)) return true
    // AggregateError (happy eyeballs: every address refused) keeps its causes in `errors`.
    const errors: unknown = cur.errors
    return Array.isArray(errors) && errors.length > 0 && (errors as unknown[]).every((e) => neverSent(e))
  })
}

/** A short description of a dropped connection anywhere in the `cause` chain, or undefined. */
export function connectionProblem(err: unknown): string | undefined {
  const parts: string[] = []
  let hit = false
  for (const cur of causeChain(err)) {
    const code = typeof cur.code === 'string' ? cur.code : undefined
    const msg = typeof cur.message === 'string' ? cur.message : ''
    const names = [cur.name, (cur.constructor as { name?: unknown } | undefined)?.name]
    const named = names.some((n) => typeof n === 'string' && CONNECTION_NAMES.has(n))
    if ((code && CONNECTION_CODES.has(code)) || CONNECTION_MESSAGES.test(msg) || named) hit = true
    parts.push(code ? `${code}${msg ? ` ${msg}` : ''}` : msg)
  }
  return hit ? parts.filter(Boolean).join(' ← ').slice(0, 300) : undefined
}

function headerGetter(h: unknown): ((name: string) => string | null | undefined) | undefined {
  if (!h || typeof h !== 'object') return undefined
  if (typeof (h as Headers).get === 'function') return (name) => (h as Headers).get(name)
  const rec = h as Record<string, string | undefined>
  return (name) => rec[name] ?? rec[name.toLowerCase()]
}

/** The server's own error text, without the client's decoration. */
function serverMessage(err: unknown): string {
  const e = err as { error?: unknown; message?: unknown }
  const inner = e?.error
  let text = ''
  if (inner && typeof inner === 'object' && typeof (inner as { message?: unknown }).message === 'string')
    text = (inner as { message: string }).message
  else if (typeof inner === 'string') text = inner
  else if (typeof e?.message === 'string') text = e.message.replace(/^\d{3}\s*/, '')
  return text.replace(/\s+/g, ' ').trim().slice(0, 300)
}
