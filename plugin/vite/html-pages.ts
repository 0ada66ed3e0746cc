import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Folders that are never part of the site: tools, build output, sitesmith's own state. */
const SKIP = new Set(['node_modules', 'dist', '.sitesmith', '.git'])

/**
 * Every HTML page under the site root, as site-relative posix paths. `vite build` gets all
 * of them as inputs (multi-page), generated or written by hand.
 */
export function listHtmlPages(siteDir: string, extraSkip: string[] = []): string[] {
  const skip = new Set([...SKIP, ...extraSkip])
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || skip.has(entry.name)) continue
      const abs = join(dir, entry.name)
      if (entry.isDirectory()) walk(abs)
      else if (entry.isFile() && entry.name.endsWith('.html')) out.push(relative(siteDir, abs).split(sep).join('/'))
    }
  }
  walk(siteDir)
  return out.sort()
}
