import type { SiteModel } from './model-types.js'

/** Fill `model.index`: the site-wide unions the cross-file rules consult. */
export function buildIndex(model: SiteModel): void {
  const ix = model.index
  for (const page of model.pages.values()) {
    for (const id of page.facts.ids.keys()) {
      ix.pageIds.add(id)
      ix.anyPageNames.add(id)
    }
    for (const id of page.facts.templateIds) ix.pageIds.add(id)
    for (const n of page.facts.names) ix.anyPageNames.add(n)
    for (const c of page.facts.classes) ix.pageClasses.add(c)
    if (page.openReason) ix.anyOpenPage = true
  }
  for (const unit of [...model.units, ...model.handlers]) {
    const a = unit.analysis
    if (!a.ok) continue
    for (const x of a.facts.createdIds) ix.createdIds.add(x)
    for (const x of a.facts.createdClasses) ix.createdClasses.add(x)
    for (const x of a.facts.idPatterns) ix.idPatterns.add(x)
    for (const x of a.facts.classPatterns) ix.classPatterns.add(x)
    for (const x of a.facts.stringTokens) ix.stringTokens.add(x)
    for (const x of a.facts.cssVarDefs) ix.cssVarDefs.add(x)
    for (const x of a.facts.windowGlobals) ix.anyScriptGlobals.add(x)
    if (unit.kind === 'classic') {
      for (const x of a.scope.topLevel) ix.anyScriptGlobals.add(x)
      for (const w of a.scope.unresolvedWrites) ix.anyScriptGlobals.add(w.name)
    }
  }
  for (const s of model.sheets) for (const v of s.facts.varDefs) ix.cssVarDefs.add(v)
}

export function emptyIndex(): SiteModel['index'] {
  return {
    pageIds: new Set(),
    pageClasses: new Set(),
    createdIds: new Set(),
    createdClasses: new Set(),
    idPatterns: new Set(),
    classPatterns: new Set(),
    stringTokens: new Set(),
    cssVarDefs: new Set(),
    anyScriptGlobals: new Set(),
    anyPageNames: new Set(),
    anyOpenPage: false,
  }
}
