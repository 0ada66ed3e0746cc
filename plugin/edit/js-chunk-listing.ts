import type * as acorn from 'acorn'
import * as walk from 'acorn-walk'

import { patternNames } from '../analysis/js-declarations.js'
import type { JsMode } from './syntax.js'

/**
 * Enumerating the chunks of a JS file: every declaration, member, top-level call and
 * `window.x = …` assignment acorn finds, with the keys a target may name it by, and the
 * names each list of statements declares. Locating a target, shaping a replacement and the
 * post-splice checks all read this one chunk shape, so it lives apart from each of them.
 */

export type AnyNode = acorn.AnyNode

export interface JsDoc {
  source: string
  program: acorn.Program
  mode: JsMode
  chunks: JsChunk[]
}

export type JsKind =
  'function' | 'class' | 'variable' | 'method' | 'property' | 'export-default' | 'call' | 'assignment'

export interface JsChunk {
  /** What a target may call it: names for declarations, `A.b` for members, call keys. */
  keys: string[]
  kind: JsKind
  start: number
  end: number
  /** Declared names this chunk introduces in its scope. */
  names: string[]
  exported: boolean
  declKind: 'function' | 'class' | 'const' | 'let' | 'var' | null
  level: 'top' | 'nested' | 'member'
  /** For a declarator that shares its statement with others (`let a = 1, b = 2`). */
  declarator: boolean
  /** For members: the class or object they belong to, and the node holding their siblings. */
  owner?: { name: string; type: 'class' | 'object'; members: AnyNode[] }
  /** For declarations inside functions: the statements of the block that declares them. */
  scope?: AnyNode[]
  /** Exported by an `export { name }` / `export { name as alias }` elsewhere in the module. */
  exportedVia?: boolean
  node: AnyNode
}

export type JsData = JsChunk

export function keyName(key: acorn.Expression | acorn.PrivateIdentifier): string | null {
  if (key.type === 'Identifier') return key.name
  if (key.type === 'PrivateIdentifier') return '#' + key.name
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value
  return null
}

/** `a.b.c` for a non-computed member chain (or identifier / `this`), else null. */
export function chainText(node: AnyNode): string | null {
  if (node.type === 'Identifier') return node.name
  if (node.type === 'ThisExpression') return 'this'
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    const obj = chainText(node.object)
    return obj ? `${obj}.${node.property.name}` : null
  }
  return null
}

/** `callee('first string arg')` — how a top-level call statement is named. */
export function callKey(call: AnyNode): string | null {
  if (call.type !== 'CallExpression') return null
  const callee = chainText(call.callee)
  if (!callee) return null
  const a = call.arguments[0]
  let arg = ''
  if (a && a.type === 'Literal' && typeof a.value === 'string') arg = `'${a.value}'`
  else if (a && a.type === 'TemplateLiteral' && a.expressions.length === 0) arg = `'${a.quasis[0].value.cooked ?? ''}'`
  return `${callee}(${arg})`
}

