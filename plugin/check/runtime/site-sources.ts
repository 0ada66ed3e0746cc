/**
 * Read-only access to the text of site files during one runtime check, so locating a
 * finding (inline handler position, where a missing file is referenced) reads each file at
 * most once. One instance per run: no state outlives the check.
 */
import { readFile } from 'node:fs/promises'

import { resolveInside } from './static-server.js'

export type SiteSources = (relativePath: string) => Promise<string | undefined>

/** Reader for files under `root` (absolute, real path); undefined for missing or outside files. */
export function siteSources(root: string): SiteSources {
  const cache = new Map<string, Promise<string | undefined>>()
  return (relativePath) => {
    let text = cache.get(relativePath)
    if (!text) {
      text = resolveInside(root, `/${relativePath}`).then((file) =>
        file ? readFile(file, 'utf8').catch(() => undefined) : undefined,
      )
      cache.set(relativePath, text)
    }
    return text
  }
}
