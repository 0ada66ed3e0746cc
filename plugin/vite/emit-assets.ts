import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import type { FileTracker } from '../store/artifact-schemas.js'
import { checkPublishable } from '../site-files/paths.js'

/**
 * Files the built site needs that Vite never sees: classic `<script src>` files (marked
 * `vite-ignore` in the HTML, see classic-scripts.ts) and data files sitesmith generated
 * that scripts fetch at runtime (menu.json, an SVG…). Each goes to dist/ at the path the
 * page already uses.
 *
 * `dist/` is public, so only files a page legitimately references and that pass the
 * site-file policy are read (issue #10): never a dot file or a file in a hidden folder
 * (`.env`, `.git/config`), never a tool config, never a file whose real location is outside
 * the site (a symlink), and a generated data file only when some page or script of the site
 * names it. Each refusal is a build warning naming the page's reference and the reason.
 */
export interface ExtraAsset {
  fileName: string
  source: Uint8Array
}

const DATA_FILE = /\.(json|svg|txt|xml|webmanifest)$/

export function extraAssets(input: {
  siteDir: string
  /** Site-relative (decoded) path of each classic script → the pages that load it. */
  classicScripts: ReadonlyMap<string, readonly string[]>
  tracker: FileTracker | undefined
  /** Text of the site's pages, stylesheets and scripts, for "is this data file referenced?". */
  siteTexts: () => readonly string[]
  inBundle: (fileName: string) => boolean
  warn: (message: string) => void
}): ExtraAsset[] {
  const out: ExtraAsset[] = []
  const emitted = new Set<string>()
  for (const [fileName, pages] of input.classicScripts) {
    const checked = checkPublishable(input.siteDir, fileName)
    if (!checked.ok) {
      input.warn(
        `sitesmith: classic script "${fileName}" (loaded by ${pages.join(', ')}) is not copied to dist/: ${checked.reason}`,
      )
      continue
    }
    out.push({ fileName, source: readFileSync(checked.abs) })
    emitted.add(fileName)
  }
  let texts: readonly string[] | undefined
  for (const path of Object.keys(input.tracker?.files ?? {})) {
    if (!DATA_FILE.test(path) || input.inBundle(path) || emitted.has(path)) continue
    const checked = checkPublishable(input.siteDir, path)
    if (!checked.ok) continue // a tracked file since removed, or a tracker edited to point elsewhere
    texts ??= input.siteTexts()
    const name = posix.basename(path)
    if (!texts.some((t) => t.includes(name))) continue // no page or script names it
    out.push({ fileName: path, source: readFileSync(checked.abs) })
  }
  return out
}

const TEXT_FILE = /\.(html|css|js|mjs)$/

/** The text of every HTML page of the site and of every generated page, stylesheet and script (read through the policy). */
export function siteTexts(siteDir: string, pages: readonly string[], tracker: FileTracker | undefined): string[] {
  const paths = new Set([...pages, ...Object.keys(tracker?.files ?? {}).filter((p) => TEXT_FILE.test(p))])
  const out: string[] = []
  for (const p of paths) {
    const checked = checkPublishable(siteDir, p)
    if (checked.ok) out.push(readFileSync(checked.abs, 'utf8'))
  }
  return out
}
