import { jsonrepair } from 'jsonrepair'

/**
 * Where the JSON object is in what a model sent back, tolerant of what small models really do
 * (issue #15; every shape is reproduced in test/loopback/realistic-faults.ts with the public
 * thread it comes from): fences, prose before or after, `<think>` blocks, two objects back to
 * back, and — through the kept `jsonrepair` library — raw newlines in strings, invalid escapes
 * (`\-`), single or curly quotes, trailing commas, unescaped inner quotes and a missing closing
 * brace. Strict parses are tried first, so a well-formed answer is never altered.
 *
 * One thing is never repaired: an answer that stops inside a string or right after a `,` or
 * `:` was cut off, and "repairing" it would turn half a file into a complete-looking one.
 * Model output is untrusted data: it is only ever parsed, never evaluated.
 */

export interface Candidate {
  value: Record<string, unknown>
  /** What had to be done to get it, for the run log; empty for a strict parse of the whole text. */
  how: string[]
}

/** Candidate objects tried by the brace scan; bounds the work on long prose answers. */
const MAX_SCAN_CANDIDATES = 24
/** Whitespace after a complete object that makes a `length` finish padding rather than a cut. */
const PADDING = 16
/** Slices handed to jsonrepair; each costs a linear pass. */
const MAX_REPAIR_SLICES = 4

/** Removes reasoning blocks (`<think>…</think>`) that reasoning models put before the answer. */
export function stripReasoning(text: string): string {
  return text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, '').replace(/^[\s\S]*?<\/(think|thinking)>/i, '')
}

/** The answer text as it is searched: BOM, reasoning blocks and surrounding whitespace removed. */
export function answerText(text: string): string {
  return stripReasoning(text.replace(/^\uFEFF/, '')).trim()
}

/** Objects found in `text`, most faithful first: strict whole, fenced, embedded, then repaired. */
export function* jsonCandidates(raw: string): Generator<Candidate> {
  const text = answerText(raw)
  if (text === '') return
  const seen = new Set<string>()
  const fresh = (c: Candidate | undefined): c is Candidate => {
    if (!c) return false
    const key = JSON.stringify(c.value)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }

  const whole = strictObject(text, [])
  if (fresh(whole)) yield whole

  const fences = [...fencedBlocks(text)]
  for (const block of fences) {
    const c = strictObject(block.trim(), ['fenced'])
    if (fresh(c)) yield c
  }

  let tried = 0
  let objects = 0
  for (let start = text.indexOf('{'); start >= 0 && tried < MAX_SCAN_CANDIDATES; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start)
    if (end < 0) continue
    tried++
    const c = strictObject(text.slice(start, end + 1), [
      start > 0 ? 'text before the object' : end < text.length - 1 ? 'text after the object' : 'embedded',
    ])
    if (c) objects++
    if (c && objects > 1) c.how.push('one of several objects')
    if (fresh(c)) {
      yield c
      start = end // objects nested inside this one are its own fields, not answers
    }
  }

  const first = text.search(/[{[]/)
  const slices = [...fences.map((b) => b.trim()), first >= 0 ? text.slice(first) : text].filter(
    (s, i, all) => all.indexOf(s) === i,
  )
  for (const slice of slices.slice(0, MAX_REPAIR_SLICES)) {
    if (!repairable(slice)) continue
    const repaired = tryRepair(slice) ?? tryRepair(escapeInnerQuotes(slice))
    if (repaired === undefined) continue
    const how = ['repaired JSON syntax']
    const values = Array.isArray(repaired) ? repaired : [repaired]
    for (const v of values) {
      const c = asObject(v, Array.isArray(repaired) ? [...how, 'one of several objects'] : how)
      if (fresh(c)) yield c
    }
  }
}

function tryRepair(slice: string): unknown {
  try {
    return JSON.parse(jsonrepair(slice))
  } catch {
    return undefined
  }
}

/**
 * Escapes double quotes inside string values that a model left unescaped (HTML attributes in
 * a `content` string, ollama/ollama#3784): a quote ends a string only where JSON can go on —
 * before `:`, before `, "key":`, or before a closing `}` / `]` that is itself followed by
 * `,`, `}`, `]` or the end. jsonrepair's own guess fails on pages full of attributes.
 */
export function escapeInnerQuotes(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (!inString) {
      if (c === '"') inString = true
      out += c
      continue
    }
    if (c === '\\') {
      out += c + (text[i + 1] ?? '')
      i++
      continue
    }
    if (c === '"') {
      const rest = text.slice(i + 1, i + 200)
      if (/^\s*(:|,\s*"[^"\\\n]{1,40}"\s*:|[}\]]\s*([,}\]]|$))/.test(rest) || /^\s*$/.test(rest)) inString = false
      else {
        out += '\\"'
        continue
      }
    }
    out += c
  }
  return out
}

/**
 * Whether a slice may be handed to jsonrepair: it must not end inside a string or right after
 * a `,` / `:` or inside a literal (cut off), and must open with `{` or `[`.
 */
export function repairable(slice: string): boolean {
  const s = slice.trim()
  if (!/^[{[]/.test(s)) return false
  let inString = false
  let depth = 0
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  if (inString) return false
  // Unclosed: only when the last value is complete (a model that forgot the final `}`, letta-ai/letta#297).
  if (depth > 0 && !/("|\}|\]|\d|\btrue|\bfalse|\bnull)$/.test(s)) return false
  return true
}

/**
 * Whether `text` is one complete JSON object followed only by whitespace: Ollama's JSON mode
 * lets small models pad a finished object with whitespace until the output limit
 * (ollama/ollama#2577), which ends as a `length` finish although nothing was cut.
 */
export function completeThenWhitespace(text: string): boolean {
  const t = answerText(text)
  if (!t.startsWith('{')) return false
  const end = matchingBrace(t, 0)
  if (end < 0 || t.slice(end + 1).trim() !== '') return false
  // Padding, not a coincidence: an object that ends exactly at the limit stays a length failure.
  if (text.length - text.trimEnd().length < PADDING) return false
  return strictObject(t.slice(0, end + 1), []) !== undefined
}

function strictObject(text: string, how: string[]): Candidate | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return asObject(value, how)
}

/** An object, or a JSON string holding one (double-encoded answers, unwrapped once). */
function asObject(value: unknown, how: string[]): Candidate | undefined {
  if (typeof value === 'string' && /^\s*\{/.test(value)) {
    try {
      value = JSON.parse(value)
      how = [...how, 'double-encoded']
    } catch {
      return undefined
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? { value: value as Record<string, unknown>, how: [...how] }
    : undefined
}

export function* fencedBlocks(text: string): Generator<string> {
  const re = /(`{3,}|~{3,})[ \t]*[\w+-]*[^\n]*\n([\s\S]*?)\1/g
  for (let m = re.exec(text); m; m = re.exec(text)) yield m[2]
}

/** Index of the `}` closing the `{` at `start`, skipping braces inside strings; -1 if unbalanced. */
export function matchingBrace(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return i
  }
  return -1
}
