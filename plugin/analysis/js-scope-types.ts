/**
 * What scope analysis returns and accepts: the public contract of js-scope.ts, kept apart
 * so that rules reading the result (`NameRef`) need not import the walker.
 */

/**
 * Lexical scope analysis of one parsed script: which names it declares at the top level
 * (what a classic script adds to the page's global scope), and which identifiers it reads
 * or writes without declaring them (what must come from the page, the browser, or is a
 * defect). Hand-written rather than acorn-walk's generic visitors because the *role* of
 * each identifier (binding, property key, label, reference) decides the answer, and
 * acorn-walk folds declarations and assignment targets into the same callback.
 */
export interface ScopeResult {
  /** Names declared in the program scope (var, function, let, const, class, imports). */
  topLevel: Set<string>
  /** Identifier reads not declared in any enclosing scope of the script. */
  unresolvedReads: NameRef[]
  /** Assignments to undeclared names; in sloppy classic scripts these create globals. */
  unresolvedWrites: NameRef[]
  /** Names used as `typeof x`: the code guards against them being undefined. */
  typeofNames: Set<string>
  /** `this` outside any function in a classic script is `window` (UMD wrappers pass it on). */
  topLevelThis: boolean
  /** Direct `eval(...)` or `with`: local scope can no longer be known. */
  dynamicScope: boolean
}

export interface NameRef {
  name: string
  /** Offset in the parsed text. */
  start: number
}

export interface AnalyzeOptions {
  /**
   * Extra names bound around the whole program (e.g. `event` for inline handlers).
   * @default none
   */
  outer?: Iterable<string>
  /**
   * Treat the program as a function body (inline handlers: `this` is the element).
   * @default false
   */
  asFunctionBody?: boolean
  /**
   * Globals the platform certainly has. A branch guarded by `typeof x` for any *other*
   * name (`typeof exports`, `typeof define`) probes the environment — UMD wrappers,
   * isomorphic code — and its free reads are not recorded: they run only where they exist.
   * @default an empty set (every `typeof` probe guards its branches)
   */
  knownGlobals?: ReadonlySet<string>
}
