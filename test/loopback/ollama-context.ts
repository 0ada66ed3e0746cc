import type { LoggedMessage, OllamaBehaviour } from './types.js'

/**
 * How a real Ollama treats the context (issue #15; sources in realistic-faults.ts,
 * CONTEXT_FAULTS): a prompt longer than `num_ctx` is cut from the front and answered with
 * 200 OK — only the server log says "truncating input prompt limit=2048 prompt=16101". Newer
 * versions keep half the buffer (`prompt_eval_count` = num_ctx/2 + 2, ollama/ollama#17427).
 * Without `options.num_ctx` (always so on the OpenAI-compatible `/v1` endpoint, which cannot
 * set it) the server default applies.
 */

export interface ContextOutcome {
  /** The window the server used. */
  numCtx: number
  /** Prompt tokens as this server counts them. */
  promptTokens: number
  /** What it reports as evaluated (`prompt_eval_count` / `usage.prompt_tokens`). */
  evaluated: number
  truncated: boolean
  /** The messages the "model" actually saw. */
  messages: LoggedMessage[]
}

export const OLLAMA_BEHAVIOUR_DEFAULTS = Object.freeze({
  defaultNumCtx: 4096,
  bytesPerToken: 4,
  truncation: 'half',
  contextLength: 32_768,
} as const) satisfies Required<
  Pick<OllamaBehaviour, 'defaultNumCtx' | 'bytesPerToken' | 'truncation' | 'contextLength'>
>

export function serverTokens(messages: LoggedMessage[], bytesPerToken: number): number {
  return messages.reduce((n, m) => n + Math.ceil(Buffer.byteLength(m.content) / bytesPerToken) + 4, 0)
}

export function applyOllamaContext(
  messages: LoggedMessage[],
  requestedNumCtx: unknown,
  b: OllamaBehaviour,
  openaiEndpoint: boolean,
): ContextOutcome {
  const bytesPerToken = b.bytesPerToken ?? OLLAMA_BEHAVIOUR_DEFAULTS.bytesPerToken
  const asked =
    !openaiEndpoint && !b.ignoreNumCtx && typeof requestedNumCtx === 'number' && requestedNumCtx > 0
      ? requestedNumCtx
      : undefined
  // Ollama also clamps a request to what the model was trained for.
  const numCtx = Math.min(
    asked ?? b.defaultNumCtx ?? OLLAMA_BEHAVIOUR_DEFAULTS.defaultNumCtx,
    b.contextLength ?? OLLAMA_BEHAVIOUR_DEFAULTS.contextLength,
  )
  const promptTokens = serverTokens(messages, bytesPerToken)
  if (promptTokens <= numCtx) return { numCtx, promptTokens, evaluated: promptTokens, truncated: false, messages }
  const evaluated =
    (b.truncation ?? OLLAMA_BEHAVIOUR_DEFAULTS.truncation) === 'half' ? Math.floor(numCtx / 2) + 2 : numCtx
  return { numCtx, promptTokens, evaluated, truncated: true, messages: keepLast(messages, evaluated * bytesPerToken) }
}

/** The messages cut from the front until about `bytes` remain: the start of the prompt is what is lost. */
function keepLast(messages: LoggedMessage[], bytes: number): LoggedMessage[] {
  const out: LoggedMessage[] = []
  let left = bytes
  for (let i = messages.length - 1; i >= 0 && left > 0; i--) {
    const m = messages[i]
    const size = Buffer.byteLength(m.content)
    out.unshift(size <= left ? m : { role: m.role, content: m.content.slice(m.content.length - left) })
    left -= size
  }
  return out
}

/** `POST /api/show`: the trained context length and the Modelfile's num_ctx, as `sitesmith doctor` reads them. */
export function showResponse(
  raw: string | undefined,
  models: readonly string[],
  behaviour: OllamaBehaviour | undefined,
): { status: number; body: object } {
  let name = ''
  try {
    const b = JSON.parse(raw ?? '{}') as { model?: unknown; name?: unknown }
    const named = b.model ?? b.name
    name = typeof named === 'string' ? named : ''
  } catch {
    // an unparsable body names no model: answered like an unknown one
  }
  if (!models.includes(name)) return { status: 404, body: { error: `model '${name}' not found` } }
  const b = { ...OLLAMA_BEHAVIOUR_DEFAULTS, ...behaviour }
  return {
    status: 200,
    body: {
      parameters: `num_ctx                        ${b.defaultNumCtx}`,
      details: { format: 'gguf', family: 'loopback', parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
      model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': b.contextLength },
      capabilities: ['completion'],
    },
  }
}
