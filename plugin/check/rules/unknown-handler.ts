import type { Finding } from '../../diagnostics/diagnostic.js'
import { HANDLER_SCOPE_METHODS } from '../../analysis/known-names.js'
import type { SiteModel } from '../site-model.js'
import { declaredElsewhere } from './declared-elsewhere.js'
import { didYouMean, findingAt, isPageGlobal } from './shared.js'

/**
 * unknown-handler: an inline `on*` handler (or `javascript:` URL) calls a function —
 * `save()`, or the object in `app.save()` — that is not global in its page. Functions
 * declared in modules are not global. Not reported on pages whose globals cannot all be
 * seen (an external script, a script that fails to parse, `document.write`…).
 */
export function unknownHandler(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const unit of model.handlers) {
    if (!unit.analysis.ok) continue
    const page = model.pages.get(unit.file)
    if (!page || page.openReason !== undefined) continue
    const { scope, facts } = unit.analysis
    const seen = new Set<string>()
    for (const ref of scope.unresolvedReads) {
      const name = ref.name
      if (!facts.callRoots.has(ref.start) || seen.has(name)) continue
      seen.add(name)
      if (
        scope.typeofNames.has(name) ||
        facts.probedGlobals.has(name) ||
        isPageGlobal(page, name) ||
        HANDLER_SCOPE_METHODS.has(name)
      )
        continue
      const why =
        declaredElsewhere(model, [page], name) ||
        didYouMean(name, [...page.classicGlobals, ...page.windowGlobals, ...page.facts.ids.keys()])
      out.push(
        findingAt(
          model,
          'unknown-handler',
          'error',
          unit.file,
          unit.offset + ref.start,
          `${unit.attr} calls ${name}, which is not a global function or object in this page${why}`,
        ),
      )
    }
  }
  return out
}
