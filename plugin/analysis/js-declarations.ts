import type { ModuleDeclaration, Pattern, Statement } from 'acorn'

/**
 * Which names a piece of JavaScript declares: the names a binding pattern binds, the `var`s
 * (and Annex B block functions) hoisted to a function, and the lexical declarations of a
 * block. Shared by the checker's scope analysis (js-scope.ts), its module facts
 * (js-facts.ts) and the chunk editor's JS targets (plugin/edit/js-chunks.ts).
 */
type Stmt = Statement | ModuleDeclaration

/** Names bound by a pattern (`a`, `{ b, c: [d] }`, `...e`, `f = 1`). */
export function patternNames(p: Pattern | null | undefined, out: string[] = []): string[] {
  if (!p) return out
  switch (p.type) {
    case 'Identifier':
      out.push(p.name)
      break
    case 'ObjectPattern':
      for (const prop of p.properties) patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out)
      break
    case 'ArrayPattern':
      for (const el of p.elements) patternNames(el, out)
      break
    case 'AssignmentPattern':
      patternNames(p.left, out)
      break
    case 'RestElement':
      patternNames(p.argument, out)
      break
    default:
      break
  }
  return out
}

/**
 * `var` declarations and (Annex B, sloppy mode) block-level function declarations belong
 * to the enclosing function. Walk statements without entering nested functions.
 */
export function hoistVar(body: readonly (Stmt | null | undefined)[], fn: Set<string>): void {
  for (const s of body) if (s) hoistVarIn(s, fn, false)
}

function hoistVarIn(s: Stmt, fn: Set<string>, nested: boolean): void {
  switch (s.type) {
    case 'VariableDeclaration':
      if (s.kind === 'var') for (const d of s.declarations) for (const n of patternNames(d.id)) fn.add(n)
      break
    case 'FunctionDeclaration':
      if (nested && s.id) fn.add(s.id.name)
      break
    case 'ExportNamedDeclaration':
      if (s.declaration) hoistVarIn(s.declaration, fn, nested)
      break
    case 'BlockStatement':
      for (const x of s.body) hoistVarIn(x, fn, true)
      break
    case 'IfStatement':
      hoistVarIn(s.consequent, fn, true)
      if (s.alternate) hoistVarIn(s.alternate, fn, true)
      break
    case 'ForStatement':
      if (s.init && s.init.type === 'VariableDeclaration') hoistVarIn(s.init, fn, true)
      hoistVarIn(s.body, fn, true)
      break
    case 'ForInStatement':
    case 'ForOfStatement':
      if (s.left.type === 'VariableDeclaration') hoistVarIn(s.left, fn, true)
      hoistVarIn(s.body, fn, true)
      break
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      hoistVarIn(s.body, fn, true)
      break
    case 'TryStatement':
      hoistVarIn(s.block, fn, true)
      if (s.handler) hoistVarIn(s.handler.body, fn, true)
      if (s.finalizer) hoistVarIn(s.finalizer, fn, true)
      break
    case 'SwitchStatement':
      for (const c of s.cases) for (const x of c.consequent) hoistVarIn(x, fn, true)
      break
    default:
      break
  }
}

/** let/const/class/function (and `using`) declared directly in a block's statement list. */
export function declareLexical(body: readonly (Stmt | null | undefined)[], scope: Set<string>): void {
  for (const s of body) {
    if (!s) continue
    const decl =
      s.type === 'ExportNamedDeclaration' ? s.declaration : s.type === 'ExportDefaultDeclaration' ? s.declaration : s
    if (!decl) continue
    if (decl.type === 'VariableDeclaration' && decl.kind !== 'var') {
      for (const d of decl.declarations) for (const n of patternNames(d.id)) scope.add(n)
    } else if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id) {
      scope.add(decl.id.name)
    } else if (s.type === 'ImportDeclaration') {
      for (const sp of s.specifiers) scope.add(sp.local.name)
    }
  }
}
