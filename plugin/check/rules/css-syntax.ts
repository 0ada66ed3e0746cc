import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { findingAt } from './shared.js'

/** css-syntax: a stylesheet, `<style>` or `style=""` attribute that does not parse. */
export function cssSyntax(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const sheet of model.sheets) {
    const err = sheet.facts.syntaxError
    if (!err) continue
    const what = sheet.origin === 'file' ? 'stylesheet' : sheet.origin === 'style' ? '<style>' : 'style attribute'
    out.push(
      findingAt(
        model,
        'css-syntax',
        'error',
        sheet.file,
        sheet.offset + err.offset,
        `${what} does not parse: ${err.message}`,
      ),
    )
  }
  return out
}
