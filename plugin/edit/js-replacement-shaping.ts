import * as acorn from 'acorn'
import { positionAt } from '../diagnostics/line-index.js'

import type { Chunk, EditContext } from './engine.js'
import { patternNames } from '../analysis/js-declarations.js'
import { fitIndentation } from './reindent.js'
import { ACORN_BASE } from '../analysis/js-script.js'
import { type JsMode } from './syntax.js'
import {
  callKey,
  chainText,
  declaredNames,
  keyName,
  type AnyNode,
  type JsData,
  type JsDoc,
} from './js-chunk-listing.js'
import { indentBefore, listSome, q } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * Shaping a JS replacement before it is spliced: the replacement is parsed on its own
 * (members inside a stand-in class or object, declarators inside a stand-in declaration)
 * and rejected when it is of the wrong kind, drops the target's name or its `export`, or
 * redeclares names that exist outside the target; otherwise it is reindented to the region.
 */

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

export function shape(
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
