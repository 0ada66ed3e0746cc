import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { isSiteDir } from '../check/site-files.js'
import type { Finding } from '../diagnostics/diagnostic.js'
import { FindingSchema, type CodeReview, type FileTracker } from '../store/artifact-schemas.js'
import { sitesmithDir } from '../store/artifacts.js'
import { sha256 } from '../store/atomic-write.js'
import { readMemo, writeMemo } from '../store/memo-file.js'

/**
 * Findings are facts about bytes (#12). A verdict carried from one run to the next — "this
 * file was reviewed", "the browser saw this error" — holds only for the exact content it
 * was made on; when that content changed (a hand fix, a run killed before its review), the
 * verdict is made again instead of repeated.
 */

/** Findings only the browser pass produces; the static checker recomputes the rest every run. */
export const RUNTIME_RULES: ReadonlySet<string> = new Set(['runtime-error', 'failed-request'])
export const isRuntimeFinding = (f: Finding): boolean => RUNTIME_RULES.has(f.rule)

/** sha256 of every file of the site (the folders the checker reads), by site-relative posix path. */
export function siteHashes(siteDir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        if (isSiteDir(e.name)) walk(join(dir, e.name), path)
      } else if (e.isFile()) out[path] = sha256(readFileSync(join(dir, e.name)))
    }
  }
  walk(siteDir, '')
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** What a site that was never reviewed has. */
export const emptyReview = (): CodeReview => ({
  run: '',
  files: [],
  findings: [],
  reviews: [],
  rounds: 0,
  resolved: [],
  unresolved: [],
})

/** The reviewed hashes; `{}` when no review was ever recorded; undefined for a legacy review without hashes. */
function reviewedHashes(last: CodeReview): Record<string, string> | undefined {
  if (last.reviewed) return last.reviewed
  return last.run === '' ? {} : undefined
}

const sameHashes = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b)

// ---------------------------------------------------------------- browser findings

/** Per machine (a browser pass is cheap to redo, its result not worth committing). */
export const RUNTIME_MEMO = 'runtime-findings.json'
const RuntimeMemoSchema = z.object({
  version: z.literal(1),
  hashes: z.record(z.string(), z.string()),
  findings: z.array(FindingSchema),
})

/** The browser findings of the last pass, if the site's bytes are exactly what that pass saw; else undefined. */
export function carriedRuntimeFindings(
  siteDir: string,
  hashes: Record<string, string> = siteHashes(siteDir),
): Finding[] | undefined {
  const memo = readMemo(join(sitesmithDir(siteDir), RUNTIME_MEMO), RuntimeMemoSchema)
  return memo && sameHashes(memo.hashes, hashes) ? memo.findings : undefined
}

/** Record what a browser pass over the site as it is now found (call right after the check). */
export async function recordRuntimeFindings(siteDir: string, findings: Finding[]): Promise<void> {
  await writeMemo(join(sitesmithDir(siteDir), RUNTIME_MEMO), {
    version: 1,
    hashes: siteHashes(siteDir),
    findings: findings.filter(isRuntimeFinding),
  })
}

// ---------------------------------------------------------------- reviews

/**
 * Files sitesmith wrote whose current content no review has seen: written by a run that was
 * killed, cancelled or ran out of budget before its review, or reviewed on other bytes. A
 * file edited by hand since is not the model's to review (its checker findings still count).
 * A code_review.json from before reviews were keyed by content carries no hashes: its
 * verdicts are taken as they are, as they were before.
 */
export function unreviewedFiles(siteDir: string, tracker: FileTracker, last: CodeReview): string[] {
  const reviewed = reviewedHashes(last)
  if (!reviewed) return []
  const out: string[] = []
  for (const [path, entry] of Object.entries(tracker.files)) {
    if (reviewed[path] === entry.hash) continue
    const abs = join(siteDir, path)
    if (existsSync(abs) && sha256(readFileSync(abs)) === entry.hash) out.push(path)
  }
  return out.sort()
}

/**
 * What code_review.json records as reviewed after a review that finished: the files it saw,
 * at the bytes sitesmith left them, plus earlier verdicts whose files did not change.
 */
export function reviewedAfter(
  tracker: FileTracker,
  last: CodeReview,
  reviewedNow: readonly string[],
): Record<string, string> {
  const before = reviewedHashes(last)
  const out: Record<string, string> = {}
  for (const [path, entry] of Object.entries(tracker.files)) {
    // Without hashes (a legacy review) every earlier file counts as reviewed, as it did then.
    if (reviewedNow.includes(path) || !before || before[path] === entry.hash) out[path] = entry.hash
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)))
}
