import { tokenCounter, type TokenCounter } from './tokens.js'
import type { ChatMessage, ModelOptions } from './types.js'

/**
 * How much a role's model can read (issue #15): its `contextWindow` holds the prompt AND the
 * answer (`maxOutputTokens`), as Ollama's `num_ctx` and OpenAI's context length both do. A
 * prompt is measured before it is sent; one that does not fit is packed by its stage (see
 * pack-prompt.ts) or refused. Kept apart from the clients so stages that plan large sites can
 * budget their prompts with the same numbers.
 */

/**
 * Windows assumed when a role names none: OpenAI's current chat models read 128k tokens; for
 * Ollama this is the largest `num_ctx` sitesmith asks for (each request sizes it to the prompt),
 * kept modest because a bigger context costs memory on the user's machine.
 */
export const CONTEXT_WINDOW_DEFAULTS = Object.freeze({ openai: 128_000, ollama: 32_768 } as const) satisfies Readonly<
  Record<ModelOptions['provider'], number>
>

/** The answer budget when a role names none (also MODEL_DEFAULTS.maxOutputTokens). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096

export interface RoleLimits {
  contextWindow: number
  maxOutputTokens: number
  counter: TokenCounter
}

export function roleLimits(
  o: Pick<ModelOptions, 'provider' | 'model' | 'contextWindow' | 'maxOutputTokens'>,
): RoleLimits {
  return {
    contextWindow: o.contextWindow ?? CONTEXT_WINDOW_DEFAULTS[o.provider],
    maxOutputTokens: o.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    counter: tokenCounter(o.model),
  }
}

export interface Measure {
  fits: boolean
  /** Prompt tokens: exact, estimated, or (when bytes already prove the fit) an upper bound. */
  promptTokens: number
  /** How `promptTokens` was counted. */
  method: string
  /** Tokens the prompt may take: the window minus the answer budget. */
  room: number
}

export function measurePrompt(
  messages: readonly ChatMessage[],
  limits: RoleLimits,
  maxOutputTokens = limits.maxOutputTokens,
): Measure {
  const room = limits.contextWindow - maxOutputTokens
  const bound = limits.counter.upperBound(messages)
  if (bound <= room) return { fits: true, promptTokens: bound, method: 'at most, by bytes', room }
  const promptTokens = limits.counter.count(messages)
  return { fits: promptTokens <= room, promptTokens, method: limits.counter.method, room }
}
