/**
 * The chain of lexical scopes the walker builds: one scope per function, block, class or
 * catch clause, and the lookup that walks it outwards. Split from the walker so the data
 * structure and its three operations can be read on their own.
 */

export interface Scope {
  names: Set<string>
  parent: Scope | undefined
  /** Nearest function (or program) scope: where `var` goes. */
  fn: Scope
  /** Inside a function (not an arrow): `this` is no longer the global object. */
  inFunction: boolean
  /** Inside `with (obj) { … }`: any bare name may be a property of obj. */
  inWith: boolean
}

export function makeRoot(names: Set<string>): Scope {
  const s: Scope = { names, parent: undefined, fn: undefined as unknown as Scope, inFunction: false, inWith: false }
  s.fn = s
  return s
}

export function child(parent: Scope): Scope {
  return { names: new Set(), parent, fn: parent.fn, inFunction: parent.inFunction, inWith: parent.inWith }
}

export function isDeclared(name: string, scope: Scope | undefined): boolean {
  for (let s = scope; s; s = s.parent) if (s.names.has(name)) return true
  return false
}
