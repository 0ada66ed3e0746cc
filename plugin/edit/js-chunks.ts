import * as acorn from 'acorn'
import { positionAt } from '../diagnostics/line-index.js'
import * as walk from 'acorn-walk'

import type { Chunk, EditContext, Engine, Landed, ListedChunk } from './engine.js'
import { patternNames } from '../analysis/js-declarations.js'
import { fitIndentation } from './reindent.js'
import { ACORN_BASE } from '../analysis/js-script.js'
import { parseJs, parseJsAnyMode, type JsMode } from './syntax.js'
import { indentBefore, listSome, locatedAt, nearMisses, q } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * JS chunks, located by acorn node ranges. Target syntax:
 * - a declared name: `init`, `renderCards`, `App`, `state` — top-level first; when no
 *   top-level declaration has the name, a function/class (or `const f = () => …`) declared
 *   inside another function that is the only one with that name (code wrapped in an IIFE
 *   or a `DOMContentLoaded` handler stays editable);
 * - with a keyword to narrow it: `function init`, `class App`, `const state`, `export init`;
 * - `export default` (or `default`);
 * - a member: `App.render` (class method/field), `app.save` (a function-valued property
 *   of a top-level object literal), `window.app` (a top-level `window.app = …` statement);
 * - a top-level call statement by callee and first string argument:
 *   `document.addEventListener('DOMContentLoaded')`, `init()`.
 * A declaration's chunk is the whole statement, `export` included, so the replacement is
 * written the way `locateChunk().text` shows it. The name of a declaration is its
 * interface (HTML handlers and other modules call it), so a replacement must keep it.
 */

type AnyNode = acorn.AnyNode

export interface JsDoc {
  source: string
  program: acorn.Program
  mode: JsMode
  chunks: JsChunk[]
}

type JsKind = 'function' | 'class' | 'variable' | 'method' | 'property' | 'export-default' | 'call' | 'assignment'

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

function keyName(key: acorn.Expression | acorn.PrivateIdentifier): string | null {
  if (key.type === 'Identifier') return key.name
  if (key.type === 'PrivateIdentifier') return '#' + key.name
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value
  return null
}

/** `a.b.c` for a non-computed member chain (or identifier / `this`), else null. */
function chainText(node: AnyNode): string | null {
  if (node.type === 'Identifier') return node.name
  if (node.type === 'ThisExpression') return 'this'
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    const obj = chainText(node.object)
    return obj ? `${obj}.${node.property.name}` : null
  }
  return null
}

