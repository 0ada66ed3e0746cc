/**
 * The path sets a run hands the site writer and the planner: what is protected, what
 * sitesmith generated, what belongs to a person, what exists on disk. Read from the tracker.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

import type { ResolvedOptions } from '../options.js'
import type { SiteWriter } from '../site-files/site-writer.js'
import { sitesmithDir } from '../store/artifacts.js'

export function protectedPaths(options: ResolvedOptions): string[] {
  const paths = [options.specPath, sitesmithDir(options.siteDir)]
  if (typeof options.cache === 'string') paths.push(options.cache)
  return paths
}

/** Files sitesmith wrote (not a person's adopted files: those are never deleted). */
export function generatedPaths(writer: SiteWriter): Set<string> {
  return new Set(
    Object.entries(writer.tracker.files)
      .filter(([, f]) => f.owner !== 'user')
      .map(([p]) => p),
  )
}

export function userPaths(writer: SiteWriter): Set<string> {
  return new Set(
    Object.entries(writer.tracker.files)
      .filter(([, f]) => f.owner === 'user')
      .map(([p]) => p),
  )
}

export function existingPaths(siteDir: string, writer: SiteWriter): Set<string> {
  const out = new Set<string>()
  for (const p of Object.keys(writer.tracker.files)) if (existsSync(join(siteDir, p))) out.add(p)
  return out
}
