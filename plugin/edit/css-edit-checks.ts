import type postcss from 'postcss'
import type { Landed } from './engine.js'
import {
  type CssData,
  type CssDoc,
  GROUPING_AT_RULES,
  identityOf,
  kindOf,
  type Node,
  offsets,
} from './css-node-identity.js'
import { locatedAt, q } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Validating a stylesheet after the splice: no node may run across the boundary of a
 * landed region (unbalanced braces), and the identities that must stay unique (rule
 * selectors per nesting level, `@keyframes` and `@property` names) are counted here.
 */

export function check(
  _original: CssDoc,
  edited: CssDoc,
  landed: Landed<CssData>[],
  path: string,
): EditRejection | null {
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

export function identities(doc: CssDoc): Map<string, number[]> {
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
