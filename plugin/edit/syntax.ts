import * as acorn from 'acorn'
import postcss, { CssSyntaxError } from 'postcss'
import { scriptKindOfType } from '../analysis/html-page.js'

/**
 * One place that says what "parses" means for JS and CSS, with the failing offset so a
 * rejection can point at file:line:col. Model output is only ever parsed, never run.
 */

export type JsMode = 'module' | 'script'

export interface SyntaxProblem {
  /** Offset into the parsed text. */
  offset: number
  message: string
}

export const ACORN_BASE = { ecmaVersion: 'latest', allowHashBang: true, locations: false } as const

export function parseJs(text: string, mode: JsMode): { ok: true; program: acorn.Program } | { ok: false; problem: SyntaxProblem } {
  try {
    return { ok: true, program: acorn.parse(text, { ...ACORN_BASE, sourceType: mode }) }
  } catch (e) {
    const err = e as SyntaxError & { pos?: number }
    // acorn appends "(line:col)" to its messages; the caller adds its own location.
    return { ok: false, problem: { offset: err.pos ?? 0, message: err.message.replace(/\s*\(\d+:\d+\)$/, '') } }
  }
}

/** Parse as a module when possible (most browser JS is valid as both), else as a classic script. */
export function parseJsAnyMode(text: string): { ok: true; program: acorn.Program; mode: JsMode } | { ok: false; problem: SyntaxProblem } {
  const asModule = parseJs(text, 'module')
  if (asModule.ok) return { ...asModule, mode: 'module' }
  const asScript = parseJs(text, 'script')
  if (asScript.ok) return { ...asScript, mode: 'script' }
  return asModule
}

export function parseCss(text: string): { ok: true; root: postcss.Root } | { ok: false; problem: SyntaxProblem } {
  try {
    return { ok: true, root: postcss.parse(text) }
  } catch (e) {
    if (e instanceof CssSyntaxError) {
      const input = (e as CssSyntaxError & { input?: { offset?: number } }).input
      const offset = input?.offset ?? offsetOf(text, e.line ?? 1, e.column ?? 1)
      return { ok: false, problem: { offset, message: e.reason } }
    }
    throw e
  }
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset)
    if (nl === -1) break
    offset = nl + 1
  }
  return offset + column - 1
}

/** JS types a browser executes; other `<script type>`s (JSON, templates) are data, not code. */
export function scriptMode(type: string | undefined): JsMode | null {
  const kind = scriptKindOfType(type)
  return kind === 'module' ? 'module' : kind === 'classic' ? 'script' : null
}
