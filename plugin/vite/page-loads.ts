import { buildSiteModel } from '../check/site-model.js'
import { readSiteFiles } from '../check/site-files.js'
import { resolveFromPage } from './classic-scripts.js'

/**
 * Which site files each page loads: its scripts (and what they import, from the checker's
 * site model) and its stylesheets. The dev overlay uses it to show a finding in a shared
 * file on the pages that load that file, and only there (issue #14).
 */
export async function pageLoads(siteDir: string): Promise<Map<string, Set<string>>> {
  const { texts, otherPaths } = await readSiteFiles(siteDir)
  const model = buildSiteModel(texts, otherPaths)
  const out = new Map<string, Set<string>>()
  for (const page of model.pages.keys()) out.set(page, new Set())
  for (const unit of model.units) {
    for (const page of unit.pages) out.get(page)?.add(unit.src ?? unit.file)
  }
  for (const [page, files] of out) {
    const html = texts.get(page) ?? ''
    for (const m of html.matchAll(/<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*>/gi)) {
      const rel = resolveFromPage(page, m[1])
      if (rel) files.add(rel)
    }
  }
  return out
}
