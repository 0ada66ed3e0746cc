import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

import pLimit from 'p-limit'

import { isCheckedFile } from './site-model.js'

/** Directories that are never part of the site: dependencies, build output, our own state. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.sitesmith'])

/** Whether a directory of this name holds site files (not hidden, not a tool's). */
export function isSiteDir(name: string): boolean {
  return !name.startsWith('.') && !SKIPPED_DIRS.has(name)
}

export interface ReadSiteOptions {
  /**
   * Files larger than this are listed (links to them resolve) but not parsed; a page that
   * loads such a script is treated as having globals we cannot see.
   * @default 2_000_000
   */
  maxFileBytes?: number
  /**
   * Files read at once.
   * @default 32
   */
  concurrency?: number
}

export interface SiteFiles {
  /** HTML, CSS and JS text by site-relative posix path. */
  texts: Map<string, string>
  /** Every other file (images, fonts, JSON, oversized scripts): they exist, links may point at them. */
  otherPaths: string[]
}

/** Read a site directory: every HTML/CSS/JS file as text, every other file by path only. */
export async function readSiteFiles(root: string, options: ReadSiteOptions = {}): Promise<SiteFiles> {
  const maxBytes = options.maxFileBytes ?? 2_000_000
  const limit = pLimit(options.concurrency ?? 32)
  const found: { rel: string; abs: string; symlink: boolean }[] = []
  const otherPaths: string[] = []

  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    const subdirs: Promise<void>[] = []
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name
      const abs = join(dir, e.name)
      if (e.isDirectory()) {
        if (!isSiteDir(e.name)) continue
        subdirs.push(walk(abs, relPath))
      } else if (e.isFile() || e.isSymbolicLink()) {
        if (!isCheckedFile(relPath)) otherPaths.push(relPath)
        else found.push({ rel: relPath, abs, symlink: e.isSymbolicLink() })
      }
    }
    await Promise.all(subdirs)
  }
  await walk(root, '')

  const texts = new Map<string, string>()
  await Promise.all(
    found.map((f) =>
      limit(async () => {
        // Only symlinks need a stat (to skip links to directories); plain files are read directly.
        if (f.symlink && !(await stat(f.abs).catch(() => undefined))?.isFile()) return
        const text = await readFile(f.abs, 'utf8').catch(() => undefined)
        if (text === undefined) return
        if (text.length > maxBytes) otherPaths.push(f.rel)
        else texts.set(f.rel, text)
      }),
    ),
  )
  // Stable order regardless of how the reads interleaved.
  return { texts: new Map([...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), otherPaths: otherPaths.sort() }
}
