import type postcss from 'postcss'
import { positionAt } from '../diagnostics/line-index.js'

import type { Chunk, EditContext, Engine, Landed, ListedChunk } from './engine.js'
import { fitIndentation } from './reindent.js'
import { parseCssText } from '../analysis/css-sheet.js'
import { indentBefore, listSome, locatedAt, nearMisses, q, squash } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * CSS chunks, located by postcss node offsets. Target syntax:
 * - a rule by its selector: `.card`, `.card:hover`, `:root`, `h1, h2`;
 * - an at-rule by name and prelude: `@media (max-width: 600px)`, `@keyframes fade`,
 *   `@font-face` (the prelude may be left out when only one at-rule has that name);
 * - a nested chunk as a path written like CSS: `@media (max-width: 600px) { .card }`;
 * - a declaration as the last path step: `.card { color }`;
 * - ` #N` after a step picks the Nth of several identical ones (`@font-face #2`) —
 *   `#2` can never be part of a real selector, so it cannot be misread.
 * An unqualified selector names the top-level rule; when no top-level rule has it, a
 * nested rule that is the only one with it is accepted too. Whitespace is not significant.
 */

type Node = postcss.ChildNode
type Container = postcss.Root | postcss.Rule | postcss.AtRule

export interface CssDoc {
  source: string
  root: postcss.Root
  /** Normalised identity per node, computed once: listing resolves every target against every node. */
  ids: Map<Node, string | null>
}

function idOf(doc: CssDoc, node: Node): string | null {
  let id = doc.ids.get(node)
  if (id === undefined) {
    id = identityOf(node)
    doc.ids.set(node, id)
  }
  return id
}
export interface CssData {
  node: postcss.Rule | postcss.AtRule | postcss.Declaration
}

interface Segment {
  text: string
  ordinal: number | null
}

/** Conditional group rules repeat legitimately (one `@media` per component); they are paths, not identities. */
const GROUPING_AT_RULES = new Set(['media', 'supports', 'container', 'layer', 'document', 'scope', 'starting-style'])

