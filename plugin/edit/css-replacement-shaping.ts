import type postcss from 'postcss'
import type { Chunk, EditContext } from './engine.js'
import {
  type Container,
  type CssData,
  type CssDoc,
  displayOf,
  GROUPING_AT_RULES,
  identityOf,
  type Node,
  normParams,
  normSelector,
} from './css-node-identity.js'
import { fitIndentation } from './reindent.js'
import { parseCssText } from '../analysis/css-sheet.js'
import { indentBefore, listSome, q } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Shaping a CSS replacement before it is spliced: content-only answers (bare declarations
 * for a rule, rules for a grouping at-rule, keyframe steps, descriptors) become the block's
 * new content inside the original prelude and braces; a replacement of the wrong kind, or
 * one that redeclares rules or properties outside the target, is rejected.
 */

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

export function shape(
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
