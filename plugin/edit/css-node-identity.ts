import type postcss from 'postcss'
import { squash } from './text.js'

/**
 * What a CSS node is, in comparable form: the parsed stylesheet (CssDoc) with its cached
 * identities, normalised selectors and preludes, how a step is displayed in a target, a
 * node's offsets and chunk kind. Locating, shaping and the uniqueness count all compare
 * nodes by these identities, so they live below all three.
 */

export type Node = postcss.ChildNode
export type Container = postcss.Root | postcss.Rule | postcss.AtRule

export interface CssDoc {
  source: string
  root: postcss.Root
  /** Normalised identity per node, computed once: listing resolves every target against every node. */
  ids: Map<Node, string | null>
}

export function idOf(doc: CssDoc, node: Node): string | null {
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

/** Conditional group rules repeat legitimately (one `@media` per component); they are paths, not identities. */
export const GROUPING_AT_RULES = new Set([
  'media',
  'supports',
  'container',
  'layer',
  'document',
  'scope',
  'starting-style',
])

export function normSelector(s: string): string {
  return squash(s.replace(/\/\*[\s\S]*?\*\//g, ' '))
    .replace(/\s*([>+~,])\s*/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
}

export function normParams(s: string): string {
  return squash(s)
    .replace(/\s*([:,])\s*/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')')
}

export function identityOf(node: Node): string | null {
  if (node.type === 'rule') return normSelector(node.selector)
  if (node.type === 'atrule') return `@${node.name.toLowerCase()}${node.params ? ' ' + normParams(node.params) : ''}`
  if (node.type === 'decl') return node.prop.startsWith('--') ? node.prop : node.prop.toLowerCase()
  return null
}

/** How a step is written in a target: the source text with whitespace squashed. */
export function displayOf(node: postcss.Rule | postcss.AtRule): string {
  return node.type === 'rule' ? squash(node.selector) : `@${node.name}${node.params ? ' ' + squash(node.params) : ''}`
}
export function offsets(node: Node): { start: number; end: number } {
  return { start: node.source!.start!.offset, end: node.source!.end!.offset }
}

export function kindOf(node: Node): string {
  return node.type === 'rule' ? 'rule' : node.type === 'atrule' ? 'at-rule' : 'declaration'
}
