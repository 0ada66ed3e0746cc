import type { Finding } from '../../diagnostics/diagnostic.js'
import { matchesPattern } from '../../analysis/html-strings.js'
import type { SiteModel } from '../site-model.js'
import { didYouMean, findingAt } from './shared.js'

/**
 * missing-class: `querySelector('.x')` / `getElementsByClassName('x')` where class `x`
 * appears in no page's markup (templates included), is added by no script and is not
 * even a string in any script (a class kept in a constant may be added later).
 */
export function missingClass(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const ix = model.index
  const patterns = [...ix.classPatterns]
  for (const unit of [...model.units, ...model.handlers]) {
    // No DOM in a worklet; nothing shows which page runs an unlinked script (#13).
    if (!unit.analysis.ok || unit.context.kind === 'unlinked' || unit.context.kind === 'worklet') continue
    for (const l of unit.analysis.facts.classLookups) {
      const c = l.name
      if (ix.pageClasses.has(c) || ix.createdClasses.has(c) || ix.stringTokens.has(c)) continue
      if (patterns.some((p) => matchesPattern(c, p))) continue
      const hint = didYouMean(c, [...ix.pageClasses, ...ix.createdClasses])
      const shown = l.method === 'getElementsByClassName' ? c : `.${c}`
      out.push(
        findingAt(
          model,
          'missing-class',
          l.single ? 'error' : 'warning',
          unit.file,
          unit.offset + l.start,
          `${l.method}("${shown}"): class "${c}" is in no page and no script adds it${hint}`,
        ),
      )
    }
  }
  return out
}
