import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { TrackedFileSchema } from './artifact-schemas.js'
import { writeFileAtomic } from './atomic-write.js'

/**
 * What `sitesmith undo` restores (issue 17): one line per change sitesmith made to a
 * person's file, written BEFORE the new bytes are renamed into place, holding the exact
 * previous bytes (base64, so any encoding round-trips) and the tracker entry they had.
 * A run killed after the line but before the rename leaves an entry whose "after" never
 * landed; undo sees the file still holds the "before" bytes and does nothing for it.
 */
export const UndoEntrySchema = z.object({
  run: z.string(),
  path: z.string(),
  target: z.array(z.string()),
  beforeHash: z.string(),
  afterHash: z.string(),
  /** The previous bytes, base64. */
  before: z.string(),
  /** The tracker entry before the change. */
  tracked: TrackedFileSchema.optional(),
  at: z.string(),
})
export type UndoEntry = z.infer<typeof UndoEntrySchema>

export const UNDO_FILE = 'undo.jsonl'

export class UndoJournal {
  private readonly file: string
  constructor(stateDir: string) {
    this.file = join(stateDir, UNDO_FILE)
  }

  record(entry: UndoEntry): void {
    appendFileSync(this.file, JSON.stringify(UndoEntrySchema.parse(entry)) + '\n')
  }

  /** Every entry, oldest first; a torn or invalid line (a killed run) is skipped. */
  entries(): UndoEntry[] {
    if (!existsSync(this.file)) return []
    const out: UndoEntry[] = []
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue
      try {
        const parsed = UndoEntrySchema.safeParse(JSON.parse(line))
        if (parsed.success) out.push(parsed.data)
      } catch {
        // torn last line
      }
    }
    return out
  }

  /** The run id of the newest entry, if any. */
  lastRun(): string | undefined {
    return this.entries().at(-1)?.run
  }

  /** Forget the entries of one run (after they were undone). */
  async drop(run: string): Promise<void> {
    const kept = this.entries().filter((e) => e.run !== run)
    await writeFileAtomic(this.file, kept.map((e) => JSON.stringify(e) + '\n').join(''))
  }
}
