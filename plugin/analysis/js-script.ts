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

export interface SyntaxProblem {
  message: string
  /** Offset in the parsed text. */
  offset: number
}

export type ScriptAnalysis =
  | { ok: true; kind: ScriptKind; scope: ScopeResult; facts: JsFacts }
  | { ok: false; kind: ScriptKind; error: SyntaxProblem }

/** Handler attributes receive `event` (`evt` in SVG) as their parameter. */
const HANDLER_PARAMS = ['event', 'evt']

export function parseScript(code: string, kind: ScriptKind): Program | SyntaxProblem {
  try {
    return parse(code, {
      ecmaVersion: 'latest',
      sourceType: kind === 'module' ? 'module' : 'script',
      allowHashBang: kind !== 'handler',
      allowReturnOutsideFunction: kind === 'handler',
    })
  } catch (e) {
    return syntaxProblem(e, kind)
  }
}

export function analyzeScript(code: string, kind: ScriptKind): ScriptAnalysis {
  const program = parseScript(code, kind)
  if (!('type' in program)) return { ok: false, kind, error: program }
  const scope = analyzeScopes(
    program,
    kind === 'handler' ? { outer: HANDLER_PARAMS, asFunctionBody: true, knownGlobals: ANY_SCRIPT_GLOBALS } : { knownGlobals: ANY_SCRIPT_GLOBALS },
  )
  // The tree is not kept: a site's analyses live as long as its check, their trees need not (#13, scale).
  return { ok: true, kind, scope, facts: collectFacts(program) }
}

function syntaxProblem(e: unknown, kind: ScriptKind): SyntaxProblem {
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
