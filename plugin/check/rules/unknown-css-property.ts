import type { Finding } from '../../diagnostics/diagnostic.js'
import { CSS_PROPERTIES } from '../../analysis/known-names.js'
import type { SiteModel } from '../site-model.js'
import { didYouMean, findingAt } from './shared.js'

/**
 * unknown-css-property: a declaration whose property is not CSS (per the maintained
 * `known-css-properties` list) — usually a typo the browser silently drops. Custom
 * properties (`--x`), vendor-prefixed ones (`-webkit-…`) and IE hacks are not reported.
 */
export function unknownCssProperty(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const sheet of model.sheets) {
    // CSS Modules (`x.module.css`, bundled by Vite) add `composes`.
    const cssModule = /\.module\.css$/i.test(sheet.file)
    for (const { prop, offset } of sheet.facts.properties) {
      const name = prop.toLowerCase()
      if (name.startsWith('-') || CSS_PROPERTIES.has(name) || (cssModule && name === 'composes')) continue
      out.push(
        findingAt(
          model,
          'unknown-css-property',
          'warning',
          sheet.file,
          sheet.offset + offset,
          `"${prop}" is not a CSS property${didYouMean(name, CSS_PROPERTIES)}`,
        ),
      )
    }
  }
  return out
}
