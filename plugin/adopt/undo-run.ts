import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResolvedOptions } from '../options.js'
import { readTracker, sitesmithDir, writeTracker } from '../store/artifacts.js'
import { acquireSiteLock } from '../store/site-lock.js'
import { UndoJournal } from '../store/undo-journal.js'
import { sha256 } from '../store/atomic-write.js'
import { SiteWriter, WriteRefusedError } from '../site-files/site-writer.js'

/**
 * `sitesmith undo [dir]` (issue 17): put back, byte for byte, the person's files the last
 * run that changed any of them changed — newest change first, so a file edited twice ends
 * as it was before the first edit. A file changed again since (by hand) is left alone and
 * named: undo never loses an edit. The tracker entries go back with the bytes.
 */
export interface UndoResult {
  run?: string
  restored: string[]
  /** Already as they were (the change never landed, or was undone by hand). */
  unchanged: string[]
  refused: { path: string; reason: string }[]
}

export async function undoLastRun(options: ResolvedOptions): Promise<UndoResult> {
  const stateDir = sitesmithDir(options.siteDir)
  const release = await acquireSiteLock(options.siteDir, { wait: true })
  try {
    const journal = new UndoJournal(stateDir)
    const run = journal.lastRun()
    const result: UndoResult = { restored: [], unchanged: [], refused: [] }
    if (!run) return result
    result.run = run
    const writer = new SiteWriter({
      siteDir: options.siteDir,
      protectedPaths: [options.specPath, stateDir],
      tracker: await readTracker(options.siteDir),
      overwriteHandEdits: false,
      stateDir,
    })
    const entries = journal
      .entries()
      .filter((e) => e.run === run)
      .reverse()
    for (const e of entries) {
      const abs = join(options.siteDir, e.path)
      const before = Buffer.from(e.before, 'base64')
      if (existsSync(abs) && sha256(readFileSync(abs)) === e.beforeHash) {
        if (!result.restored.includes(e.path)) result.unchanged.push(e.path)
        continue
      }
      try {
        await writer.restore(e.path, before, e.afterHash, e.tracked)
        result.restored.push(e.path)
      } catch (error) {
        if (!(error instanceof WriteRefusedError)) throw error
        result.refused.push({ path: e.path, reason: error.message })
      }
    }
    await writeTracker(options.siteDir, writer.tracker)
    // Refused entries stay, so a later `undo` (after the person sorts the file out) can still act.
    if (result.refused.length === 0) await journal.drop(run)
    return result
  } finally {
    await release()
  }
}
