import type { PageModel, ScriptGroup, SiteModel } from '../site-model.js'

/**
 * Why a name is not global although it exists: most often it is declared in a module (a
 * module's top level is its own scope) or in a script this page does not load. Saying so
 * turns "x is not defined" into a fix the small model can apply.
 */
export function declaredElsewhere(model: SiteModel, pages: readonly PageModel[], name: string): string {
  // Pages share their script files by group (#13): a group's units need looking at once.
  const seen = new Set<ScriptGroup>()
  for (const page of pages) {
    const shared = seen.has(page.group) ? [] : page.group.units
    seen.add(page.group)
    for (const unit of [...page.inline, ...shared]) {
      if (unit.kind === 'module' && unit.analysis.ok && unit.analysis.scope.topLevel.has(name)) {
        const where = unit.src ?? `an inline module in ${page.file}`
        return `; it is declared in ${where}, but a module's top-level names are not global (export/import it, or set window.${name} = ${name})`
      }
    }
  }
  for (const unit of model.units) {
    if (!unit.src || !unit.analysis.ok) continue
    if (unit.kind === 'module' && unit.analysis.facts.exports.has(name))
      return `; it is exported by ${unit.src} (import it from there)`
    if (unit.kind !== 'classic' || !unit.analysis.scope.topLevel.has(name)) continue
    const where = pages.length === 1 ? 'this page does' : 'the pages running this code do'
    return `; it is declared in ${unit.src}, which ${where} not load`
  }
  return ''
}
