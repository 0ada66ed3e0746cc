import type * as acorn from 'acorn'
import { scriptKindOfType } from '../analysis/html-page.js'
import { parseScript, type SyntaxProblem } from '../analysis/js-script.js'

/**
 * What "parses" means for the chunk editor, on the analysis layer's one acorn and one
 * postcss wrapper (#11), with the failing offset so a rejection can point at file:line:col.
 * Model output is only ever parsed, never run.
 */

export type JsMode = 'module' | 'script'

export type { SyntaxProblem }

/** `text` as a module or a classic script, with the reason unexplained (the model gets acorn's own words). */
export function parseJs(
  text: string,
  mode: JsMode,
): { ok: true; program: acorn.Program } | { ok: false; problem: SyntaxProblem } {
  const parsed = parseScript(text, mode === 'module' ? 'module' : 'classic', { explain: false })
  return 'type' in parsed ? { ok: true, program: parsed } : { ok: false, problem: parsed }
}

/** Parse as a module when possible (most browser JS is valid as both), else as a classic script. */
export function parseJsAnyMode(
  text: string,
): { ok: true; program: acorn.Program; mode: JsMode } | { ok: false; problem: SyntaxProblem } {
  const asModule = parseJs(text, 'module')
  if (asModule.ok) return { ...asModule, mode: 'module' }
  const asScript = parseJs(text, 'script')
  if (asScript.ok) return { ...asScript, mode: 'script' }
  return asModule
}

/** JS types a browser executes; other `<script type>`s (JSON, templates) are data, not code. */
export function scriptMode(type: string | undefined): JsMode | null {
  const kind = scriptKindOfType(type)
  return kind === 'module' ? 'module' : kind === 'classic' ? 'script' : null
}
