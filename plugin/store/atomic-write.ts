import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readdir, rename, stat, unlink, chmod } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Crash-safe file writes. The site writer, the artifacts and the cache all go through
 * `writeFileAtomic`, so a run that is SIGKILLed at any instant leaves every file either
 * its old or its new version, whole: the bytes go to a temp file in the same directory
 * (same filesystem, so `rename` is atomic), are fsynced, and only then renamed over the
 * target. Readers never observe a partial file.
 */

/** Temp files are hidden and carry this suffix, so a crash leftover is recognisable and never served. */
export const TEMP_SUFFIX = '.sitesmith-tmp'

/** True for a name `writeFileAtomic` uses for its temp files (`.<name>.<random>.sitesmith-tmp`). */
export function isAtomicTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX)
}

/** Hex sha256 of a string (hashed as UTF-8) or bytes. */
export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex')
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename and the directory after it. Without it a power
   * loss (not a process kill) can leave an empty file behind the new name.
   * @default true
   */
  fsync?: boolean
  /**
   * File mode for a new file. An existing file keeps its mode (a generated script that a
   * person made executable stays executable).
   * @default 0o666 (minus the umask)
   */
  mode?: number
  /**
   * Runs after the temp file is complete and right before the rename; throwing aborts the
   * write (temp removed, target untouched). The site writer uses it to re-check that the
   * target still holds the bytes the new content was made from, so a hand edit that lands
   * while a model call is in flight is never renamed over (issue 17).
   */
  beforeRename?: () => void | Promise<void>
}

/**
 * Write `content` to `path` atomically: temp file in the same directory, fsync, rename.
 * Creates missing parent directories. On any failure the temp file is removed and the
 * previous content of `path` is untouched.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fsync = options.fsync ?? true
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })

  // Keep the mode of the file being replaced; rename would otherwise reset it.
  let existingMode: number | undefined
  try {
    existingMode = (await stat(path)).mode & 0o7777
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  const mode = existingMode ?? options.mode ?? 0o666

  // pid + random: unique across processes and across concurrent writes in one process.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
  let renamed = false
  try {
    const handle = await open(tmp, 'wx', mode)
    try {
      await handle.writeFile(content)
      if (fsync) await handle.sync()
    } finally {
      await handle.close()
    }
    // `open` applies the umask; an existing file's exact mode is restored explicitly.
    if (existingMode !== undefined) await chmod(tmp, existingMode)
    await options.beforeRename?.()
    await rename(tmp, path)
    renamed = true
    if (fsync) await syncDirectory(dir)
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {})
  }
}

/**
 * Remove temp files a killed process left in `dir` (not recursive). Only names made by
 * `writeFileAtomic` are touched. Returns the removed paths.
 */
export async function removeAtomicTempFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if (isNotFound(error)) return []
    throw error
  }
  const removed: string[] = []
  for (const name of names) {
    if (!isAtomicTempFile(name)) continue
    const p = join(dir, name)
    await unlink(p).then(
      () => removed.push(p),
      (error: unknown) => {
        if (!isNotFound(error)) throw error
      },
    )
  }
  return removed
}

/** Makes the rename itself durable. Some filesystems refuse to fsync a directory; that is not an error. */
async function syncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // EISDIR/EINVAL/EPERM on platforms without directory fsync: the rename already happened.
  } finally {
    await handle?.close()
  }
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT'
}
