import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'
import type { FileTracker, TrackedFile } from '../store/artifact-schemas.js'
import { TrackedFileSchema } from '../store/artifact-schemas.js'
import { sha256, writeFileAtomic } from '../store/atomic-write.js'
import type { FileBlobs } from '../store/file-blobs.js'
import { checkEditedFile } from './integrity.js'
import { checkRealLocation, checkSitePath, type PathRules } from './paths.js'
import { findSecretInText, type KnownSecret } from './secrets.js'
import { UndoJournal } from '../store/undo-journal.js'
import { outsideChunksKept } from '../edit/outside-chunks.js'

/**
 * The only code that touches the user's files (docs/ARCHITECTURE.md, "Safety"). It refuses to
 * overwrite a file a person wrote or edited, deletes only files sitesmith generated, and
 * writes atomically. Each write is journaled first, so a run killed between writing a file
 * and saving the tracker is recognised on the next run as sitesmith's own write rather
 * than mistaken for a hand edit.
 */
export type FileState = 'missing' | 'generated' | 'hand-edited' | 'user-file'

export class WriteRefusedError extends Error implements Diagnosable {
  readonly code = 'E_WRITE_REFUSED'
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'WriteRefusedError'
  }

  toDiagnostics(): Diagnostic[] {
    return [
      {
        rule: this.code,
        severity: 'error',
        file: this.path,
        line: 0,
        column: 0,
        message: this.message,
        source: 'gate',
      },
    ]
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
  /**
   * Whether a person's (adopted) file may be changed in chunks (issue 17). Off: every such
   * change is refused and reported as what the run would have changed.
   * @default false
   */
  editUserFiles?: false | 'chunks'
  /** Names the run in the undo journal. @default 'run' */
  runId?: string
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
        entry = JSON.parse(line) as typeof entry
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
        const parsed = TrackedFileSchema.safeParse({
          ...entry.meta,
          hash: entry.hash,
          updatedAt: new Date().toISOString(),
        })
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
    if (!tracked || tracked.owner === 'user') return 'user-file'
    return sha256(readFileSync(abs)) === tracked.hash ? 'generated' : 'hand-edited'
  }

  read(rel: string): string | null {
    const abs = join(this.opts.siteDir, rel)
    return existsSync(abs) && checkRealLocation(abs, this.opts.siteDir).ok ? readFileSync(abs, 'utf8') : null
  }

  /**
   * Write generated content. Throws `WriteRefusedError` (nothing written) when not allowed:
   * a path outside the site rules, a person's file, or content that fails the integrity gate.
   * The gate runs here, not only in the callers, so no write can skip it (#11) — a restored
   * blob from a shared store is checked like a fresh answer.
   */
  async write(path: string, content: string, meta: TrackMeta, basis?: { from: string }): Promise<{ changed: boolean }> {
    const checked = checkSitePath(path, this.opts)
    if (!checked.ok) throw new WriteRefusedError(path, checked.reason)
    const { rel, abs } = checked
    // Every way content reaches the site passes here — fresh answers, cache hits, blob
    // restores, fixes — so this is where a secret is stopped for all of them (issue #10).
    const secret = findSecretInText(content, this.opts.secrets ?? [])
    if (secret)
      throw new WriteRefusedError(
        rel,
        `${rel} is not written: its content carries the value of ${secret.name} (from ${secret.from}); a secret never goes into the site`,
      )
    const gate = checkEditedFile(rel, content)
    if (!gate.ok) throw new WriteRefusedError(rel, gate.reason)
    const state = this.state(rel)
    if (state === 'user-file') {
      throw new WriteRefusedError(
        rel,
        `${rel} exists and was not written by sitesmith; it is left as it is. Move or delete it to let sitesmith generate it.`,
      )
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

    const seen = this.diskHash(abs)
    const hash = sha256(content)
    const previous = this.tracker.files[rel]
    const unchangedBytes = state === 'generated' && previous?.hash === hash
    if (!unchangedBytes) {
      // What the new bytes were made from (an update's source) or, for a whole-file write,
      // what was there when the write was decided: a hand edit that lands in between —
      // while the model was answering, or while the temp file was written — is kept.
      const expected = basis ? sha256(basis.from) : seen
      if (basis && seen !== expected) throw new WriteRefusedError(rel, hiddenEditMessage(rel))
      appendFileSync(this.journal, JSON.stringify({ path: rel, hash, meta }) + '\n')
      await writeFileAtomic(abs, content, { beforeRename: () => this.expectOnDisk(rel, abs, expected) })
      await this.opts.blobs?.put(hash, content)
    }
    // The same bytes as recorded (a restored file included) keep their date: restoring a
    // deleted file changes nothing in the committed tracker (#12).
    const updatedAt = previous?.hash === hash ? previous.updatedAt : new Date().toISOString()
    this.tracker.files[rel] = TrackedFileSchema.parse({ ...meta, hash, updatedAt })
    return { changed: !unchangedBytes }
  }

  /**
   * Change a person's file (owner `user`, brought in by `sitesmith adopt`) in chunks only
   * (issue 17): allowed only with `editUserFiles: 'chunks'` or an explicit `consent`
   * (`sitesmith review --apply`); `after` must be `before` with only `targets` replaced;
   * the file must still hold `before` right up to the rename; the previous bytes are
   * journaled first so `sitesmith undo` restores them exactly.
   */
  async writeUserChunks(
    path: string,
    before: string,
    after: string,
    targets: readonly string[],
    meta: TrackMeta,
    consent = false,
  ): Promise<{ changed: boolean }> {
    const checked = checkSitePath(path, this.opts)
    if (!checked.ok) throw new WriteRefusedError(path, checked.reason)
    const { rel, abs } = checked
    const previous = this.tracker.files[rel]
    if (previous?.owner !== 'user')
      throw new WriteRefusedError(
        rel,
        `${rel} is not a file adopted from a person (run \`sitesmith adopt\` to bring it in); it is left as it is`,
      )
    if (this.opts.editUserFiles !== 'chunks' && !consent) throw new UserFileEditOffError(rel, targets)
    // A secret the person's file did not already hold never enters it (issue #10).
    const secret = findSecretInText(after, this.opts.secrets ?? [])
    if (secret && !findSecretInText(before, this.opts.secrets ?? []))
      throw new WriteRefusedError(
        rel,
        `${rel} is not changed: the edit carries the value of ${secret.name} (from ${secret.from}); a secret never goes into the site`,
      )
    const outside = outsideChunksKept(rel, before, after, targets)
    if (outside) throw new WriteRefusedError(rel, `${outside}; the edit of the person's file is refused`)
    const beforeHash = sha256(before)
    if (this.diskHash(abs) !== beforeHash) throw new WriteRefusedError(rel, hiddenEditMessage(rel))
    const real = checkRealLocation(abs, this.opts.siteDir)
    if (!real.ok) throw new WriteRefusedError(rel, real.reason)
    const hash = sha256(after)
    if (hash === beforeHash) return { changed: false }
    const entry = TrackedFileSchema.parse({ ...meta, owner: 'user', hash, updatedAt: new Date().toISOString() })
    new UndoJournal(this.opts.stateDir).record({
      run: this.opts.runId ?? 'run',
      path: rel,
      target: [...targets],
      beforeHash,
      afterHash: hash,
      before: Buffer.from(before, 'utf8').toString('base64'),
      tracked: previous,
      at: entry.updatedAt,
    })
    appendFileSync(this.journal, JSON.stringify({ path: rel, hash, meta: { ...meta, owner: 'user' } }) + '\n')
    await writeFileAtomic(abs, after, { beforeRename: () => this.expectOnDisk(rel, abs, beforeHash) })
    this.tracker.files[rel] = entry
    return { changed: true }
  }

  /**
   * `sitesmith undo`: put back the exact bytes a journaled change replaced, if the file
   * still holds what that change wrote (a later hand edit is never undone over).
   */
  async restore(rel: string, bytes: Buffer, expectHash: string, tracked: TrackedFile | undefined): Promise<void> {
    const checked = checkSitePath(rel, this.opts)
    if (!checked.ok) throw new WriteRefusedError(rel, checked.reason)
    const { abs } = checked
    if (this.diskHash(abs) !== expectHash)
      throw new WriteRefusedError(
        rel,
        `${rel} changed since sitesmith edited it; it is left as it is (undo would lose that change)`,
      )
    await writeFileAtomic(abs, bytes, { beforeRename: () => this.expectOnDisk(rel, abs, expectHash) })
    if (tracked) this.tracker.files[rel] = tracked
    else delete this.tracker.files[rel]
  }

  /** Whether plans and fixes may change a person's file in chunks (the `editUserFiles` option). */
  get editsUserFiles(): boolean {
    return this.opts.editUserFiles === 'chunks'
  }

  private diskHash(abs: string): string | null {
    return existsSync(abs) ? sha256(readFileSync(abs)) : null
  }

  private expectOnDisk(rel: string, abs: string, expected: string | null): void {
    if (this.diskHash(abs) !== expected) throw new WriteRefusedError(rel, hiddenEditMessage(rel))
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
    if (state === 'hand-edited' && !this.opts.overwriteHandEdits)
      return {
        deleted: false,
        reason: `${rel} was edited by hand since sitesmith wrote it; it is kept (delete it yourself if it should go)`,
      }
    if (state !== 'missing') {
      appendFileSync(this.journal, JSON.stringify({ path: rel, deleted: true }) + '\n')
      unlinkSync(abs)
    }
    delete this.tracker.files[rel]
    return { deleted: true }
  }
}

/** A person's file would have been changed, but `editUserFiles` is off (issue 17). */
export class UserFileEditOffError extends WriteRefusedError {
  constructor(
    path: string,
    readonly targets: readonly string[],
  ) {
    super(
      path,
      `${path} is the person's file and editUserFiles is off: ` +
        `sitesmith would have changed ${targets.map((t) => `"${t}"`).join(', ')} in it; ` +
        "set editUserFiles: 'chunks' (or --edit-user-files) to let it",
    )
    this.name = 'UserFileEditOffError'
  }
}

export function hiddenEditMessage(rel: string): string {
  return `${rel} changed on disk while sitesmith was working on it (a hand edit?); the new version was not written and the file is kept as it is now`
}

export function handEditMessage(rel: string): string {
  return (
    `${rel} was edited by hand since sitesmith last wrote it, so it is kept byte for byte. ` +
    `To let sitesmith regenerate it, run with SITESMITH_OVERWRITE_EDITS=1 (or the option overwriteHandEdits: true), or delete the file.`
  )
}
