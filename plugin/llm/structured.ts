import { codeFrameColumns } from '@babel/code-frame'
import { positionAt } from '../diagnostics/line-index.js'
import type { ZodType } from 'zod'

import { describeBadAnswer, echoesInstructions } from './answer-shape.js'
import { answerText, fencedBlocks, jsonCandidates, repairable } from './json-candidates.js'
import { coerceToSchema } from './json-coerce.js'
import type { ChatMessage } from './types.js'

/**
 * Structured output from models that do not always follow the format (docs/ARCHITECTURE.md, "Small/local
 * models ignore the output format"): find the JSON object in whatever came back, validate it
 * with zod, and describe what is wrong concisely enough to quote in a repair turn.
 * Model output is untrusted data: it is only ever `JSON.parse`d, never evaluated.
 */

/** Schema issues quoted in a repair turn; more would bloat the prompt without helping. */
const MAX_ISSUES = 6
/** Candidates checked against the schema; the first that passes wins. */
const MAX_CANDIDATES = 12

export type Extraction =
  | { ok: true; value: unknown; how?: string[] }
  | {
      ok: false
      /** One line, e.g. `not valid JSON: Unterminated string at line 3 column 9`. */
      problem: string
      /** The text that failed to parse and the 1-based position in it, for a code frame. */
      source?: string
      line?: number
      column?: number
    }

/**
 * Removes one markdown fence wrapped around the whole text (```html … ```), as small models
 * often do inside a `content` string. Text that is not entirely fenced is returned unchanged,
 * so a file that merely contains a fence somewhere is never altered.
 */
export function stripFences(text: string): string {
  const m = /^\s*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*\s*$/.exec(text)
  return m ? m[2] : text
}

/**
 * Finds the JSON object in a model answer (see json-candidates.ts for what is tolerated): the
 * whole text, a fenced block, an object embedded in prose, then a syntax repair. A JSON string
 * that itself holds an object (double-encoded answers) is unwrapped once.
 */
export function extractJson(text: string): Extraction {
  const first = jsonCandidates(text).next()
  if (!first.done)
    return { ok: true, value: first.value.value, ...(first.value.how.length ? { how: first.value.how } : {}) }
  return noObject(text)
}

/** Why no object could be found: empty, prose, or the syntax error of the most plausible candidate. */
function noObject(text: string): Extraction & { ok: false } {
  const trimmed = answerText(text)
  if (trimmed === '') return { ok: false, problem: 'the answer was empty' }
  // Report the error of the most plausible candidate: a fenced block if there is one, else
  // everything from the first `{` (typically a truncated or slightly broken object).
  const firstFence = fencedBlocks(trimmed).next()
  const candidate = !firstFence.done
    ? firstFence.value.trim()
    : trimmed.indexOf('{') >= 0
      ? trimmed.slice(trimmed.indexOf('{'))
      : trimmed
  if (!candidate.startsWith('{') && !candidate.startsWith('[')) {
    return { ok: false, problem: `no JSON object found; the answer starts with ${JSON.stringify(clip(candidate, 60))}` }
  }
  const syntax = syntaxProblem(candidate)
  if (!repairable(candidate) && /^not valid JSON/.test(syntax.problem))
    syntax.problem += ' (the answer stops mid-value: cut off)'
  return syntax
}

/** A concise JSON syntax problem with line/column, without V8's echo of the whole input. */
function syntaxProblem(source: string): Extraction & { ok: false } {
  try {
    const value: unknown = JSON.parse(source)
    // It parsed, so it is valid JSON that is not an object (an array, a number, …).
    return {
      ok: false,
      problem: `expected one JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    }
  } catch (err) {
    const raw = (err as Error).message
    const reason = raw.replace(/,\s*".*"\s+is not valid JSON\s*$/s, '').replace(/\s+in JSON at position \d+.*$/s, '')
    const pos = /at position (\d+)/.exec(raw)
    const offset = pos ? Number(pos[1]) : /end of JSON input|Unterminated/i.test(raw) ? source.length : undefined
    if (offset === undefined) return { ok: false, problem: `not valid JSON: ${reason}`, source }
    const { line, column } = positionAt(source, offset)
    return { ok: false, problem: `not valid JSON: ${reason} at line ${line} column ${column}`, source, line, column }
  }
}

export type Validation<T> = { ok: true; value: T; how?: string[] } | { ok: false; problem: string; frame?: string }

/**
 * Extraction then zod: either the typed value or one concise problem to quote back. Every
 * candidate object is tried (a fenced one, the first of two, a repaired one, a tool call's
 * arguments, strings decoded into arrays) until one passes the schema. `prompt` lets the
 * problem name an echo of the instructions.
 */
export function parseStructured<T>(
  text: string,
  schema: ZodType<T>,
  prompt: readonly ChatMessage[] = [],
): Validation<T> {
  if (echoesInstructions(text, prompt))
    return { ok: false, problem: 'the instructions echoed back instead of an answer' }
  let firstIssues: ReadonlyArray<{ path: PropertyKey[]; message: string }> | undefined
  let n = 0
  for (const c of jsonCandidates(text)) {
    if (++n > MAX_CANDIDATES) break
    const r = coerceToSchema(c.value, schema)
    if (r.ok) {
      const how = [...c.how, ...r.how]
      return how.length ? { ok: true, value: r.value, how } : { ok: true, value: r.value }
    }
    firstIssues ??= r.issues
  }
  const shape = describeBadAnswer(answerText(text), prompt)
  if (firstIssues) {
    const issues = describeIssues(firstIssues)
    return { ok: false, problem: shape && /^an empty object/.test(shape) ? `${shape}; ${issues}` : issues }
  }
  const ex = noObject(text)
  const frame =
    ex.source && ex.line
      ? codeFrameColumns(
          clip(ex.source, 20_000),
          { start: { line: ex.line, column: ex.column } },
          { linesAbove: 2, linesBelow: 1 },
        )
      : undefined
  return { ok: false, problem: shape ? `${shape}; ${ex.problem}` : ex.problem, frame }
}

/** `tasks.0.path: Invalid input: expected string, received undefined; …` */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const shown = issues
    .slice(0, MAX_ISSUES)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${clip(i.message, 200)}`)
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : ''
  return `does not match the required shape: ${shown.join('; ')}${more}`
}

/**
 * The two messages appended for a repair turn: the bad answer as the assistant said it (so
 * the model sees what to fix) and a user message quoting the problem and restating that only
 * a JSON object is wanted. An empty answer is not echoed back.
 */
export function repairMessages(badAnswer: string, problem: string): ChatMessage[] {
  const ask: ChatMessage = {
    role: 'user',
    content: `Your previous answer could not be used: ${problem}.\nReply again with only one JSON object in the requested shape — no prose, no markdown fences, nothing before or after it.`,
  }
  return badAnswer.trim() === '' ? [ask] : [{ role: 'assistant', content: badAnswer }, ask]
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s
}
