import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { FileTracker, TrackedFile } from '../store/artifact-schemas.js'
import { TrackedFileSchema } from '../store/artifact-schemas.js'
import { sha256, writeFileAtomic } from '../store/atomic-write.js'
import type { FileBlobs } from '../store/file-blobs.js'
import { checkRealLocation, checkSitePath, type PathRules } from '../safety/paths.js'
import { findSecretInText, type KnownSecret } from '../safety/secrets.js'

/**
 * The only code that touches the user's files (shared/DESIGN.md, "Safety"). It refuses to
 * overwrite a file a person wrote or edited, deletes only files sitesmith generated, and
 * writes atomically. Each write is journaled first, so a run killed between writing a file
 * and saving the tracker is recognised on the next run as sitesmith's own write rather
 * than mistaken for a hand edit.
 */
export type FileState = 'missing' | 'generated' | 'hand-edited' | 'user-file'

export class WriteRefusedError extends Error {
  readonly code = 'E_WRITE_REFUSED'
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'WriteRefusedError'
  }
}

export interface SiteWriterOptions extends PathRules {
  tracker: FileTracker
  /** Where written bytes are kept by hash, so a checkout without them can restore them. */
  blobs?: FileBlobs
  overwriteHandEdits: boolean
  /** `.sitesmith` directory for the journal. */
  stateDir: string
  /** Secrets of this checkout: content carrying one (raw or encoded) is never written. @default [] */
  secrets?: readonly KnownSecret[]
}

export type TrackMeta = Omit<TrackedFile, 'hash' | 'updatedAt'>

export class SiteWriter {
  readonly tracker: FileTracker
  private readonly journal: string

  constructor(private readonly opts: SiteWriterOptions) {
    this.tracker = { files: { ...opts.tracker.files } }
    this.journal = join(opts.stateDir, 'pending.jsonl')
  }

  /** Re-read what a killed run wrote but did not get to record (see class comment). */
  recover(): string[] {
    if (!existsSync(this.journal)) return []
    const recovered: string[] = []
    for (const line of readFileSync(this.journal, 'utf8').split('\n')) {
      if (!line.trim()) continue
      let entry: { path: string; hash: string; meta: TrackMeta } | { path: string; deleted: true }
      try {
        entry = JSON.parse(line)
      } catch {
        continue // a torn last line: the write it announced never finished renaming
      }
      const abs = join(this.opts.siteDir, entry.path)
      if ('deleted' in entry) {
        if (!existsSync(abs) && this.tracker.files[entry.path]) {
          delete this.tracker.files[entry.path]
          recovered.push(entry.path)
        }
        continue
      }
      if (existsSync(abs) && sha256(readFileSync(abs)) === entry.hash) {
        const parsed = TrackedFileSchema.safeParse({ ...entry.meta, hash: entry.hash, updatedAt: new Date().toISOString() })
        if (parsed.success && this.tracker.files[entry.path]?.hash !== entry.hash) {
          this.tracker.files[entry.path] = parsed.data
          recovered.push(entry.path)
        }
      }
    }
    return recovered
  }

  /** Call after the tracker has been saved: the journal's entries are now recorded. */
  clearJournal(): void {
    rmSync(this.journal, { force: true })
  }

  state(rel: string): FileState {
    const abs = join(this.opts.siteDir, rel)
    if (!existsSync(abs)) return 'missing'
    // Bytes reached through a symlink are not sitesmith's, wherever they lead.
    if (!checkRealLocation(abs, this.opts.siteDir).ok) return 'user-file'
    const tracked = this.tracker.files[rel]
    if (!tracked) return 'user-file'
    return sha256(readFileSync(abs)) === tracked.hash ? 'generated' : 'hand-edited'
  }

  read(rel: string): string | null {
    const abs = join(this.opts.siteDir, rel)
    return existsSync(abs) && checkRealLocation(abs, this.opts.siteDir).ok ? readFileSync(abs, 'utf8') : null
  }

