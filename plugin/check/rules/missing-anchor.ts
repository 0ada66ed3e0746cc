import type { Finding } from '../../diagnostics/diagnostic.js'
import { matchesPattern } from '../../analysis/html-strings.js'
import type { PageModel, SiteModel } from '../site-model.js'
import { isHtmlPath } from '../../analysis/urls.js'
import { didYouMean, findingAt } from './shared.js'

/**
 * missing-anchor: `#x` or `page.html#x` where the target document has no element with id
 * `x` (nor `<a name="x">`); SVG `<use href="#x">` needs an element id in its own page.
 * Not reported: `#`, `#0` and `#top` (placeholders; the spec scrolls to the top), routes
 * (`#/inbox`, `#!`), text fragments, pages whose scripts read `location.hash` (fragments
 * are app state there) or compute ids (`heading.id = slugify(…)`), and ids scripts create.
 */
export function missingAnchor(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const page of model.pages.values()) {
    if (page.baseDir === undefined) continue
    for (const link of page.facts.links) {
      if (link.role === 'resource') continue
      const ref = model.classify(link.url, page.file, page.baseDir)
      if (ref.kind !== 'local' || ref.hash === undefined) continue
      const hash = ref.hash
      // `#0` is the conventional "no target" placeholder (like `#`), not a reference.
      if (hash === '' || hash === '0' || hash.toLowerCase() === 'top' || /^[!/:~]|\//.test(hash)) continue
      // A snippet (`utils.html` with just a <nav>) is included into pages whose ids we cannot see.
      if (ref.sameDocument && page.facts.fragment) continue
      const targetPath = ref.sameDocument ? page.file : model.resolve(ref)
      if (targetPath === undefined || !isHtmlPath(targetPath)) continue
      const target = model.pages.get(targetPath)
      if (!target || hasAnchor(model, target, hash, link.role === 'fragment-only')) continue
      const where = target === page ? 'this page' : target.file
      const what = link.role === 'fragment-only' ? 'element id' : 'element with id (or <a name>)'
      const hint = didYouMean(hash, [...target.facts.ids.keys(), ...target.facts.anchorNames])
      out.push(
        findingAt(
          model,
          'missing-anchor',
          'warning',
          page.file,
          link.offset,
          `<${link.tag} ${link.attr}="${link.url}">: ${where} has no ${what} "${hash}"${hint}`,
        ),
      )
    }
  }
  return out
}

function hasAnchor(model: SiteModel, page: PageModel, hash: string, idOnly: boolean): boolean {
  if (page.facts.ids.has(hash) || page.facts.templateIds.has(hash) || (!idOnly && page.facts.anchorNames.has(hash)))
    return true
  if (page.readsHash) return true
  if (model.index.createdIds.has(hash)) return true
  for (const unit of [...page.inline, ...page.group.units, ...page.handlers]) {
    if (!unit.analysis.ok) continue
    const f = unit.analysis.facts
    if (f.dynamicIds || f.stringTokens.has(hash)) return true
    for (const p of f.idPatterns) if (matchesPattern(hash, p)) return true
  }
  return false
}
