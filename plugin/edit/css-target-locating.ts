import type postcss from 'postcss'
import { positionAt } from '../diagnostics/line-index.js'
import type { Chunk, EditContext, ListedChunk } from './engine.js'
import {
  type Container,
  type CssData,
  type CssDoc,
  displayOf,
  identityOf,
  idOf,
  kindOf,
  type Node,
  normParams,
  normSelector,
  offsets,
} from './css-node-identity.js'
import { listSome, nearMisses, q, squash } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Locating a CSS target: reading a target path (`@media (…) { .card { color } }`, ` #N`)
 * into steps, resolving them against the stylesheet (top level first, then the nested
 * fallback), the targets the file offers, and the reasons given to the model when a
 * target names nothing or more than one chunk.
 */

interface Segment {
  text: string
  ordinal: number | null
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

export function list(doc: CssDoc): ListedChunk[] {
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

export function locate(doc: CssDoc, ctx: EditContext): Chunk<CssData> | EditRejection {
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
