import { measurePrompt, type RoleLimits } from './context-budget.js'
import { ContextOverflowError, ContextTruncatedError, ModelHttpError, type ModelErrorContext } from './errors.js'
import type { RawAnswer } from './provider.js'
import type { ChatEvent, ChatMessage } from './types.js'

/**
 * The client's side of "context you can trust" (issue #15): nothing is sent that cannot fit
 * the role's window, an answer to a prompt the server cut is never used, and a role pointed at
 * Ollama's OpenAI-compatible endpoint — where `num_ctx` cannot be set — is warned about once.
 */

/**
 * The answer budget to send with `messages`: `wanted` when prompt + wanted fit the window; a
 * grown budget (after a `length` finish) is lowered to what fits, never below the role's own;
 * otherwise the request is refused before sending.
 */
export function fitOutput(
  messages: readonly ChatMessage[],
  wanted: number,
  limits: RoleLimits,
  ctx: ModelErrorContext,
): number {
  const m = measurePrompt(messages, limits, wanted)
  if (m.fits) return wanted
  const room = limits.contextWindow - m.promptTokens
  if (wanted > limits.maxOutputTokens && room >= limits.maxOutputTokens) return room
  throw new ContextOverflowError(
    {
      promptTokens: m.promptTokens,
      method: m.method,
      contextWindow: limits.contextWindow,
      maxOutputTokens: Math.min(wanted, limits.maxOutputTokens),
    },
    ctx,
  )
}

/**
 * The model's own output cap when a server refused an answer budget over it — OpenAI's HTTP 400
 * "This model supports at most 16384 completion tokens, whereas you provided 32768" — else
 * undefined. A budget grown after a `length` finish can pass a model's cap (issue #16: the
 * loopback server enforces gpt-4o-mini's), and is then lowered to it rather than failing.
 */
export function refusedOutputCap(err: unknown): number | undefined {
  if (!(err instanceof ModelHttpError) || err.status !== 400) return undefined
  const m = /supports at most (\d+) completion tokens/i.exec(err.message)
  return m ? Number(m[1]) : undefined
}

/** Below this share of what was sent, a server evaluated a cut prompt. */
const TRUNCATED_SHARE = 0.6
/** Ollama's smallest default window is 2048 (its half, 1024, is where a cut lands); smaller counts are KV-cache reuse. */
const SMALLEST_CUT = 1024

/**
 * Throws ContextTruncatedError when the server says it evaluated far fewer prompt tokens than
 * were sent (Ollama answers 200 OK after cutting the prompt to num_ctx, ollama/ollama#8099), or
 * exactly the cut Ollama makes when a prompt overflows the buffer it was given: all of num_ctx,
 * or num_ctx/2 + 2 (ollama/ollama#17427) — a prompt that fits never fills either, since the
 * answer's room is part of num_ctx. Only the first question of a conversation is checked: later
 * turns reuse the server's cache, which lowers the count legitimately.
 */
export function checkTruncation(
  answer: RawAnswer,
  messages: readonly ChatMessage[],
  limits: RoleLimits,
  model: string,
  endpoint: string,
  ctx: ModelErrorContext,
): void {
  if (!answer.promptReported) return
  const got = answer.usage.promptTokens
  const numCtx = answer.numCtx
  const atCut = numCtx !== undefined && (got === numCtx || got === Math.floor(numCtx / 2) + 2)
  if (got < SMALLEST_CUT && !atCut) return
  if (numCtx === undefined && answer.servedBy !== 'ollama') return // OpenAI and others refuse an overlong prompt with an error
  const sent = limits.counter.count(messages)
  if (!atCut && got >= sent * TRUNCATED_SHARE) return
  const need = sent + limits.maxOutputTokens
  const reason =
    numCtx !== undefined
      ? `Ollama evaluated only ${got} of the about ${sent} prompt tokens sent (${limits.counter.method}): ` +
        `it cut the prompt to fit num_ctx ${numCtx} and answered 200 OK anyway (its log says "truncating input prompt"). ` +
        `The answer was discarded. Raise num_ctx: set this role's contextWindow to at least ${pow2(need)} if the model supports it (\`ollama show ${model}\`), ` +
        `and make sure nothing between sitesmith and Ollama drops options.num_ctx`
      : `Ollama's OpenAI-compatible endpoint evaluated only ${got} of the about ${sent} prompt tokens sent: ` +
        `it cannot set num_ctx, so the prompt was cut to the server's default context. ` +
        `The answer was discarded. Use provider "ollama" with baseURL ${origin(endpoint)} (sitesmith then sizes num_ctx per request), ` +
        `or start Ollama with OLLAMA_CONTEXT_LENGTH=${pow2(need)}`
  throw new ContextTruncatedError(reason, { evaluated: got, sent }, ctx)
}

/**
 * The warning for an `openai` role whose endpoint is Ollama (port 11434 or an answer signed
 * `fp_ollama`), or undefined. The fix is the `ollama` provider on the same host.
 */
export function ollamaBehindOpenAI(endpoint: string, how: 'port' | 'fingerprint'): string | undefined {
  let port = ''
  try {
    port = new URL(endpoint).port
  } catch {
    return undefined
  }
  if (how === 'port' && port !== '11434') return undefined
  return (
    `${endpoint} is Ollama's OpenAI-compatible endpoint (${how === 'port' ? 'port 11434' : 'it signs answers "fp_ollama"'}): ` +
    `there num_ctx cannot be set, so every prompt is cut to the server's default context ` +
    `(2048–4096 tokens) without an error. Use provider "ollama" with baseURL ${origin(endpoint)} instead, or start Ollama with OLLAMA_CONTEXT_LENGTH set to the context you need`
  )
}

/** A `warning` event per distinct message; `seen` belongs to the client, so it is once per client, not per request. */
export function onceWarner(
  seen: Set<string>,
  label: string,
  model: string,
  emit: (e: ChatEvent) => void,
): (message: string | undefined) => void {
  return (message) => {
    if (!message || seen.has(message)) return
    seen.add(message)
    emit({ type: 'warning', label, model, message })
  }
}

function origin(endpoint: string): string {
  try {
    return new URL(endpoint).origin
  } catch {
    return endpoint
  }
}

function pow2(n: number): number {
  let p = 2048
  while (p < n) p *= 2
  return p
}
