import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { ResolvedOptions } from '../options.js'
import { FindingSchema } from '../store/artifact-schemas.js'
import { readMemo, writeMemo } from '../store/memo-file.js'
import { sitesmithDir } from '../store/artifacts.js'
import { isSiteDir } from '../check/site-files.js'
import type { Finding } from '../diagnostics/diagnostic.js'

/**
 * The no-op fast path (issue 4: a warm rebuild should cost about what a plain `vite build`
 * costs). After a run that completed without errors, a fingerprint of its inputs is kept:
 * the spec's bytes, the options that shape output, and the size and mtime of every file of
 * the site. When the next run sees the same fingerprint, nothing can have changed — no plan,
 * no file, no finding — so it returns the last result without taking the lock, opening the
 * cache or parsing a file. Any edit (spec, a generated file, a hand-written page, the
 * artifacts) changes the fingerprint and the full pipeline runs.
 */
const LastRunSchema = z.object({
  version: z.literal(1),
  fingerprint: z.string(),
  files: z.number(),
  findings: z.array(FindingSchema),
  runtimeSkipped: z.string().optional(),
})
export type LastRun = z.infer<typeof LastRunSchema>

const FILE = 'last-run.json'

/**
 * `specText`: the spec as the run read it. A save that lands while a run is going must not
 * be folded into that run's fingerprint, or the follow-up run would think it was handled.
 */
export function fingerprint(
  options: ResolvedOptions,
  specText: string | Buffer = readFileSync(options.specPath),
): string {
  const h = createHash('sha256')
  h.update(specText)
  h.update(
    JSON.stringify([
      options.planner.provider,
      options.planner.model,
      options.coder.provider,
      options.coder.model,
      options.review,
      options.runtimeCheck.enabled,
      options.overwriteHandEdits,
      options.specPath,
      options.editUserFiles,
    ]),
  )
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, entry.name)
      if (entry.isDirectory()) {
        // The same folders the checker reads; of .sitesmith/ only the inputs below count.
        if (isSiteDir(entry.name)) walk(abs)
      } else if (entry.isFile()) {
        const st = statSync(abs)
        h.update(`${relative(options.siteDir, abs).split(sep).join('/')}\0${st.size}\0${st.mtimeMs}\0${st.ino}\n`)
      }
    }
  }
  walk(options.siteDir)
  const state = sitesmithDir(options.siteDir)
  for (const name of ['tasks.json', 'file_tracker.json', 'pending.jsonl']) {
    const p = join(state, name)
    if (existsSync(p)) {
      const st = statSync(p)
      h.update(`.sitesmith/${name}\0${st.size}\0${st.mtimeMs}\n`)
    }
  }
  return h.digest('hex')
}

export function readLastRun(options: ResolvedOptions): LastRun | undefined {
  return readMemo(join(sitesmithDir(options.siteDir), FILE), LastRunSchema)
}

export async function writeLastRun(
  options: ResolvedOptions,
  specText: string,
  run: { files: number; findings: Finding[]; runtimeSkipped?: string },
): Promise<void> {
  const value: LastRun = {
    version: 1,
    fingerprint: fingerprint(options, specText),
    files: run.files,
    findings: run.findings,
    ...(run.runtimeSkipped ? { runtimeSkipped: run.runtimeSkipped } : {}),
  }
  await writeMemo(join(sitesmithDir(options.siteDir), FILE), value)
}
