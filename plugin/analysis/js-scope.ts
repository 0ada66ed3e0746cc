import type { Program } from 'acorn'
import { declareLexical, hoistVar } from './js-declarations.js'
import { makeRoot } from './js-scope-chain.js'
import type { Scope } from './js-scope-chain.js'
import type { AnalyzeOptions, ScopeResult } from './js-scope-types.js'
import { Walker } from './js-scope-walker.js'

export type { AnalyzeOptions, NameRef, ScopeResult } from './js-scope-types.js'

export function analyzeScopes(program: Program, options: AnalyzeOptions = {}): ScopeResult {
  const result: ScopeResult = {
    topLevel: new Set(),
    unresolvedReads: [],
    unresolvedWrites: [],
    typeofNames: new Set(),
    topLevelThis: false,
    dynamicScope: false,
  }
  const outer: Scope | undefined = options.outer ? makeRoot(new Set(options.outer)) : undefined
  const root: Scope = {
    names: result.topLevel,
    parent: outer,
    fn: undefined as unknown as Scope,
    inFunction: !!options.asFunctionBody,
    inWith: false,
  }
  root.fn = root
  hoistVar(program.body, root.names)
  declareLexical(program.body, root.names)
  const walker = new Walker(result, options.knownGlobals ?? new Set())
  for (const s of program.body) walker.visit(s, root)
  return result
}