export function normSelector(s: string): string {
  return squash(s.replace(/\/\*[\s\S]*?\*\//g, ' '))
    .replace(/\s*([>+~,])\s*/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
}

function normParams(s: string): string {
  return squash(s)
    .replace(/\s*([:,])\s*/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
}

function identityOf(node: Node): string | null {
  if (node.type === 'rule') return normSelector(node.selector)
  if (node.type === 'atrule') return `@${node.name.toLowerCase()}${node.params ? ' ' + normParams(node.params) : ''}`
  if (node.type === 'decl') return node.prop.startsWith('--') ? node.prop : node.prop.toLowerCase()
  return null
}

/** How a step is written in a target: the source text with whitespace squashed. */
function displayOf(node: postcss.Rule | postcss.AtRule): string {
  return node.type === 'rule' ? squash(node.selector) : `@${node.name}${node.params ? ' ' + squash(node.params) : ''}`
}

function parseTarget(target: string): Segment[] | string {
  // Trailing braces are forgiven: `.card {` and `.card { color }` both name their chunk.
  const t = target
    .trim()
    .replace(/^css:\s*/i, '')
    .replace(/[\s{}]+$/, '')
  const parts: string[] = []
  let depth = 0
  let quote = ''
  let cur = ''
  for (const ch of t) {
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '(' || ch === '[') depth++
    else if (ch === ')' || ch === ']') depth--
    else if (ch === '{' && depth === 0) {
      parts.push(cur)
      cur = ''
      continue
    } else if (ch === '}' || ch === ';') return `unexpected ${JSON.stringify(ch)}`
    cur += ch
  }
  parts.push(cur)
  const segments: Segment[] = []
  for (const raw of parts) {
    const m = /^(.*?)\s+#(\d+)$/.exec(raw.trim())
    const text = (m ? m[1] : raw).trim()
    if (!text) return 'an empty step (write steps like `@media (max-width: 600px) { .card { color } }`)'
    segments.push({ text, ordinal: m ? Number(m[2]) : null })
  }
  return segments
}

const PROPERTY = /^(?:--|-?[a-zA-Z])[-\w]*$/

/** A step in comparable form: what `identityOf` would give for the node it names. */
interface Step {
  seg: Segment
  /** `@name` alone matches any prelude. */
  atName: string | null
  id: string
  decl: string | null
}

function toStep(seg: Segment): Step {
  const at = /^@([-\w]+)\s*([\s\S]*)$/.exec(seg.text)
  if (at)
    return {
      seg,
      atName: at[2] === '' ? at[1].toLowerCase() : null,
      id: `@${at[1].toLowerCase()}${at[2] ? ' ' + normParams(at[2]) : ''}`,
      decl: null,
    }
  return {
    seg,
    atName: null,
    id: normSelector(seg.text),
    decl: PROPERTY.test(seg.text) ? (seg.text.startsWith('--') ? seg.text : seg.text.toLowerCase()) : null,
  }
}

function stepMatches(doc: CssDoc, node: Node, step: Step, allowDecl: boolean): boolean {
  if (node.type === 'decl') return allowDecl && step.decl !== null && idOf(doc, node) === step.decl
  if (node.type === 'atrule')
    return step.atName !== null ? node.name.toLowerCase() === step.atName : idOf(doc, node) === step.id
  return node.type === 'rule' && !step.seg.text.startsWith('@') && idOf(doc, node) === step.id
}

function pick(nodes: Node[], seg: Segment): Node[] {
  if (seg.ordinal === null) return nodes
  return nodes[seg.ordinal - 1] ? [nodes[seg.ordinal - 1]] : []
}

function childrenOf(node: Node): Node[] {
  return node.type === 'rule' || node.type === 'atrule' ? (node.nodes ?? []) : []
}

/** All nodes the target's steps lead to (see the module comment for the rules). */
function resolve(doc: CssDoc, segments: Segment[]): Node[] {
  const [first, ...rest] = segments.map(toStep)
  const root = doc.root
  let found = root.nodes.filter((n) => stepMatches(doc, n, first, false))
  if (found.length === 0) {
    const deep: Node[] = []
    root.walk((n) => {
      if (n.parent !== root && stepMatches(doc, n, first, false)) deep.push(n)
    })
    found = deep
  }
  found = pick(found, first.seg)
  rest.forEach((step, i) => {
    const last = i === rest.length - 1
    const kids = found.flatMap(childrenOf)
    const decls = last ? kids.filter((n) => n.type === 'decl' && stepMatches(doc, n, step, true)) : []
    found = pick(
      decls.length > 0 ? decls : kids.filter((n) => n.type !== 'decl' && stepMatches(doc, n, step, false)),
      step.seg,
    )
  })
  return found
}

function offsets(node: Node): { start: number; end: number } {
  return { start: node.source!.start!.offset, end: node.source!.end!.offset }
}

function kindOf(node: Node): string {
  return node.type === 'rule' ? 'rule' : node.type === 'atrule' ? 'at-rule' : 'declaration'
}

/** The target that names `node`: its path from the top level, with ` #N` where a step repeats. */
function targetFor(node: postcss.Rule | postcss.AtRule): string {
  const steps: string[] = []
  let n: postcss.Rule | postcss.AtRule = node
  for (;;) {
    const container = n.parent as Container
    const id = identityOf(n)
    const same = (container.nodes ?? []).filter((s) => s.type === n.type && identityOf(s) === id)
    steps.unshift(same.length > 1 ? `${displayOf(n)} #${same.indexOf(n) + 1}` : displayOf(n))
    if (container.type === 'root') break
    n = container
  }
  return steps.length === 1 ? steps[0] : steps.join(' { ') + ' }'.repeat(steps.length - 1)
}

function list(doc: CssDoc): ListedChunk[] {
  const out: ListedChunk[] = []
  doc.root.walk((n) => {
    if (n.type !== 'rule' && n.type !== 'atrule') return
    if (n.parent?.type === 'atrule' && (n.parent as postcss.AtRule).name.toLowerCase().endsWith('keyframes')) return
    const target = targetFor(n)
    const segs = parseTarget(target)
    if (typeof segs === 'string') return
    const hit = resolve(doc, segs)
    if (hit.length !== 1 || hit[0] !== n) return
    out.push({ target, ...offsets(n), kind: kindOf(n) })
  })
  return out
}

function locate(doc: CssDoc, ctx: EditContext): Chunk<CssData> | EditRejection {
  const segs = parseTarget(ctx.target)
  if (typeof segs === 'string') {
    return reject(
      'invalid-target',
      `${ctx.path}: target ${q(ctx.target)} cannot be read: ${segs}. ` +
        `Use a selector (${q('.card')}), an at-rule (${q('@media (max-width: 600px)')}), a path (${q('@media (max-width: 600px) { .card }')}) or a declaration (${q('.card { color }')})`,
    )
  }
  const found = resolve(doc, segs)
  if (found.length === 1) {
    const node = found[0] as CssData['node']
    return { ...offsets(node), kind: kindOf(node), data: { node } }
  }
  const available = list(doc)
  if (found.length === 0) {
    const last = segs[segs.length - 1].text
    const hints: string[] = []
    const inList: string[] = []
    doc.root.walk((n) => {
      if (
        n.type === 'rule' &&
        n.selectors.length > 1 &&
        n.selectors.some((s) => normSelector(s) === normSelector(last))
      )
        inList.push(squash(n.selector))
    })
    if (inList.length > 0)
      hints.push(
        `${q(last)} only appears inside the selector list ${listSome([...new Set(inList)], 2)}; target that whole rule.`,
      )
    const near = nearMisses(
      ctx.target.trim(),
      available.map((a) => a.target),
    )
    if (near.length > 0) hints.push(`Did you mean ${listSome(near, 3)}?`)
    const hint = hints.length > 0 ? ` ${hints.join(' ')}` : ''
    return reject(
      'target-missing',
      `${ctx.path}: no rule, at-rule or declaration matches ${q(ctx.target.trim())}.${hint} Available targets: ${listSome(
        available.map((a) => a.target),
        12,
      )}`,
    )
  }
  const lines = found.slice(0, 6).map((n) => positionAt(doc.source, offsets(n).start).line)
  const named = found
    .slice(0, 3)
    .map((n) => available.find((a) => a.start === offsets(n).start)?.target)
    .filter((t): t is string => !!t)
  const hint =
    named.length > 0
      ? `name one of them, e.g. ${listSome(named, 3)}`
      : `name one of them with a path like ${q('@media (max-width: 600px) { .card }')} or a ${q(' #2')} suffix`
  return reject(
    'target-ambiguous',
    `${ctx.path}: target ${q(ctx.target.trim())} matches ${found.length} chunks (lines ${lines.join(', ')}${found.length > 6 ? ', …' : ''}); ${hint}`,
  )
}

/** Length of `selector {` / `@name params {` at the start of a block node's text. */
function headLength(node: postcss.Rule | postcss.AtRule): number {
  const raws = node.raws as {
    selector?: { raw: string }
    params?: { raw: string }
    between?: string
    afterName?: string
  }
  if (node.type === 'rule') return (raws.selector?.raw ?? node.selector).length + (raws.between ?? '').length + 1
  return (
    1 +
    node.name.length +
    (raws.afterName ?? '').length +
    (raws.params?.raw ?? node.params).length +
    (raws.between ?? '').length +
    1
  )
}

/** Replace only the block's content, keeping `selector {` and `}` and the whitespace around the content. */
function innerText(source: string, chunk: Chunk<CssData>, replacement: string): string {
  const node = chunk.data.node as postcss.Rule | postcss.AtRule
  const open = chunk.start + headLength(node)
  const close = chunk.end - 1
  const inner = source.slice(open, close)
  const lead = /^\s*/.exec(inner)![0]
  const trail = inner.trim() === '' ? '' : /\s*$/.exec(inner)![0]
  const indent = lead.includes('\n') ? lead.slice(lead.lastIndexOf('\n') + 1) : null
  const body =
    lead === '' && trail === ''
      ? ` ${fitIndentation(replacement, null)} `
      : lead + fitIndentation(replacement, indent) + trail
  return source.slice(chunk.start, open) + body + source.slice(close, chunk.end)
}

const KEYFRAME_SELECTOR = /^(?:from|to|\d+(?:\.\d+)?%)$/i

/**
 * Whether nodes are what goes inside an at-rule named `name`, so a content-only answer can
 * be wrapped in the original prelude: rules for grouping rules (`@media`), keyframe steps
 * for `@keyframes`, declarations for descriptor blocks (`@font-face`, `@page`).
 */
function isBlockContent(name: string, nodes: Node[]): boolean {
  if (GROUPING_AT_RULES.has(name)) return nodes.every((n) => n.type === 'rule' || n.type === 'atrule')
  if (name.endsWith('keyframes'))
    return nodes.every((n) => n.type === 'rule' && n.selectors.every((s) => KEYFRAME_SELECTOR.test(s.trim())))
  return nodes.every((n) => n.type === 'decl')
}

function selectorItems(rule: postcss.Rule): string[] {
  return rule.selectors.map(normSelector)
}

function shape(
  doc: CssDoc,
  chunk: Chunk<CssData>,
  replacement: string,
  ctx: EditContext,
): { ok: true; text: string } | EditRejection {
  const node = chunk.data.node
  const source = doc.source
  const indent = indentBefore(source, chunk.start)
  const label = `the replacement for ${q(ctx.target.trim())}`

  if (node.type === 'decl') {
    const parsed = parseCssText(`a{${replacement}}`)
    if (!parsed.ok)
      return reject(
        'does-not-parse',
        `${ctx.path}: ${label} does not parse as declarations: ${parsed.problem.message}. Send only declarations, like ${q(`${node.prop}: …;`)}`,
      )
    const kids = (parsed.root.nodes[0] as postcss.Rule).nodes.filter((n) => n.type !== 'comment')
    if (kids.length === 0 || kids.some((n) => n.type !== 'decl')) {
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} must be declarations only, like ${q(`${node.prop}: …;`)}, not rules`,
      )
    }
    const siblings = ((node.parent as Container).nodes ?? []).filter(
      (n): n is postcss.Declaration => n !== node && n.type === 'decl',
    )
    const repeated = kids.map((k) => identityOf(k)!).filter((p) => siblings.some((s) => identityOf(s) === p))
    if (repeated.length > 0) {
      const rule = node.parent as postcss.Rule | postcss.AtRule
      return reject(
        'overreach',
        `${ctx.path}: ${label} also sets ${listSome(repeated, 4)}, which the enclosing ${q(displayOf(rule))} block already sets outside the target; ` +
          `edit the whole block instead`,
      )
    }
    const needsSemicolon =
      source.slice(chunk.start, chunk.end).trimEnd().endsWith(';') && !replacement.trimEnd().endsWith(';')
    return { ok: true, text: fitIndentation(replacement + (needsSemicolon ? ';' : ''), indent) }
  }

  const parsed = parseCssText(replacement)
  // Unparsable text is spliced as-is: the whole-file parse then reports it with the file's own line numbers.
  if (!parsed.ok) return { ok: true, text: fitIndentation(replacement, indent) }
  const nodes = parsed.root.nodes.filter((n) => n.type !== 'comment')
  if (nodes.length === 0) return reject('empty-replacement', `${ctx.path}: ${label} contains only comments`)

  if (node.type === 'rule') {
    if (nodes.every((n) => n.type === 'decl')) return { ok: true, text: innerText(source, chunk, replacement) }
    if (nodes.some((n) => n.type === 'decl'))
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} mixes bare declarations with rules; send the whole ${q(displayOf(node))} rule`,
      )
    const rules = nodes.filter((n): n is postcss.Rule => n.type === 'rule')
    if (rules.length === 0)
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} must contain the ${q(displayOf(node))} rule; it has only at-rules`,
      )
    const own = selectorItems(node)
    if (nodes.length > 1 && !rules.some((r) => own.every((s) => selectorItems(r).includes(s)))) {
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} has ${nodes.length} rules but none for ${q(displayOf(node))}; keep the target's own rule (extra rules may follow it)`,
      )
    }
  } else {
    const name = node.name.toLowerCase()
    const same = nodes.filter((n): n is postcss.AtRule => n.type === 'atrule' && n.name.toLowerCase() === name)
    if (node.nodes !== undefined && same.length === 0 && isBlockContent(name, nodes))
      return { ok: true, text: innerText(source, chunk, replacement) }
    if (same.length === 0)
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} must be an @${node.name} rule (or, for a block, just its content)`,
      )
    if (nodes.length > 1 && !same.some((n) => normParams(n.params) === normParams(node.params))) {
      return reject(
        'wrong-kind',
        `${ctx.path}: ${label} has ${nodes.length} chunks but none is ${q(displayOf(node))}; keep the target itself (extra chunks may follow it)`,
      )
    }
  }
  return { ok: true, text: fitIndentation(replacement, indent) }
}

function check(_original: CssDoc, edited: CssDoc, landed: Landed<CssData>[], path: string): EditRejection | null {
  for (const l of landed) {
    let bad: Node | null = null
    edited.root.walk((n) => {
      if (bad || !n.source?.start || !n.source.end) return
      const { start, end } = offsets(n)
      const straddlesStart = start < l.start && end > l.start && end < l.end
      const straddlesEnd = start >= l.start && start < l.end && end > l.end
      if (straddlesStart || straddlesEnd) bad = n
    })
    if (bad) {
      const at = locatedAt(path, edited.source, offsets(bad).start)
      const label = landed.length > 1 ? `edit ${l.ordinal} (${q(l.target)})` : `the replacement for ${q(l.target)}`
      return reject(
        'does-not-parse',
        `${at.where}: ${label} is not self-contained: a ${kindOf(bad)} here runs across its boundary (unbalanced braces?)\n${at.frame}`,
      )
    }
  }
  return null
}

function identities(doc: CssDoc): Map<string, number[]> {
  const out = new Map<string, number[]>()
  doc.root.walk((n) => {
    if (n.type !== 'rule' && n.type !== 'atrule') return
    if (n.type === 'atrule' && !/keyframes$|^property$/i.test(n.name)) return
    const path: string[] = []
    for (let p = n.parent; p && p.type !== 'root'; p = p.parent) path.unshift(identityOf(p) ?? '')
    if (
      n.type === 'rule' &&
      n.parent?.type === 'atrule' &&
      !GROUPING_AT_RULES.has((n.parent as postcss.AtRule).name.toLowerCase()) &&
      !/keyframes$/i.test((n.parent as postcss.AtRule).name)
    )
      return
    const key = [...path, identityOf(n)].join(' { ')
    out.set(key, [...(out.get(key) ?? []), offsets(n).start])
  })
  return out
}

export const cssEngine: Engine<CssDoc, CssData> = {
  parse: (path, source) => {
    const r = parseCssText(source)
    if (r.ok) return { ok: true, doc: { source, root: r.root, ids: new Map() } }
    const at = locatedAt(path, source, r.problem.offset)
    return reject(
      'unparsable-source',
      `${at.where}: the stylesheet does not parse (${r.problem.message}), so its chunks cannot be located; fix the syntax error first\n${at.frame}`,
    )
  },
  reparse: (_original, path, result) => {
    const r = parseCssText(result)
    if (r.ok) return { ok: true, doc: { source: result, root: r.root, ids: new Map() } }
    const at = locatedAt(path, result, r.problem.offset)
    return reject(
      'does-not-parse',
      `${at.where}: after the edit the stylesheet does not parse: ${r.problem.message}\n${at.frame}`,
    )
  },
  locate,
  list,
  shape,
  check,
  identities,
  deletable: () => null,
}
