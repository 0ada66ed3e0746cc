import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { isSiteDir } from '../check/site-files.js'
import { checkSitePath, isInside, WRITABLE_EXTENSIONS } from '../site-files/paths.js'
import { mayPublish } from '../site-files/site-file-policy.js'

/**
 * Which files of a folder are the site (issue 17, `sitesmith adopt`): pages, styles,
 * scripts and the text files sitesmith's path rules allow, plus the static assets a site
 * serves (images, fonts, media). Everything else — the spec, Vite and package files, hidden
 * files such as `.env`, READMEs, TypeScript sources — is left out and said why, so "every
 * file" is an honest list rather than a guess.
 */
const ASSET_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.webp',
  '.avif',
  '.ico',
  '.bmp',
  '.woff',
  '.woff2',
  '.ttf',
  '.otf',
  '.eot',
  '.mp4',
  '.webm',
  '.mp3',
  '.ogg',
  '.wav',
  '.pdf',
])

export interface InventoryFile {
  path: string
  bytes: Buffer
  /** HTML, CSS or JS: parsed for its interface, its text may be summarised by a model. */
  text: boolean
}

export interface Inventory {
  files: InventoryFile[]
  /** Files found but not part of the site, with the reason. */
  skipped: { path: string; reason: string }[]
}

export function siteInventory(siteDir: string, protectedPaths: string[]): Inventory {
  const files: InventoryFile[] = []
  const skipped: Inventory['skipped'] = []
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${e.name}` : e.name
      const abs = join(dir, e.name)
      if (e.isDirectory()) {
        if (isSiteDir(e.name) && !protectedPaths.some((p) => resolve(p) === resolve(abs))) walk(abs, path)
        continue
      }
      if (!e.isFile()) {
        if (e.isSymbolicLink()) skipped.push({ path, reason: 'a symlink; sitesmith does not follow links' })
        continue
      }
      const reason = whyNotSite(path, abs, siteDir, protectedPaths)
      if (reason) skipped.push({ path, reason })
      else files.push({ path, bytes: readFileSync(abs), text: /\.(html?|css|m?js|cjs)$/i.test(path) })
    }
  }
  walk(siteDir, '')
  return { files, skipped }
}

function whyNotSite(path: string, abs: string, siteDir: string, protectedPaths: string[]): string | null {
  if (path.split('/').some((s) => s.startsWith('.'))) return 'a hidden file'
  // Never published (a tool's config, server code…): not part of the site (issue #10's policy).
  const published = mayPublish(path)
  if (!published.ok) return published.reason
  const ext = posix.extname(path).toLowerCase()
  if ((WRITABLE_EXTENSIONS as readonly string[]).includes(ext)) {
    const checked = checkSitePath(path, { siteDir, protectedPaths })
    return checked.ok ? null : checked.reason
  }
  if (!ASSET_EXTENSIONS.has(ext))
    return `not a site file (${ext || 'no extension'}: not a page, style, script or served asset)`
  if (protectedPaths.some((p) => resolve(p) === abs || isInside(p, abs))) return 'sitesmith state'
  return null
}
