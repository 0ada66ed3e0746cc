import type { Finding } from '../../report/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { didYouMean, findingAt } from './shared.js'

/**
 * undefined-css-variable: `var(--x)` without a fallback where `--x` is declared nowhere —
 * no stylesheet, `<style>` or `style=""`, no `@property`, no `style.setProperty('--x')`
 * or style string in any script. Custom properties inherit across the whole site's
 * cascade, so any definition anywhere counts (precision over recall).
 */
export function undefinedCssVariable(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const defs = model.index.cssVarDefs
  for (const sheet of model.sheets) {
    for (const use of sheet.facts.varUses) {
      if (defs.has(use.name)) continue
      out.push(findingAt(model, 'undefined-css-variable', 'warning', sheet.file, sheet.offset + use.offset, `var(${use.name}) has no fallback and ${use.name} is defined nowhere${didYouMean(use.name, defs)}`))
    }
  }
  return out
}
