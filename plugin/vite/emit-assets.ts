import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileTracker } from '../store/artifact-schemas.js'

/**
 * Files the built site needs that Vite never sees: classic `<script src>` files (marked
 * `vite-ignore` in the HTML, see classic-scripts.ts) and data files sitesmith generated
 * that scripts fetch at runtime (menu.json, an SVG…). Each goes to dist/ at the path the
 * page already uses.
 */
export interface ExtraAsset {
  fileName: string
  source: Uint8Array
}

const DATA_FILE = /\.(json|svg|txt|xml|webmanifest)$/

export function extraAssets(input: {
  siteDir: string
  classicScripts: ReadonlyMap<string, string>
  tracker: FileTracker | undefined
  inBundle: (fileName: string) => boolean
  warn: (message: string) => void
}): ExtraAsset[] {
  const out: ExtraAsset[] = []
  for (const path of Object.keys(input.tracker?.files ?? {})) {
    if (!DATA_FILE.test(path) || input.inBundle(path) || input.classicScripts.has(path)) continue
    const abs = join(input.siteDir, path)
    if (existsSync(abs)) out.push({ fileName: path, source: readFileSync(abs) })
  }
  for (const [fileName, abs] of input.classicScripts) {
    if (existsSync(abs)) out.push({ fileName, source: readFileSync(abs) })
    else input.warn(`classic script ${fileName} is referenced by a page but does not exist`)
  }
  return out
}
