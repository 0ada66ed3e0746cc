import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { isSiteDir } from './site-files.js'

/**
 * Every HTML page under the site root, as site-relative posix paths. `vite build` gets all
 * of them as inputs (multi-page), generated or written by hand. `extraSkip` names more
 * folders to leave out (Vite's `public/` is copied, not built).
 */
export function listHtmlPages(siteDir: string, extraSkip: string[] = []): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (isSiteDir(entry.name) && !extraSkip.includes(entry.name)) walk(abs)
      } else if (entry.isFile() && !entry.name.startsWith('.') && entry.name.endsWith('.html')) {
        out.push(relative(siteDir, abs).split(sep).join('/'))
      }
    }
  }
  walk(siteDir)
  return out.sort()
}
