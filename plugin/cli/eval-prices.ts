import type { ModelOptions } from '../llm/types.js'

/**
 * List prices in US dollars per million tokens, for the estimated cost column of
 * `sitesmith eval` (issue #15): OpenAI's published standard (non-batch, uncached) API prices
 * when this table was written — they change, so a cost is an estimate, and `--prices <file>`
 * replaces or extends the table. A local Ollama model costs no API money (electricity and
 * hardware are not counted); any other model's cost is "unknown", never a guess.
 */
export interface Price {
  input: number
  output: number
}

export const OPENAI_PRICES: Readonly<Record<string, Price>> = Object.freeze({
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
})

/** USD per million tokens for this role's model, 0 for Ollama, undefined when unknown. */
export function priceOf(model: ModelOptions, extra: Readonly<Record<string, Price>> = {}): Price | undefined {
  const id = `${model.provider}:${model.model}`
  if (extra[id]) return extra[id]
  if (model.provider === 'ollama') return { input: 0, output: 0 }
  // An OpenAI-compatible server at another URL (a local vLLM, a proxy) is not OpenAI's price list.
  if (model.baseURL && !/^https:\/\/api\.openai\.com(\/|$)/.test(model.baseURL)) return undefined
  return OPENAI_PRICES[model.model]
}

export function costOf(tokens: { prompt: number; completion: number }, price: Price | undefined): number | undefined {
  return price ? (tokens.prompt * price.input + tokens.completion * price.output) / 1_000_000 : undefined
}
