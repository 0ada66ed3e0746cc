import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { TaskReport } from '../generate/generate-files.js'
import { sitesmithDir } from '../store/artifacts.js'
import { readMemo, writeMemo } from '../store/memo-file.js'

/**
 * "kept index.html: edited by hand …" is said when it first becomes true, not on every
 * start and run (#12). This per-machine memo records, per kept file, the task key and the
 * bytes it was said for; the same situation again is kept quietly. A file no longer kept
 * leaves the memo, so if it is kept again later, that is said again.
 */
export const KEPT_MEMO = 'kept-notices.json'

const KeptMemoSchema = z.object({ version: z.literal(1), kept: z.record(z.string(), z.string()) })

/** Path → what its kept notice was given for. */
export function readKeptNotices(siteDir: string): Map<string, string> {
  const memo = readMemo(join(sitesmithDir(siteDir), KEPT_MEMO), KeptMemoSchema)
  return new Map(Object.entries(memo?.kept ?? {}))
}

/** Record the kept notices of this run's reports (written only when there is something to say). */
export async function recordKeptNotices(siteDir: string, reports: readonly TaskReport[]): Promise<void> {
  const kept = Object.fromEntries(
    reports.flatMap((r) => (r.status === 'kept' && r.keptFor ? [[r.path, r.keptFor]] : [])),
  )
  const file = join(sitesmithDir(siteDir), KEPT_MEMO)
  if (Object.keys(kept).length === 0 && !existsSync(file)) return
  await writeMemo(file, { version: 1, kept })
}
