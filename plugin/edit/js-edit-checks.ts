import * as walk from 'acorn-walk'

import type { Landed } from './engine.js'
import { topLevelNames, type AnyNode, type JsData, type JsDoc } from './js-chunk-listing.js'
import { locatedAt, q } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * Validating a JS file after the splice: no node may cross the boundary of a landed region
 * (a missing semicolon or bracket), and the identities that must stay unique (top-level
 * names, class members) are counted here so the orchestrator can spot a repeated chunk.
 */

export function check(_original: JsDoc, edited: JsDoc, landed: Landed<JsData>[], path: string): EditRejection | null {
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

export function identities(doc: JsDoc): Map<string, number[]> {
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
