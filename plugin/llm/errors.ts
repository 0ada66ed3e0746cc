import type { Usage } from './types.js'

/**
 * Typed failures of the model layer. Each carries a stable `code` the pipeline and the CLI
 * branch on, and a message that says which call (label), which model and which endpoint
 * failed and why — never a key (create-client redacts secrets from every message).
 */

export type ModelErrorCode =
  | 'E_MODEL_HTTP'
  | 'E_MODEL_TIMEOUT'
  | 'E_MODEL_FORMAT'
  | 'E_MODEL_TRUNCATED'
  | 'E_MISSING_CREDENTIALS'
  | 'E_BUDGET'
  | 'E_ABORTED'
  | 'E_SECRET'
  | 'E_CONTEXT'
  | 'E_CONTEXT_TRUNCATED'

/** Where a failure happened: the "location" of a model error. */
export interface ModelErrorContext {
  /** The request label, e.g. `plan` or `generate:home`. */
  label?: string
  /** `provider:model`. */
  model?: string
  /** The URL called, credentials stripped. */
  endpoint?: string
}

export class ModelError extends Error {
  readonly code: ModelErrorCode
  readonly label?: string
  readonly model?: string
  readonly endpoint?: string
  /** Whether the same request may succeed if sent again (the retry loop reads this). */
  readonly retryable: boolean
  /** Usage and HTTP calls spent by the failed `chat()` before it gave up (set by the client). */
  usage?: Usage
  calls?: number

  constructor(
    code: ModelErrorCode,
    reason: string,
    ctx: ModelErrorContext = {},
    opts: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(formatMessage(reason, ctx), opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.code = code
    this.label = ctx.label
    this.model = ctx.model
    this.endpoint = ctx.endpoint
    this.retryable = opts.retryable ?? false
  }
}

function formatMessage(reason: string, ctx: ModelErrorContext): string {
  const where = [ctx.model, ctx.endpoint && `at ${ctx.endpoint}`].filter(Boolean).join(' ')
  return `${ctx.label ? `${ctx.label}: ` : ''}${printable(reason)}${where ? ` (${where})` : ''}`
}

/**
 * Reasons quote what a server or model sent (an error body, a code frame of a bad answer)
 * and end up printed in terminals. Control characters other than newline and tab are shown
 * as `\xNN`, so binary garbage cannot smuggle terminal escape sequences into an error
 * (test/integration/faults: "binary garbage as the answer").
 */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )
}

/** An HTTP status, a refused/reset connection or an unusable response body. */
export class ModelHttpError extends ModelError {
  /** HTTP status, when the server answered one. */
  readonly status?: number
  /** What the server asked us to wait (`retry-after-ms` / `retry-after`), in ms. */
  readonly retryAfterMs?: number

  constructor(
    reason: string,
    ctx: ModelErrorContext,
    opts: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super('E_MODEL_HTTP', reason, ctx, opts)
    this.status = opts.status
    this.retryAfterMs = opts.retryAfterMs
  }
}

/** No complete answer within `timeoutMs` (headers and body both count). */
export class ModelTimeoutError extends ModelError {
  readonly timeoutMs: number
  constructor(timeoutMs: number, ctx: ModelErrorContext, cause?: unknown) {
    super('E_MODEL_TIMEOUT', `no complete answer within ${timeoutMs} ms`, ctx, { retryable: true, cause })
    this.timeoutMs = timeoutMs
  }
}

/** The answer never became valid JSON of the schema, even after the repair turns. */
export class ModelFormatError extends ModelError {
  /** The last problem, as quoted to the model (`path: message` or the JSON syntax error). */
  readonly problem: string
  /** Code frame of the last answer around a JSON syntax error, when there is a position. */
  readonly frame?: string

  constructor(reason: string, problem: string, ctx: ModelErrorContext, frame?: string) {
    super('E_MODEL_FORMAT', frame ? `${reason}\n${frame}` : reason, ctx)
    this.problem = problem
    this.frame = frame
  }
}

