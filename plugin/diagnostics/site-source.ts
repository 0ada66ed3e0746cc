import { readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'

import type { Diagnostic } from './diagnostic.js'

/**
 * Where a diagnostic's file is on disk, and its text for the renderers' code frames. The
 * text is read once per file; undefined when it cannot be read (deleted since, or never
 * written: a rejected model answer carries its own frame instead).
 */
export interface SourceFiles {
  /** Absolute path of the diagnostic's file. */
  pathOf: (d: Diagnostic) => string
  /** Text of an absolute path, or undefined. */
  read: (path: string) => string | undefined
}

/** Files relative to `siteDir` (absolute ones as they are), read from disk. */
export function siteSources(siteDir: string, pathOf?: (d: Diagnostic) => string): SourceFiles {
  const texts = new Map<string, string | undefined>()
  return {
    pathOf: pathOf ?? ((d) => (isAbsolute(d.file) ? d.file : join(siteDir, d.file))),
    read: (path) => {
      if (!texts.has(path)) texts.set(path, readOrUndefined(path))
      return texts.get(path)
    },
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
