import OpenAI from 'openai'
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'

import { ModelHttpError } from './errors.js'
import { estimateTokens, redactUrl, type Provider, type ProviderCall, type RawAnswer } from './provider.js'
import type { ChatMessage } from './types.js'

/**
 * The `openai` provider: the official client against the OpenAI API or any OpenAI-compatible
 * server (`baseURL`). JSON mode (`response_format: json_object`) rather than strict schemas,
 * because compatible servers support it far more widely; zod validates afterwards.
 */

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1'

export interface OpenAIProviderConfig {
  model: string
  /** Absent for keyless OpenAI-compatible servers: then no Authorization header is sent at all. */
  apiKey?: string
  baseURL: string
  timeoutMs: number
}

export function createOpenAIProvider(cfg: OpenAIProviderConfig): Provider {
  const client = new OpenAI({
    // The client insists on a key; for a keyless server the placeholder is never sent
    // because the Authorization header is removed below.
    apiKey: cfg.apiKey ?? 'sitesmith-no-key',
    defaultHeaders: cfg.apiKey ? undefined : { Authorization: null },
    baseURL: cfg.baseURL,
    // Everything is passed explicitly so the client never falls back to process.env.
    organization: null,
    project: null,
    adminAPIKey: null,
    maxRetries: 0, // retries are ours (retry.ts), with one policy for both providers
    timeout: cfg.timeoutMs,
    logLevel: 'off',
  })
  const endpoint = `${redactUrl(cfg.baseURL)}/chat/completions`
  // The official API wants max_completion_tokens (reasoning models reject max_tokens);
  // compatible servers (vLLM, llama.cpp, LM Studio, Ollama's /v1) reliably know max_tokens.
  const official = isOfficialOpenAI(cfg.baseURL)

  return {
    endpoint,
    async send(call: ProviderCall): Promise<RawAnswer> {
      const params: ChatCompletionCreateParamsNonStreaming = {
        model: cfg.model,
        messages: withJsonMention(call.messages).map(toOpenAIMessage),
        temperature: call.temperature,
        response_format: { type: 'json_object' },
        stream: false,
        ...(official ? { max_completion_tokens: call.maxOutputTokens } : { max_tokens: call.maxOutputTokens }),
      }
      const completion: unknown = await client.chat.completions.create(params, {
        signal: call.signal,
        timeout: call.timeoutMs,
        headers: { 'x-sitesmith-label': encodeURIComponent(call.label) },
      })
      return toRawAnswer(completion, call, cfg.model, endpoint)
    },
  }
}

function toRawAnswer(completion: unknown, call: ProviderCall, model: string, endpoint: string): RawAnswer {
  const c = completion as Partial<ChatCompletion> | null
  const choice = c && typeof c === 'object' && Array.isArray(c.choices) ? c.choices[0] : undefined
  if (!choice || typeof choice !== 'object') {
    const what =
      typeof completion === 'string' ? `text ${JSON.stringify(completion.slice(0, 80))}` : 'JSON without choices'
    throw new ModelHttpError(
      `the server answered ${what}, not a chat completion`,
      { label: call.label, model: `openai:${model}`, endpoint },
      { retryable: false },
    )
  }
  const msg = choice.message as { content?: unknown; refusal?: unknown } | undefined
  const content = typeof msg?.content === 'string' ? msg.content : ''
  // A refusal has no content; surfacing it as the answer lets the repair turn quote it.
  const refusal = typeof msg?.refusal === 'string' && msg.refusal && !content ? msg.refusal : ''
  const usage = c?.usage
  return {
    content: content || refusal,
    promptReported: typeof usage?.prompt_tokens === 'number',
    // Ollama's OpenAI-compatible endpoint signs its answers; there num_ctx cannot be set (ollama/ollama#4447).
    ...((c as { system_fingerprint?: unknown } | null)?.system_fingerprint === 'fp_ollama'
      ? { servedBy: 'ollama' as const }
      : {}),
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: {
      promptTokens: typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : estimateTokens(call.messages),
      completionTokens:
        typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : estimateTokens(content),
    },
    model: typeof c?.model === 'string' && c.model ? c.model : model,
  }
}

export function isOfficialOpenAI(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com'
  } catch {
    return false
  }
}

/**
 * OpenAI rejects JSON mode unless a message mentions JSON. Prompts normally do; if one does
 * not, a one-line system message is added rather than failing the call.
 */
export function withJsonMention(messages: ChatMessage[]): ChatMessage[] {
  if (messages.some((m) => /json/i.test(m.content))) return messages
  return [{ role: 'system', content: 'Reply with one JSON object.' }, ...messages]
}

/** A message with images becomes content parts: the text first, then each PNG as a data URL. */
function toOpenAIMessage(m: ChatMessage): ChatCompletionMessageParam {
  if (!m.images?.length) return { role: m.role, content: m.content }
  return {
    role: 'user',
    content: [
      { type: 'text', text: m.content },
      ...m.images.map((b64) => ({ type: 'image_url' as const, image_url: { url: `data:image/png;base64,${b64}` } })),
    ],
  }
}
