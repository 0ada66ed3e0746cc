import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SheetModel, SiteModel } from '../site-model.js'
import { didYouMean, findingAt } from './shared.js'
import { sheetsSeeingUnknownStyles } from './style-scope.js'

/**
 * undefined-css-variable: `var(--x)` without a fallback where `--x` is declared nowhere —
 * no stylesheet, `<style>` or `style=""`, no `@property`, no `style.setProperty('--x')`
 * or style string in any script. Custom properties inherit across the whole site's
 * cascade, so any definition anywhere counts (precision over recall). Sheets applied to a
 * page that also loads a stylesheet from another origin are not judged.
 */
export function undefinedCssVariable(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const defs = model.index.cssVarDefs
  // Which pages see which sheets is only worked out if some `var()` is undefined (#13: it is pages × sheets).
  let sees: ((sheet: SheetModel) => boolean) | undefined
  const seesUnknownStyles = (sheet: SheetModel) => (sees ??= sheetsSeeingUnknownStyles(model))(sheet)
  for (const sheet of model.sheets) {
    if (
      sheet.facts.varUses.length === 0 ||
      sheet.facts.varUses.every((u) => defs.has(u.name)) ||
      seesUnknownStyles(sheet)
    )
      continue
    for (const use of sheet.facts.varUses) {
      if (defs.has(use.name)) continue
      out.push(
        findingAt(
          model,
          'undefined-css-variable',
          'warning',
          sheet.file,
          sheet.offset + use.offset,
          `var(${use.name}) has no fallback and ${use.name} is defined nowhere${didYouMean(use.name, defs)}`,
        ),
      )
    }
  }
  return out
}