/** `callee('first string arg')` — how a top-level call statement is named. */
function callKey(call: AnyNode): string | null {
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

function collect(program: acorn.Program): JsChunk[] {
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
function topLevelNames(program: acorn.Program): Array<{ name: string; start: number; end: number }> {
  return declaredNames(program.body)
}

/** Names a list of statements declares at its own level (imports included), with where. */
function declaredNames(statements: readonly AnyNode[]): Array<{ name: string; start: number; end: number }> {
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

interface Query {
  text: string
  match: (c: JsChunk) => boolean
  /** Declarations inside functions are only searched for plain names. */
  nestedFallback: boolean
}

function readTarget(target: string): Query | string {
  const t = target
    .trim()
    .replace(/^js:\s*/i, '')
    .replace(/\s+/g, ' ')
    .replace(/;$/, '')
  if (/^(export )?default$/.test(t))
    return { text: t, match: (c: JsChunk) => c.kind === 'export-default', nestedFallback: false }
  const kw = /^(export )?(?:async )?(function\*?|class|const|let|var) ([\w$]+)$/.exec(t)
  if (kw) {
    const want = kw[2].replace('*', '')
    return {
      text: t,
      match: (c: JsChunk) =>
        c.keys.includes(kw[3]) &&
        c.level !== 'member' &&
        c.kind !== 'call' &&
        c.kind !== 'assignment' &&
        (c.declKind === want || (c.kind === 'export-default' && (want === 'function' || want === 'class'))) &&
        (!kw[1] || c.exported),
      nestedFallback: !kw[1],
    }
  }
  const exp = /^export ([\w$]+)$/.exec(t)
  if (exp)
    return {
      text: t,
      match: (c: JsChunk) => (c.exported || !!c.exportedVia) && c.keys.includes(exp[1]),
      nestedFallback: false,
    }
  if (/^[\w$]+$/.test(t))
    return {
      text: t,
      match: (c: JsChunk) => c.level !== 'member' && c.kind !== 'call' && c.kind !== 'assignment' && c.keys.includes(t),
      nestedFallback: true,
    }
  if (/^[\w$]+(?:\.#?[\w$]+)+$/.test(t))
    return {
      text: t,
      match: (c: JsChunk) => (c.level === 'member' || c.kind === 'assignment') && c.keys.includes(t),
      nestedFallback: false,
    }
  if (t.includes('(')) {
    let key: string | null = null
    try {
      key = callKey(acorn.parseExpressionAt(t, 0, { ecmaVersion: 'latest' }))
    } catch {
      key = null
    }
    if (!key)
      return `${JSON.stringify(t)} is not a call like ${q("document.addEventListener('DOMContentLoaded')")} or ${q('init()')}`
    return { text: t, match: (c: JsChunk) => c.kind === 'call' && c.keys.includes(key), nestedFallback: false }
  }
  return `${JSON.stringify(t)} is not a name, ${q('Class.method')}, ${q('export default')} or call`
}

function resolve(doc: JsDoc, query: Query): JsChunk[] {
  const unique = (cs: JsChunk[]): JsChunk[] =>
    cs.filter((c, i) => cs.findIndex((o) => o.start === c.start && o.end === c.end) === i)
  const direct = unique(doc.chunks.filter((c) => c.level !== 'nested' && query.match(c)))
  if (direct.length > 0 || !query.nestedFallback) return direct
  return unique(doc.chunks.filter((c) => c.level === 'nested' && query.match(c)))
}

function list(doc: JsDoc): ListedChunk[] {
  const out: ListedChunk[] = []
  const seen = new Set<string>()
  for (const c of doc.chunks) {
    for (const key of c.keys) {
      if (seen.has(key)) continue
      const query = readTarget(key)
      if (typeof query === 'string') continue
      const hit = resolve(doc, query)
      if (hit.length !== 1 || hit[0].start !== c.start) continue
      seen.add(key)
      out.push({ target: key, start: c.start, end: c.end, kind: c.kind })
    }
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end)
}

function locate(doc: JsDoc, ctx: EditContext): Chunk<JsData> | EditRejection {
  const query = readTarget(ctx.target)
  if (typeof query === 'string') {
    return reject('invalid-target', `${ctx.path}: target ${q(ctx.target.trim())} cannot be read: ${query}`)
  }
  const found = resolve(doc, query)
  if (found.length === 1) return { start: found[0].start, end: found[0].end, kind: found[0].kind, data: found[0] }
  const available = list(doc).map((c) => c.target)
  if (found.length === 0) {
    // `init()` for the function `init`, `let THEME_KEY` for a const: point at the name that exists.
    const bare = query.text
      .replace(/\(\)$/, '')
      .replace(/^(?:export )?(?:default )?(?:async )?(?:function\*?|class|const|let|var|export) /, '')
    const alt =
      bare !== query.text && available.includes(bare)
        ? ` ${q(bare)} exists but is not ${q(query.text)}; target ${q(bare)}.`
        : ''
    const near = nearMisses(query.text, available)
    const hint = near.length > 0 ? ` Did you mean ${listSome(near, 3)}?` : ''
    return reject(
      'target-missing',
      `${ctx.path}: nothing named ${q(ctx.target.trim())} is declared here.${alt}${hint} Available targets: ${listSome(available, 12)}`,
    )
  }
  const lines = found.slice(0, 6).map((c) => positionAt(doc.source, c.start).line)
  const owner = found.find((c) => c.owner)?.owner
  const hint = owner
    ? `a getter and setter (or two members) share that name; edit the whole ${owner.type} ${q(owner.name)} instead`
    : found.some((c) => c.kind === 'call')
      ? 'the same call appears more than once; edit the declaration it calls, or the function around the calls'
      : `narrow it with a keyword (${q('function ' + query.text)}, ${q('const ' + query.text)}) or ${q('export ' + query.text)}, or rename one of them`
  return reject(
    'target-ambiguous',
    `${ctx.path}: target ${q(ctx.target.trim())} matches ${found.length} chunks (lines ${lines.join(', ')}${found.length > 6 ? ', …' : ''}); ${hint}`,
  )
}

/** Names a standalone program declares at its top level, and whether each is exported there. */
function declaredIn(program: acorn.Program): Map<string, { exported: boolean; kind: string }> {
  const out = new Map<string, { exported: boolean; kind: string }>()
  for (const stmt of program.body) {
    const exported = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration'
    const decl = exported ? stmt.declaration : stmt
    if (stmt.type === 'ExportNamedDeclaration' && !stmt.declaration) {
      for (const s of stmt.specifiers)
        if (s.local.type === 'Identifier')
          out.set(s.local.name, { exported: true, kind: out.get(s.local.name)?.kind ?? 'export' })
    }
    if (!decl) continue
    if ((decl.type === 'FunctionDeclaration' || decl.type === 'ClassDeclaration') && decl.id)
      out.set(decl.id.name, { exported, kind: decl.type === 'FunctionDeclaration' ? 'function' : 'class' })
    else if (decl.type === 'VariableDeclaration')
      for (const d of decl.declarations)
        for (const n of patternNames(d.id))
          out.set(n, { exported: exported || !!out.get(n)?.exported, kind: decl.kind })
  }
  return out
}

function parseLenient(text: string, mode: JsMode): acorn.Program | null {
  try {
    return acorn.parse(text, {
      ...ACORN_BASE,
      sourceType: mode,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowSuperOutsideMethod: true,
      allowImportExportEverywhere: false,
    })
  } catch {
    return null
  }
}

function shape(
  doc: JsDoc,
  chunk: Chunk<JsData>,
  replacement: string,
  ctx: EditContext,
): { ok: true; text: string } | EditRejection {
  const c = chunk.data
  const indent = indentBefore(doc.source, chunk.start)
  const label = `the replacement for ${q(ctx.target.trim())}`
  const spliced = (text: string): { ok: true; text: string } => ({ ok: true, text: fitIndentation(text, indent) })

  if (c.level === 'member') {
    // Members are checked inside a stand-in class/object; the original comma after the region stays.
    const text = c.owner!.type === 'object' ? replacement.replace(/,\s*$/, '') : replacement
    // The stand-in class declares the private names the real class declares elsewhere, so `this.#x` parses.
    const privates = c
      .owner!.members.filter((m) => m !== c.node && 'key' in m && m.key?.type === 'PrivateIdentifier')
      .map((m) => `#${((m as acorn.PropertyDefinition).key as acorn.PrivateIdentifier).name};`)
    const program =
      c.owner!.type === 'class'
        ? parseLenient(`(class {\n${privates.join('')}\n${text}\n})`, doc.mode)
        : parseLenient(`({\n${text}\n})`, doc.mode)
    if (!program) return spliced(text)
    const expr = (program.body[0] as acorn.ExpressionStatement).expression
    const members: AnyNode[] =
      expr.type === 'ClassExpression'
        ? expr.body.body.slice(privates.length)
        : expr.type === 'ObjectExpression'
          ? expr.properties
          : []
    const names = members.map((m) =>
      'key' in m && m.key && !('computed' in m && m.computed) ? keyName(m.key as acorn.Expression) : null,
    )
    const own = c.names[0]
    if (!names.includes(own))
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} must still define ${q(own)} (other code calls it); ` +
          `it defines ${
            listSome(
              names.filter((n): n is string => !!n),
              4,
            ) || 'nothing'
          }`,
      )
    const others = c
      .owner!.members.filter((m) => m !== c.node)
      .map((m) => ('key' in m && m.key ? keyName(m.key as acorn.Expression) : null))
    const repeated = names.filter((n, i) => n && n !== own && others.includes(n) && names.indexOf(n) === i) as string[]
    if (repeated.length > 0)
      return reject(
        'overreach',
        `${ctx.path}: ${label} also defines ${listSome(repeated, 4)}, which ${q(c.owner!.name)} already has outside the target; send only ${q(own)}`,
      )
    return spliced(text)
  }

  if (c.declarator) {
    const text = replacement.replace(new RegExp(`^${c.declKind}\\s+`), '').replace(/;\s*$/, '')
    const program = parseLenient(`${c.declKind} ${text};`, doc.mode)
    if (!program) return spliced(text)
    const names = [...declaredIn(program).keys()]
    if (!c.names.every((n) => names.includes(n)))
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} must still declare ${listSome(c.names)}; it declares ${listSome(names, 4) || 'nothing'}`,
      )
    return spliced(text)
  }

  const program = parseLenient(replacement, doc.mode)
  // Text that does not parse on its own is spliced anyway: the whole-file parse then reports it with the file's line numbers.
  if (!program) return spliced(replacement)
  const declared = declaredIn(program)

  if (c.kind === 'export-default' && !program.body.some((s) => s.type === 'ExportDefaultDeclaration')) {
    return reject('wrong-kind', `${ctx.path}: ${label} must contain the ${q('export default …')} declaration`)
  }
  if (c.kind === 'call' || c.kind === 'assignment') {
    const keys = program.body.flatMap((s) =>
      s.type === 'ExpressionStatement'
        ? [callKey(s.expression), s.expression.type === 'AssignmentExpression' ? chainText(s.expression.left) : null]
        : [],
    )
    if (!keys.includes(c.keys[0]))
      return reject('wrong-kind', `${ctx.path}: ${label} must still be the ${q(c.keys[0])} statement`)
  }
  for (const name of c.names) {
    const d = declared.get(name)
    if (!d) {
      const other = [...declared.keys()]
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} does not declare ${q(name)}${other.length > 0 ? ` (it declares ${listSome(other, 4)})` : ''}; keep the name — other code refers to it`,
      )
    }
    if (c.exported && c.kind !== 'export-default' && !d.exported) {
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} drops ${q('export')} from ${q(name)}; importers of this module rely on it — keep ${q('export')}`,
      )
    }
  }
  const scope = c.level === 'top' ? doc.program.body : c.scope
  if (scope) {
    const outside = declaredNames(scope).filter((n) => n.end <= chunk.start || n.start >= chunk.end)
    const repeated = [...declared.keys()]
      .filter((n) => !c.names.includes(n))
      .map((n) => outside.find((o) => o.name === n))
      .filter((o): o is { name: string; start: number; end: number } => !!o)
    if (repeated.length > 0) {
      const shown = repeated.map((r) => `${q(r.name)} (line ${positionAt(doc.source, r.start).line})`)
      return reject(
        'overreach',
        `${ctx.path}: ${label} also declares ${listSome(shown, 5, false)}, which already ${repeated.length === 1 ? 'exists' : 'exist'} outside the target; ` +
          `send only the ${q(ctx.target.trim())} chunk, not the code around it`,
      )
    }
  }
  return spliced(replacement)
}

function check(_original: JsDoc, edited: JsDoc, landed: Landed<JsData>[], path: string): EditRejection | null {
  for (const l of landed) {
    let bad: AnyNode | null = null
    walk.full(edited.program, (n) => {
      if (bad) return
      const straddlesStart = n.start < l.start && n.end > l.start && n.end < l.end
      const straddlesEnd = n.start >= l.start && n.start < l.end && n.end > l.end
      if (straddlesStart || straddlesEnd) bad = n
    })
    if (bad) {
      const node = bad as AnyNode
      const at = locatedAt(path, edited.source, node.start < l.start ? l.start : l.end)
      const label = landed.length > 1 ? `edit ${l.ordinal} (${q(l.target)})` : `the replacement for ${q(l.target)}`
      return reject(
        'does-not-parse',
        `${at.where}: ${label} runs into the code around it (a ${node.type} crosses its boundary — a missing semicolon or bracket?)\n${at.frame}`,
      )
    }
  }
  return null
}

function identities(doc: JsDoc): Map<string, number[]> {
  const out = new Map<string, number[]>()
  const add = (key: string, at: number): void => void out.set(key, [...(out.get(key) ?? []), at])
  for (const n of topLevelNames(doc.program)) add(n.name, n.start)
  for (const c of doc.chunks) {
    if (c.level !== 'member') continue
    const m = c.node
    const accessor = m.type === 'MethodDefinition' && (m.kind === 'get' || m.kind === 'set') ? `${m.kind} ` : ''
    const isStatic = 'static' in m && m.static ? 'static ' : ''
    add(`${c.owner!.name}.${isStatic}${accessor}${c.names[0]}`, c.start)
  }
  return out
}

function parseDoc(source: string, program: acorn.Program, mode: JsMode): JsDoc {
  return { source, program, mode, chunks: collect(program) }
}

export const jsEngine: Engine<JsDoc, JsData> = {
  parse: (path, source) => {
    const r = parseJsAnyMode(source)
    if (r.ok) return { ok: true, doc: parseDoc(source, r.program, r.mode) }
    const at = locatedAt(path, source, r.problem.offset)
    return reject(
      'unparsable-source',
      `${at.where}: the script does not parse (${r.problem.message}), so its chunks cannot be located; fix the syntax error first\n${at.frame}`,
    )
  },
  reparse: (original, path, result) => {
    const r = parseJs(result, original.mode)
    if (r.ok) return { ok: true, doc: parseDoc(result, r.program, original.mode) }
    const at = locatedAt(path, result, r.problem.offset)
    return reject(
      'does-not-parse',
      `${at.where}: after the edit the script does not parse as a ${original.mode === 'module' ? 'module' : 'classic script'}: ${r.problem.message}\n${at.frame}`,
    )
  },
  locate,
  list,
  shape,
  check,
  identities,
  deletable: () => null,
  commaSeparated: (chunk) => chunk.data.declarator || chunk.data.owner?.type === 'object',
}
