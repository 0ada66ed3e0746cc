import { createRequire } from 'node:module'

/**
 * Token counts for deciding whether a prompt fits a model's window (issue #15). OpenAI models
 * are counted exactly with their own encoding (`gpt-tokenizer`: o200k_base for the GPT-4o
 * family and later, cl100k_base for GPT-4 / 3.5). Every other model — Qwen, Llama, … behind
 * Ollama or an OpenAI-compatible server — gets a stated estimate, one token per 3 UTF-8 bytes
 * (about 4 characters of English are one token, so this errs towards "does not fit"; CJK text,
 * 3 bytes a character, is about one token a character). Truncation detection backs the estimate
 * up: if a server evaluated far fewer tokens than were sent, the run stops and says so.
 *
 * The encodings take a second or two to load, so they are loaded only when a byte count cannot
 * already prove that a prompt fits (a token is never shorter than one byte).
 */

export type Encoding = 'o200k_base' | 'cl100k_base'

export interface TokenCounter {
  /** `o200k_base`, `cl100k_base`, or `estimate (3 bytes a token)`. */
  readonly method: string
  /** Whether `count` is exact for this model. */
  readonly exact: boolean
  /** Tokens of a prompt, including the few the chat format adds per message. */
  count(messages: ReadonlyArray<{ content: string }> | string): number
  /** A number never below `count` (bytes), computed without loading an encoding. */
  upperBound(messages: ReadonlyArray<{ content: string }> | string): number
}

/** Tokens the chat format adds around each message, and once for the reply (OpenAI's published rule of thumb). */
const PER_MESSAGE = 4
const PER_REPLY = 3
const BYTES_PER_ESTIMATED_TOKEN = 3

/** The encoding of an OpenAI model name, or undefined for models OpenAI did not make. */
export function openaiEncoding(model: string): Encoding | undefined {
  const m = model.toLowerCase().replace(/^openai\//, '')
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss)/.test(m)) return 'o200k_base'
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(m)) return 'cl100k_base'
  return undefined
}

export function tokenCounter(model: string): TokenCounter {
  const encoding = openaiEncoding(model)
  const upperBound = (input: ReadonlyArray<{ content: string }> | string) => sum(input, (s) => Buffer.byteLength(s))
  if (!encoding) {
    return {
      method: `estimate (${BYTES_PER_ESTIMATED_TOKEN} bytes a token)`,
      exact: false,
      count: (input) => sum(input, (s) => Math.ceil(Buffer.byteLength(s) / BYTES_PER_ESTIMATED_TOKEN)),
      upperBound,
    }
  }
  return {
    method: encoding,
    exact: true,
    count: (input) => {
      const enc = load(encoding)
      return sum(input, (s) => enc.countTokens(s, { disallowedSpecial: NONE }))
    },
    upperBound,
  }
}

function sum(input: ReadonlyArray<{ content: string }> | string, f: (s: string) => number): number {
  if (typeof input === 'string') return f(input)
  return input.reduce((n, m) => n + f(m.content) + PER_MESSAGE, PER_REPLY)
}

/** Special-token text in a prompt (`<|endoftext|>`) is counted as text, never refused. */
const NONE = new Set<string>()

interface Encoder {
  countTokens(text: string, opts: { disallowedSpecial: Set<string> }): number
}

const require = createRequire(import.meta.url)
/** Node's module cache keeps a loaded encoding, so each is parsed once per process. */
function load(encoding: Encoding): Encoder {
  return require(`gpt-tokenizer/cjs/encoding/${encoding}`) as Encoder
}