  /** Write generated content. Throws `WriteRefusedError` (nothing written) when not allowed. */
  async write(path: string, content: string, meta: TrackMeta): Promise<{ changed: boolean }> {
    const checked = checkSitePath(path, this.opts)
    if (!checked.ok) throw new WriteRefusedError(path, checked.reason)
    const { rel, abs } = checked
    // Every way content reaches the site passes here — fresh answers, cache hits, blob
    // restores, fixes — so this is where a secret is stopped for all of them (issue #10).
    const secret = findSecretInText(content, this.opts.secrets ?? [])
    if (secret) throw new WriteRefusedError(rel, `${rel} is not written: its content carries the value of ${secret.name} (from ${secret.from}); a secret never goes into the site`)
    const state = this.state(rel)
    if (state === 'user-file') {
      throw new WriteRefusedError(rel, `${rel} exists and was not written by sitesmith; it is left as it is. Move or delete it to let sitesmith generate it.`)
    }
    if (state === 'hand-edited' && !this.opts.overwriteHandEdits) {
      throw new WriteRefusedError(rel, handEditMessage(rel))
    }
    // Judged BEFORE mkdir: `mkdir -p` through a symlinked folder would create folders
    // outside the site even if the write itself were then refused (issue #10). Judged again
    // after, in case a folder was swapped for a symlink in between.
    const real = checkRealLocation(abs, this.opts.siteDir)
    if (!real.ok) throw new WriteRefusedError(rel, real.reason)
    mkdirSync(dirname(abs), { recursive: true })
    const again = checkRealLocation(abs, this.opts.siteDir)
    if (!again.ok) throw new WriteRefusedError(rel, again.reason)

    const hash = sha256(content)
    const previous = this.tracker.files[rel]
    const unchangedBytes = state === 'generated' && previous?.hash === hash
    if (!unchangedBytes) {
      appendFileSync(this.journal, JSON.stringify({ path: rel, hash, meta }) + '\n')
      await writeFileAtomic(abs, content)
      await this.opts.blobs?.put(hash, content)
    }
    this.tracker.files[rel] = TrackedFileSchema.parse({ ...meta, hash, updatedAt: unchangedBytes && previous ? previous.updatedAt : new Date().toISOString() })
    return { changed: !unchangedBytes }
  }

  /** Delete a file sitesmith generated. Hand-edited and foreign files are kept (returns why). */
  delete(path: string): { deleted: boolean; reason?: string } {
    const checked = checkSitePath(path, this.opts)
    if (!checked.ok) return { deleted: false, reason: checked.reason }
    const { rel, abs } = checked
    // A removal-only spec change reaches here without plan validation; a folder the user
    // symlinked elsewhere must not make this delete a file outside the site (issue #10).
    const real = checkRealLocation(abs, this.opts.siteDir)
    if (!real.ok) return { deleted: false, reason: `${rel} is kept: ${real.reason}` }
    const state = this.state(rel)
    if (state === 'user-file') return { deleted: false, reason: `${rel} was not generated by sitesmith; it is kept` }
    if (state === 'hand-edited' && !this.opts.overwriteHandEdits) return { deleted: false, reason: `${rel} was edited by hand since sitesmith wrote it; it is kept (delete it yourself if it should go)` }
    if (state !== 'missing') {
      appendFileSync(this.journal, JSON.stringify({ path: rel, deleted: true }) + '\n')
      unlinkSync(abs)
    }
    delete this.tracker.files[rel]
    return { deleted: true }
  }
}

export function handEditMessage(rel: string): string {
  return (
    `${rel} was edited by hand since sitesmith last wrote it, so it is kept byte for byte. ` +
    `To let sitesmith regenerate it, run with SITESMITH_OVERWRITE_EDITS=1 (or the option overwriteHandEdits: true), or delete the file.`
  )
}
