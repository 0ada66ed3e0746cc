import { parse } from 'acorn'
import type { Program } from 'acorn'

import { analyzeScopes } from './js-scope.js'
import type { ScopeResult } from './js-scope.js'
import { collectFacts } from './js-facts.js'
import { ANY_SCRIPT_GLOBALS } from './known-names.js'
import type { JsFacts } from './js-facts.js'

/**
 * How a piece of JavaScript runs: a classic `<script>` (sloppy, shares the global scope),
 * a module (strict, own scope), or an inline `on*` handler (a function body with `event`).
 */
export type ScriptKind = 'classic' | 'module' | 'handler'

/** Why a script or stylesheet does not parse, at an offset of the parsed text (one type for checker, gate and editor, #11). */
export interface SyntaxProblem {
  message: string
  /** Offset in the parsed text. */
  offset: number
}

/** The acorn options every parse shares; the chunk editor adds its own for fragments. */
export const ACORN_BASE = { ecmaVersion: 'latest', allowHashBang: true, locations: false } as const

export type ScriptAnalysis =
  | { ok: true; kind: ScriptKind; scope: ScopeResult; facts: JsFacts }
  | { ok: false; kind: ScriptKind; error: SyntaxProblem }

/** Handler attributes receive `event` (`evt` in SVG) as their parameter. */
const HANDLER_PARAMS = ['event', 'evt']

/**
 * The one acorn wrapper (#11): parse `code` as it runs. `explain` adds a hint to the two
 * errors a classic script gets for module syntax; the chunk editor turns it off, so the
 * reasons it sends back to the model stay byte for byte what they were (cache keys).
 */
export function parseScript(
  code: string,
  kind: ScriptKind,
  options: { explain?: boolean } = {},
): Program | SyntaxProblem {
  try {
    return parse(code, {
      ...ACORN_BASE,
      sourceType: kind === 'module' ? 'module' : 'script',
      allowHashBang: kind !== 'handler',
      allowReturnOutsideFunction: kind === 'handler',
    })
  } catch (e) {
    return syntaxProblem(e, options.explain === false ? 'module' : kind)
  }
}

export function analyzeScript(code: string, kind: ScriptKind): ScriptAnalysis {
  const program = parseScript(code, kind)
  if (!('type' in program)) return { ok: false, kind, error: program }
  const scope = analyzeScopes(
    program,
    kind === 'handler'
      ? { outer: HANDLER_PARAMS, asFunctionBody: true, knownGlobals: ANY_SCRIPT_GLOBALS }
      : { knownGlobals: ANY_SCRIPT_GLOBALS },
  )
  // The tree is not kept: a site's analyses live as long as its check, their trees need not (#13, scale).
  return { ok: true, kind, scope, facts: collectFacts(program) }
}

function syntaxProblem(e: unknown, kind: ScriptKind): SyntaxProblem {
  // kind only decides the hints below: 'module' gets none.
  const err = e as { message?: string; pos?: number }
  // acorn appends " (line:col)" of the parsed snippet; our findings carry the file's own.
  let message = String(err.message ?? e).replace(/ \(\d+:\d+\)$/, '')
  if (kind === 'classic' && /may appear only with 'sourceType: module'/.test(message)) {
    message = `${message}: the script uses import/export but is loaded as a classic script (add type="module")`
  }
  if (kind === 'classic' && /Cannot use keyword 'await' outside an async function/.test(message)) {
    message = `${message}: top-level await needs a module script (type="module")`
  }
  return { message, offset: typeof err.pos === 'number' ? err.pos : 0 }
}