function isFunctionLike(node: AnyNode | null | undefined): boolean {
  return (
    !!node &&
    (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression' || node.type === 'ClassExpression')
  )
}

function memberChunks(owner: string, type: 'class' | 'object', members: AnyNode[]): JsChunk[] {
  const out: JsChunk[] = []
  for (const m of members) {
    const classMember = m.type === 'MethodDefinition' || m.type === 'PropertyDefinition'
    // Object literal members are chunks only when they hold a function (a method or a function value).
    const objectFunction = m.type === 'Property' && !m.computed && (m.method || isFunctionLike(m.value))
    if (!classMember && !objectFunction) continue
    const name = m.computed ? null : keyName(m.key)
    if (name === null) continue
    out.push({
      keys: [`${owner}.${name}`],
      kind: m.type === 'MethodDefinition' ? 'method' : 'property',
      start: m.start,
      end: m.end,
      names: [name],
      exported: false,
      declKind: null,
      level: 'member',
      declarator: false,
      owner: { name: owner, type, members },
      node: m,
    })
  }
  return out
}

function declarationChunks(decl: AnyNode, stmt: AnyNode, exported: boolean, level: 'top' | 'nested'): JsChunk[] {
  const base = { exported, level, declarator: false } as const
  if (decl.type === 'FunctionDeclaration' && decl.id) {
    return [
      {
        ...base,
        keys: [decl.id.name],
        kind: 'function',
        start: stmt.start,
        end: stmt.end,
        names: [decl.id.name],
        declKind: 'function',
        node: stmt,
      },
    ]
  }
  if (decl.type === 'ClassDeclaration' && decl.id) {
    const own: JsChunk = {
      ...base,
      keys: [decl.id.name],
      kind: 'class',
      start: stmt.start,
      end: stmt.end,
      names: [decl.id.name],
      declKind: 'class',
      node: stmt,
    }
    return level === 'top' ? [own, ...memberChunks(decl.id.name, 'class', decl.body.body)] : [own]
  }
  if (decl.type === 'VariableDeclaration') {
    const out: JsChunk[] = []
    const single = decl.declarations.length === 1
    for (const d of decl.declarations) {
      if (level === 'nested' && !isFunctionLike(d.init)) continue
      const names = patternNames(d.id)
      if (names.length === 0) continue
      const range = single ? stmt : d
      out.push({
        ...base,
        keys: names,
        kind: 'variable',
        start: range.start,
        end: range.end,
        names,
        declKind: decl.kind as 'const' | 'let' | 'var',
        declarator: !single,
        node: range,
      })
      if (level === 'top' && d.id.type === 'Identifier' && d.init?.type === 'ObjectExpression')
        out.push(...memberChunks(d.id.name, 'object', d.init.properties))
      if (level === 'top' && d.id.type === 'Identifier' && d.init?.type === 'ClassExpression')
        out.push(...memberChunks(d.id.name, 'class', d.init.body.body))
    }
    return out
  }
  return []
}

export function collect(program: acorn.Program): JsChunk[] {
  const out: JsChunk[] = []
  const topNodes = new Set<AnyNode>()
  for (const stmt of program.body) {
    topNodes.add(stmt)
    if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration) {
      topNodes.add(stmt.declaration)
      out.push(
        ...declarationChunks(
          stmt.declaration,
          stmt.declaration.type === 'VariableDeclaration' && stmt.declaration.declarations.length > 1
            ? stmt.declaration
            : stmt,
          true,
          'top',
        ),
      )
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration
      const name = (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id ? d.id.name : null
      topNodes.add(d)
      out.push({
        keys: ['export default', ...(name ? [name] : [])],
        kind: 'export-default',
        start: stmt.start,
        end: stmt.end,
        names: name ? [name] : [],
        exported: true,
        declKind: null,
        level: 'top',
        declarator: false,
        node: stmt,
      })
    } else if (stmt.type === 'ExpressionStatement') {
      const e = stmt.expression
      const key = callKey(e)
      if (key)
        out.push({
          keys: [key],
          kind: 'call',
          start: stmt.start,
          end: stmt.end,
          names: [],
          exported: false,
          declKind: null,
          level: 'top',
          declarator: false,
          node: stmt,
        })
      if (e.type === 'AssignmentExpression' && e.left.type === 'MemberExpression') {
        const left = chainText(e.left)
        if (left)
          out.push({
            keys: [left],
            kind: 'assignment',
            start: stmt.start,
            end: stmt.end,
            names: [],
            exported: false,
            declKind: null,
            level: 'top',
            declarator: false,
            node: stmt,
          })
      }
    } else {
      if (stmt.type === 'VariableDeclaration') topNodes.add(stmt)
      out.push(...declarationChunks(stmt, stmt, false, 'top'))
    }
  }
  // `export { a as b }`: `a`'s declaration is also the module's export `b`.
  for (const stmt of program.body) {
    if (stmt.type !== 'ExportNamedDeclaration' || stmt.declaration || stmt.source) continue
    for (const spec of stmt.specifiers) {
      if (spec.local.type !== 'Identifier') continue
      const local = spec.local.name
      const exported = spec.exported.type === 'Identifier' ? spec.exported.name : String(spec.exported.value)
      for (const c of out) {
        if (c.level !== 'top' || !c.names.includes(local)) continue
        c.exportedVia = true
        if (!c.keys.includes(exported)) c.keys.push(exported)
      }
    }
  }
  // Declarations inside functions: reachable by name when no top-level one has it.
  walk.fullAncestor(program, (node, _state, ancestors) => {
    if (topNodes.has(node)) return
    if (
      node.type === 'FunctionDeclaration' ||
      node.type === 'ClassDeclaration' ||
      node.type === 'VariableDeclaration'
    ) {
      const parent = ancestors[ancestors.length - 2] as AnyNode | undefined
      const scope =
        parent && (parent.type === 'BlockStatement' || parent.type === 'StaticBlock')
          ? (parent.body as AnyNode[])
          : undefined
      for (const c of declarationChunks(node, node, false, 'nested')) out.push({ ...c, scope })
    }
  })
  return out
}

/** Names every top-level statement declares (imports included), with where. */
export function topLevelNames(program: acorn.Program): Array<{ name: string; start: number; end: number }> {
  return declaredNames(program.body)
}

/** Names a list of statements declares at its own level (imports included), with where. */
export function declaredNames(statements: readonly AnyNode[]): Array<{ name: string; start: number; end: number }> {
  const out: Array<{ name: string; start: number; end: number }> = []
  for (const stmt of statements) {
    const decl: AnyNode | null | undefined =
      stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt
    if (!decl) continue
    if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id)
      out.push({ name: decl.id.name, start: stmt.start, end: stmt.end })
    else if (decl.type === 'VariableDeclaration')
      for (const d of decl.declarations)
        for (const n of patternNames(d.id)) out.push({ name: n, start: d.start, end: d.end })
    else if (decl.type === 'ImportDeclaration')
      for (const s of decl.specifiers) out.push({ name: s.local.name, start: stmt.start, end: stmt.end })
  }
  return out
}
