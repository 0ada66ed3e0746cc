import type { Finding } from '../../diagnostics/diagnostic.js'
import { matchesPattern } from '../../analysis/html-strings.js'
import type { ScriptUnit, SiteModel } from '../site-model.js'
import { didYouMean, findingAt, pagesOf } from './shared.js'

/**
 * missing-element: `getElementById('x')` / `querySelector('#x')` where no page that runs
 * the script has an element with id `x` (templates included) and no script creates one.
 * A shared script may look up ids only some of its pages have — that is fine; only an id
 * that exists on none of them is a defect. Computed ids are unknowable and skipped.
 */
export function missingElement(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const ix = model.index
  for (const unit of [...model.units, ...model.handlers]) {
    // No DOM in a worklet; nothing shows which page runs an unlinked script (#13).
    if (!unit.analysis.ok || unit.context.kind === 'unlinked' || unit.context.kind === 'worklet') continue
    const lookups = unit.analysis.facts.idLookups
    if (lookups.length === 0) continue
    const has = idsVisibleTo(model, unit)
    for (const l of lookups) {
      const id = l.name
      if (!id || has(id) || ix.createdIds.has(id) || ix.stringTokens.has(id)) continue
      if ([...ix.idPatterns].some((p) => matchesPattern(id, p))) continue
      const pages = pagesOf(model, unit)
      const where =
        pages.length === 1
          ? pages[0].file
          : pages.length > 1
            ? `any of the ${pages.length} pages that load it`
            : 'any page'
      const hint = didYouMean(id, pages.length > 0 ? pages.flatMap((p) => [...p.facts.ids.keys()]) : ix.pageIds)
      out.push(
        findingAt(
          model,
          'missing-element',
          l.single ? 'error' : 'warning',
          unit.file,
          unit.offset + l.start,
          `${l.method}("${l.method === 'getElementById' ? id : `#${id}`}"): no element with id "${id}" in ${where}, and no script creates one${hint}`,
        ),
      )
    }
  }
  return out
}

function idsVisibleTo(model: SiteModel, unit: ScriptUnit): (id: string) => boolean {
  const pages = pagesOf(model, unit)
  // Scripts that parse fetched documents or iframes may look up ids of any page.
  const readsOthers = pages.some((p) => p.readsOtherDocuments)
  if (pages.length === 0 || readsOthers) return (id) => model.index.pageIds.has(id)
  return (id) => pages.some((p) => p.facts.ids.has(id) || p.facts.templateIds.has(id))
}
