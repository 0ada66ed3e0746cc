import type { Finding, Severity } from '../../diagnostics/diagnostic.js'
import { BROWSER_GLOBALS, isVendorPrefixed } from '../../analysis/known-names.js'
import type { PageModel, ScriptUnit, SiteModel } from '../site-model.js'

/** A checker rule: a pure function from the parsed site to findings. */
export type Rule = (model: SiteModel) => Finding[]

/** A finding at `offset` in `file`, converted to the file's 1-based line/column. */
export function findingAt(
  model: SiteModel,
  rule: string,
  severity: Severity,
  file: string,
  offset: number,
  message: string,
): Finding {
  const { line, column } = model.position(file, offset)
  return { rule, severity, file, line, column, message }
}

/** Offset in the unit's file of an offset inside the unit's code. */
export function fileOffset(unit: ScriptUnit, offset: number): number {
  return unit.offset + offset
}

/**
 * Is `name` reachable as a global on this page: a browser/JS built-in (vendor-prefixed ones included), a top-level
 * declaration (or implicit global) of one of its classic scripts, something a script put
 * on `window`, or an element id/name (named access on the window object)?
 */
export function isPageGlobal(page: PageModel, name: string): boolean {
  return (
    BROWSER_GLOBALS.has(name) ||
    isVendorPrefixed(name) ||
    page.classicGlobals.has(name) ||
    page.windowGlobals.has(name) ||
    page.facts.ids.has(name) ||
    page.facts.names.has(name)
  )
}

/** The pages that run a unit (empty for workers and scripts no page loads). */
export function pagesOf(_model: SiteModel, unit: ScriptUnit): readonly PageModel[] {
  return unit.pages.models()
}

/** Human list: `a, b and 3 more`. */
export function listNames(names: Iterable<string>, max = 6): string {
  const all = [...names]
  if (all.length === 0) return 'nothing'
  const shown = all.slice(0, max).join(', ')
  return all.length > max ? `${shown} and ${all.length - max} more` : shown
}

/** Edit distance, for "did you mean" hints on typos. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      cur.push(v)
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    prev = cur
  }
  return prev[b.length]
}

/** The closest candidate within `max` edits, for a "did you mean …?" hint. */
export function closest(name: string, candidates: Iterable<string>, max = 2): string | undefined {
  let best: string | undefined
  let bestD = max + 1
  for (const c of candidates) {
    const d = editDistance(name, c, max)
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c
      bestD = d
    }
  }
  return bestD <= max ? best : undefined
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates)
  return c ? ` (did you mean "${c}"?)` : ''
}
