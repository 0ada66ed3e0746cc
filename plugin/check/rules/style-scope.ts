import type { PageModel, SheetModel, SiteModel } from '../site-model.js'

/**
 * Which stylesheets may see custom properties the checker cannot: those applied to a page
 * that also loads a stylesheet from another origin (a CDN framework defining `--bs-*`,
 * say), directly or through `@import`. Such sheets are not judged on `var()` use.
 */
export function sheetsSeeingUnknownStyles(model: SiteModel): (sheet: SheetModel) => boolean {
  const fileSheets = new Map<string, SheetModel>()
  for (const s of model.sheets) if (s.origin === 'file') fileSheets.set(s.file, s)

  /** Local stylesheet files a sheet imports, and whether it imports anything off-site. */
  const importsOf = (sheet: SheetModel): { local: string[]; external: boolean } => {
    const local: string[] = []
    let external = false
    if (sheet.baseDir === undefined) return { local, external: true }
    for (const u of sheet.facts.urls) {
      if (!u.isImport) continue
      const ref = model.classify(u.url, sheet.file, sheet.baseDir)
      if (ref.kind === 'external' || ref.kind === 'unknown') external = true
      else if (ref.kind === 'local') {
        const target = model.resolve(ref)
        if (target) local.push(target)
      }
    }
    return { local, external }
  }

  // Pages each stylesheet file applies to (linked, or imported by something linked).
  const users = new Map<string, Set<PageModel>>()
  const openPages = new Set<PageModel>()
  const queue: { file: string; page: PageModel }[] = []
  for (const page of model.pages.values()) {
    for (const link of page.facts.links) {
      if (link.tag !== 'link' || !/\bstylesheet\b/.test(link.rel ?? '')) continue
      if (page.baseDir === undefined) {
        openPages.add(page)
        continue
      }
      const ref = model.classify(link.url, page.file, page.baseDir)
      if (ref.kind === 'external' || ref.kind === 'unknown') openPages.add(page)
      else if (ref.kind === 'local') {
        const target = model.resolve(ref)
        if (target) queue.push({ file: target, page })
      }
    }
  }
  for (const s of model.sheets) {
    if (s.origin !== 'style') continue
    const page = model.pages.get(s.file)
    if (!page) continue
    const imports = importsOf(s)
    if (imports.external) openPages.add(page)
    for (const file of imports.local) queue.push({ file, page })
  }
  while (queue.length > 0) {
    const { file, page } = queue.pop() as { file: string; page: PageModel }
    let set = users.get(file)
    if (!set) users.set(file, (set = new Set()))
    if (set.has(page)) continue
    set.add(page)
    const sheet = fileSheets.get(file)
    if (!sheet) continue
    const imports = importsOf(sheet)
    if (imports.external) openPages.add(page)
    for (const f of imports.local) queue.push({ file: f, page })
  }

  const anyOpen = openPages.size > 0
  return (sheet) => {
    if (sheet.origin !== 'file') {
      const page = model.pages.get(sheet.file)
      return page === undefined || openPages.has(page)
    }
    const pages = users.get(sheet.file)
    // A stylesheet no page links could end up anywhere.
    if (!pages || pages.size === 0) return anyOpen
    for (const p of pages) if (openPages.has(p)) return true
    return false
  }
}
