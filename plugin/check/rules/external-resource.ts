import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { findingAt } from './shared.js'

/**
 * external-resource (#10): a file sitesmith generated makes the browser load something from
 * another origin — a script, stylesheet, font, image or tracking pixel, an iframe, a module
 * import — or sends the visitor or their input there (a form action, a `meta refresh`).
 * The prompts forbid it; model output is untrusted, so it is checked, not hoped for. Plain
 * links (`<a href>`) to other sites and `preconnect` hints are not loads and are not
 * reported. Only files in `generated` are judged: a hand-written site that uses a CDN is
 * the person's choice, so `sitesmith check` on a folder without a tracker reports none.
 */
export interface ExternalResourceOptions {
  /** Site-relative paths of the files sitesmith generated (the tracker's, not the person's). */
  generated: ReadonlySet<string>
  /** Origins generated files may load from, e.g. `https://fonts.googleapis.com`. */
  allowOrigins: readonly string[]
}

/** `<link rel>` values that make the browser fetch the href. */
const LOADING_RELS =
  /\b(stylesheet|icon|apple-touch-icon|mask-icon|preload|modulepreload|prefetch|prerender|manifest)\b/i

export function externalResource(model: SiteModel, opts: ExternalResourceOptions): Finding[] {
  const allowed = new Set(opts.allowOrigins.map(originOf).filter((o): o is string => o !== undefined))
  const out: Finding[] = []
  const judge = (file: string, offset: number, what: string, url: string): void => {
    const origin = originOf(url)
    if (origin === undefined || allowed.has(origin)) return
    out.push(
      findingAt(
        model,
        'external-resource',
        'error',
        file,
        offset,
        `${what} "${url}" loads from another origin (${origin}); generated pages use only the site's own files (allow it with check.allowOrigins)`,
      ),
    )
  }

  for (const page of model.pages.values()) {
    if (!opts.generated.has(page.file)) continue
    for (const link of page.facts.links) {
      if (link.tag === 'a' || link.tag === 'area' || link.role === 'fragment-only') continue
      if (link.tag === 'link' && !LOADING_RELS.test(link.rel ?? '')) continue
      judge(page.file, link.offset, `<${link.tag} ${link.attr}>`, link.url)
    }
    for (const s of page.facts.scripts) if ('src' in s) judge(page.file, s.offset, '<script src>', s.src)
    for (const send of page.facts.sends)
      judge(
        page.file,
        send.offset,
        send.tag === 'meta' ? '<meta http-equiv="refresh">' : `<${send.tag} ${send.attr}>`,
        send.url,
      )
  }
  for (const sheet of model.sheets) {
    if (!opts.generated.has(sheet.file)) continue
    for (const u of sheet.facts.urls)
      judge(sheet.file, sheet.offset + u.offset, u.isImport ? '@import' : 'url()', u.url)
  }
  for (const unit of model.units) {
    if (!opts.generated.has(unit.file) || !unit.analysis.ok) continue
    for (const imp of unit.analysis.facts.imports)
      judge(
        unit.file,
        unit.offset + imp.start,
        imp.kind === 'worker' || imp.kind === 'worklet' ? `${imp.kind} script` : 'import',
        imp.specifier,
      )
  }
  return out
}

/** `https://x.example` for an absolute or protocol-relative http(s) URL; undefined for anything else. */
function originOf(url: string): string | undefined {
  const text = url.trim()
  if (!/^(https?:)?\/\//i.test(text)) return undefined
  try {
    const parsed = new URL(text.startsWith('//') ? `https:${text}` : text)
    return parsed.origin
  } catch {
    return undefined
  }
}
