import type { Finding } from '../../diagnostics/diagnostic.js'
import { ANY_SCRIPT_GLOBALS, BROWSER_GLOBALS, WORKLET_GLOBALS, isVendorPrefixed } from '../../analysis/known-names.js'
import type { NameRef } from '../../analysis/js-scope.js'
import type { SiteModel } from '../site-model.js'
import { declaredElsewhere } from './declared-elsewhere.js'
import { closest, didYouMean, findingAt, isPageGlobal, pagesOf } from './shared.js'

/**
 * undefined-reference: a script reads a name declared nowhere in its own scopes, in the
 * global scope of any page that runs it, nor among browser/JS globals. A shared script is
 * reported only if the name is missing on every page that loads it; pages with globals we
 * cannot see (external scripts…) and code guarded by `typeof x` are never reported.
 * Worklets are judged against their own globals; scripts nothing loads are not judged (#13).
 */
export function undefinedReference(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const ix = model.index
  for (const unit of model.units) {
    if (!unit.analysis.ok) continue
    const { scope, facts } = unit.analysis
    if (scope.dynamicScope || facts.opaque || unit.context.kind === 'unlinked') continue
    // Most code reads only platform names: skip it before listing its pages, which costs
    // O(pages) per module on a large site (#13, scale). The same tests as below, cheapest first.
    const onPages = unit.pages.size > 0 && unit.context.kind !== 'worklet'
    const candidate = (name: string) =>
      !scope.typeofNames.has(name) &&
      !facts.probedGlobals.has(name) &&
      !isVendorPrefixed(name) &&
      !(onPages && BROWSER_GLOBALS.has(name))
    if (!scope.unresolvedReads.some((r) => candidate(r.name))) continue
    const pages = pagesOf(model, unit)
    if (pages.some((p) => p.openReason !== undefined)) continue
    // A worker pulling in scripts from another origin gets globals we cannot see.
    if (facts.imports.some((i) => i.kind === 'worker' && /^([a-z][a-z\d+.-]*:|\/\/)/i.test(i.specifier))) continue
    const workletKind = unit.context.kind === 'worklet' ? unit.context.worklet : undefined
    const worklet = workletKind ? WORKLET_GLOBALS[workletKind] : undefined
    const isGlobal =
      pages.length > 0
        ? (n: string) => pages.some((p) => isPageGlobal(p, n))
        : worklet
          ? (n: string) => worklet.has(n)
          : (n: string) => ANY_SCRIPT_GLOBALS.has(n) || ix.anyScriptGlobals.has(n) || ix.anyPageNames.has(n)
    const byName = new Map<string, NameRef[]>()
    for (const ref of scope.unresolvedReads) {
      const list = byName.get(ref.name)
      if (list) list.push(ref)
      else byName.set(ref.name, [ref])
    }
    for (const [name, refs] of byName) {
      if (scope.typeofNames.has(name) || facts.probedGlobals.has(name) || isGlobal(name) || isVendorPrefixed(name))
        continue
      const more = refs.length > 1 ? ` (used ${refs.length} times)` : ''
      const local = [...scope.topLevel, ...pages.flatMap((p) => [...p.classicGlobals, ...p.windowGlobals])]
      // Own names first; a platform global only when it is one typo away (`documnet`).
      const platform = closest(name, BROWSER_GLOBALS, 1)
      const why =
        workletKind && (BROWSER_GLOBALS.has(name) || ANY_SCRIPT_GLOBALS.has(name))
          ? ` in a ${workletKind} worklet (it has its own globals, not the page's)`
          : declaredElsewhere(model, pages, name) ||
            didYouMean(name, local) ||
            (platform && name.length > 3 ? ` (did you mean "${platform}"?)` : '')
      out.push(
        findingAt(
          model,
          'undefined-reference',
          'error',
          unit.file,
          unit.offset + refs[0].start,
          `"${name}" is not defined${more}${why}`,
        ),
      )
    }
  }
  return out
}