/** `finish_reason: length` / `done_reason: length`: the answer hit the output limit, even with a larger budget. */
export class TruncatedAnswerError extends ModelError {
  readonly maxOutputTokens: number
  constructor(maxOutputTokens: number, ctx: ModelErrorContext) {
    super(
      'E_MODEL_TRUNCATED',
      `answer cut off at the output limit (${maxOutputTokens} tokens, already retried with a larger budget); raise maxOutputTokens or ask for less`,
      ctx,
    )
    this.maxOutputTokens = maxOutputTokens
  }
}

/**
 * The prompt plus the answer budget does not fit the role's `contextWindow`, even after
 * packing: refused before sending, because a server would cut it silently (issue #15).
 */
export class ContextOverflowError extends ModelError {
  readonly promptTokens: number
  readonly contextWindow: number
  readonly maxOutputTokens: number
  constructor(
    m: { promptTokens: number; method: string; contextWindow: number; maxOutputTokens: number },
    ctx: ModelErrorContext,
  ) {
    super(
      'E_CONTEXT',
      `the prompt is ${m.promptTokens} tokens (${m.method}) and the answer may take ${m.maxOutputTokens}: more than this role's contextWindow of ${m.contextWindow}, so nothing was sent. ` +
        `Raise contextWindow (if the model supports it; for Ollama see \`ollama show <model>\`), lower maxOutputTokens, or split the spec section`,
      ctx,
    )
    this.promptTokens = m.promptTokens
    this.contextWindow = m.contextWindow
    this.maxOutputTokens = m.maxOutputTokens
  }
}

/**
 * The server evaluated far fewer prompt tokens than were sent: it cut the prompt without an
 * error (Ollama at `num_ctx`, ollama/ollama#8099). The answer is discarded, never used.
 */
export class ContextTruncatedError extends ModelError {
  readonly evaluated: number
  readonly sent: number
  constructor(reason: string, m: { evaluated: number; sent: number }, ctx: ModelErrorContext) {
    super('E_CONTEXT_TRUNCATED', reason, ctx)
    this.evaluated = m.evaluated
    this.sent = m.sent
  }
}

/** The provider cannot authenticate. Thrown by the first `chat()`, not at construction. */
export class MissingCredentialsError extends ModelError {
  /** Environment variables that would fix it. */
  readonly variables: string[]
  constructor(reason: string, variables: string[], ctx: ModelErrorContext) {
    super('E_MISSING_CREDENTIALS', reason, ctx)
    this.variables = variables
  }
}

/** The per-run budget would be exceeded by the next HTTP call; nothing was sent. */
export class BudgetExceededError extends ModelError {
  readonly limit: 'maxCalls' | 'maxTokens'
  readonly used: number
  readonly max: number
  constructor(limit: 'maxCalls' | 'maxTokens', used: number, max: number, reason: string, ctx: ModelErrorContext = {}) {
    super('E_BUDGET', reason, ctx)
    this.limit = limit
    this.used = used
    this.max = max
  }
}

/** The caller's AbortSignal fired (Ctrl-C in dev/build). Never retried. */
export class ModelAbortedError extends ModelError {
  constructor(ctx: ModelErrorContext, cause?: unknown) {
    super('E_ABORTED', 'cancelled', ctx, { cause })
  }
}

/**
 * A request would carry, or an answer carries, the value of a known secret (an API key in
 * the environment, a value from the project's `.env`). Nothing is sent, or the answer is
 * discarded before it is cached, written or logged. Names the variable, never the value.
 */
export class SecretInModelTrafficError extends ModelError {
  readonly variable: string
  readonly direction: 'request' | 'answer'
  constructor(direction: 'request' | 'answer', variable: string, from: string, ctx: ModelErrorContext) {
    super(
      'E_SECRET',
      direction === 'request'
        ? `the request would contain the value of ${variable} (from ${from}); ` +
            'sitesmith never sends a secret to a model, so nothing was sent. ' +
            'Remove the value from the spec (or the file that holds it)'
        : `the model's answer contains the value of ${variable} (from ${from}); ` +
            'it was discarded: not written, not cached, not logged',
      ctx,
    )
    this.variable = variable
    this.direction = direction
  }
}

export function isModelError(err: unknown): err is ModelError {
  return err instanceof ModelError
}
