import { posix } from 'node:path'

import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { findingAt, pagesOf } from './shared.js'

/**
 * broken-link: a local `href`/`src`/`srcset`, CSS `url()`/`@import`, or JS import/worker
 * URL that no file in the site would answer. Other origins, `mailto:`, `data:` and
 * templated URLs are never reported.
 */
export function brokenLink(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const missing = (url: string, from: string, baseDir: string | undefined): string | undefined => {
    if (baseDir === undefined) return undefined
    const ref = model.classify(url, from, baseDir)
    if (ref.kind !== 'local' || ref.sameDocument) return undefined
    return model.resolve(ref) === undefined ? ref.path + (ref.directory ? '/' : '') : undefined
  }
  const report = (file: string, offset: number, what: string, url: string, target: string): void => {
    out.push(
      findingAt(
        model,
        'broken-link',
        'error',
        file,
        offset,
        `${what} "${url}" points to ${target || '/'}, which does not exist`,
      ),
    )
  }

  for (const page of model.pages.values()) {
    for (const link of page.facts.links) {
      if (link.role === 'fragment-only') continue
      const target = missing(link.url, page.file, page.baseDir)
      // A pushState router answers `<a href="eagle">` itself; a missing `eagle.png` is still missing (#13).
      if (target !== undefined && page.routesLinks && link.tag === 'a' && !/\.[a-z\d]+$/i.test(target)) continue
      if (target !== undefined) report(page.file, link.offset, `<${link.tag} ${link.attr}>`, link.url, target)
    }
    for (const s of page.facts.scripts) {
      if (!('src' in s)) continue
      const target = missing(s.src, page.file, page.baseDir)
      if (target !== undefined) report(page.file, s.offset, '<script src>', s.src, target)
    }
  }

  for (const sheet of model.sheets) {
    for (const u of sheet.facts.urls) {
      if (u.url.startsWith('#') || u.url === '') continue // SVG paint servers/filters: `url(#grad)`
      const target = missing(u.url, sheet.file, sheet.baseDir)
      if (target !== undefined)
        report(sheet.file, sheet.offset + u.offset, u.isImport ? '@import' : 'url()', u.url, target)
    }
  }

  for (const unit of model.units) {
    if (!unit.analysis.ok) continue
    const ownDir = unit.src ? posix.dirname(unit.src).replace(/^\.$/, '') : model.pages.get(unit.file)?.baseDir
    for (const imp of unit.analysis.facts.imports) {
      const offset = unit.offset + imp.start
      if (imp.kind === 'worker' || imp.kind === 'worklet') {
        // `new Worker(url)`, `serviceWorker.register(url)` and `worklet.addModule(url)` resolve against the page.
        const pages = pagesOf(model, unit)
        const bases =
          pages.length > 0
            ? pages.map((p) => ({ from: p.file, dir: p.baseDir }))
            : [
                { from: unit.file, dir: ownDir },
                { from: unit.file, dir: '' },
              ]
        const targets = bases.map((b) => missing(imp.specifier, b.from, b.dir))
        if (targets.every((t) => t !== undefined))
          report(unit.file, offset, `${imp.kind} script`, imp.specifier, targets[0] ?? '')
        continue
      }
      if (imp.kind !== 'worker-module-url' && !/^(\.{0,2}\/)/.test(imp.specifier)) continue // bare specifiers and other origins
      const target = missing(imp.specifier, unit.file, ownDir)
      if (target === undefined) continue
      // Bundlers (Vite) add extensions; browsers do not. Say which one it is.
      const viaBundler = ['.js', '.mjs', '/index.js'].map((ext) => target + ext).find((p) => model.paths.files.has(p))
      if (viaBundler) {
        out.push(
          findingAt(
            model,
            'broken-link',
            'warning',
            unit.file,
            offset,
            `import "${imp.specifier}" has no file extension: browsers need "${imp.specifier}${viaBundler.slice(target.length)}" (only a bundler resolves it)`,
          ),
        )
      } else
        report(unit.file, offset, imp.kind === 'worker-module-url' ? 'worker script' : 'import', imp.specifier, target)
    }
  }
  return out
}
