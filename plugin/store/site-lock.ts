import { randomBytes } from 'node:crypto'
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import lockfile from 'proper-lockfile'

import { SITESMITH_DIR } from './artifacts.js'
import type { Logger } from './file-store.js'

/**
 * One sitesmith run per site at a time (issue 7). Two runs on one site would interleave
 * writes to the same files and artifacts; the second one waits (bounded) or refuses with
 * `E_LOCKED` naming the holder.
 *
 * The lock is a directory, `<siteDir>/.sitesmith/lock/`, made by proper-lockfile (mkdir is
 * atomic; the holder refreshes its mtime as a heartbeat). Inside it, `owner.json` records
 * pid, host and start time. A lock is stale, and is taken over, when its owner is a pid on
 * this host that no longer exists (a SIGKILLed run: detected at once), or when its
 * heartbeat stopped for `staleMs` (a run on another host, or a frozen machine).
 * Take-overs are serialised by a second, short-lived mkdir lock so two waiters cannot
 * both remove the stale lock and end up holding two.
 */

export const LOCK_DIR = 'lock'
const OWNER_FILE = 'owner.json'
const TAKEOVER_DIR = 'lock.takeover'
/** A take-over lock older than this belongs to a process that died mid-take-over. */
const TAKEOVER_STALE_MS = 5_000
/** A holder whose pid is alive on this host is taken over only after this many stale periods. */
const LIVE_HOLDER_PATIENCE = 6
/** What `wait: true` means. */
export const DEFAULT_WAIT_MS = 120_000

export interface SiteLockOptions {
  /**
   * `false`: refuse at once when another run holds the lock; `true`: wait up to
   * `DEFAULT_WAIT_MS` (2 minutes); a number: wait up to that many ms. A stale lock is
   * taken over in every case.
   * @default false
   */
  wait?: boolean | number
  /** Heartbeat age after which a lock is stale (proper-lockfile refreshes it every staleMs/2; minimum 2000). @default 10000 */
  staleMs?: number
  /** How often a waiting run retries. @default 200 */
  pollMs?: number
  /** Stops waiting (Ctrl-C): the promise rejects with the abort reason. */
  signal?: AbortSignal
  /** Take-overs and a compromised lock are reported here. @default console */
  logger?: Logger
  /** Called once, when the lock is found taken and the wait begins (a progress line; tests wait on it). */
  onWait?: (holder: LockOwner | undefined) => void
}

/** Who holds a site lock, from `owner.json`. */
export interface LockOwner {
  pid: number
  hostname: string
  startedAt: string
  /** Random id of this acquisition, so a take-over removes exactly the lock it judged stale. */
  token: string
}

export class SiteLockedError extends Error {
  readonly code = 'E_LOCKED'
  constructor(
    readonly siteDir: string,
    readonly holder: LockOwner | undefined,
    waitedMs: number,
  ) {
    const who = holder
      ? `pid ${holder.pid} on ${holder.hostname}, running since ${holder.startedAt}`
      : 'holder unknown: its owner file is missing or unreadable'
    const lockDir = join(siteDir, SITESMITH_DIR, LOCK_DIR)
    super(
      `Site ${siteDir} is locked by another sitesmith run (${who})${waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)} s` : ''}. ` +
        `Wait for that run to finish or stop it. If no such process exists, delete ${lockDir}.`,
    )
    this.name = 'SiteLockedError'
  }
}

/** Releases the lock. Idempotent. */
export type ReleaseSiteLock = () => Promise<void>

/** Take the site lock or throw `SiteLockedError` (`E_LOCKED`). */
export async function acquireSiteLock(siteDir: string, options: SiteLockOptions = {}): Promise<ReleaseSiteLock> {
  const site = resolve(siteDir)
  const metaDir = join(site, SITESMITH_DIR)
  const lockDir = join(metaDir, LOCK_DIR)
  const logger = options.logger ?? console
  const staleMs = Math.max(options.staleMs ?? 10_000, 2_000)
  const pollMs = options.pollMs ?? 200
  const waitMs =
    options.wait === true
      ? DEFAULT_WAIT_MS
      : options.wait === false || options.wait === undefined
        ? 0
        : Math.max(0, options.wait)
  const started = Date.now()
  await mkdir(metaDir, { recursive: true })
  // Each take-over is progress, but a filesystem that keeps misbehaving must not spin us.
  let takeOvers = 0
  let waiting = false

  for (;;) {
    options.signal?.throwIfAborted()
    let code: unknown
    try {
      const release = await lockfile.lock(metaDir, {
        lockfilePath: lockDir,
        stale: staleMs,
        realpath: false,
        retries: 0,
        onCompromised: (error) =>
          logger.warn(
            `sitesmith: lost the lock on ${site} (${error.message}); another run may be writing the same files`,
          ),
      })
      return holdLock(site, lockDir, release)
    } catch (error) {
      code = (error as { code?: unknown }).code
      // ENOTEMPTY: proper-lockfile judged the heartbeat stale but could not rmdir a lock
      // that has an owner file; the take-over below removes it.
      if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') throw error
    }

    const owner = readOwner(lockDir)
    const stale = code === 'ENOTEMPTY' ? 'heartbeat' : owner && isLockOwnerDead(owner) ? 'dead' : undefined
    if (stale && takeOvers < 20 && (await takeOver(site, metaDir, lockDir, owner, stale, staleMs, logger))) {
      takeOvers++
      continue
    }

    const waited = Date.now() - started
    // A caller that asked not to wait was not kept waiting: no "waited 0 s" in its message.
    if (waited >= waitMs) throw new SiteLockedError(site, owner, waitMs > 0 ? waited : 0)
    if (!waiting) options.onWait?.(owner)
    waiting = true
    await sleep(Math.min(pollMs, waitMs - waited), undefined, { signal: options.signal }).catch((error: unknown) => {
      options.signal?.throwIfAborted() // the caller's reason, not a generic AbortError
      throw error
    })
  }
}

/** The current holder of a site's lock, if any (for `sitesmith status`). */
export function readSiteLockOwner(siteDir: string): LockOwner | undefined {
  return readOwner(join(resolve(siteDir), SITESMITH_DIR, LOCK_DIR))
}

function holdLock(site: string, lockDir: string, release: () => Promise<void>): ReleaseSiteLock {
  const me: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  }
  // Written in place, not via temp + rename: a temp file left by a kill would keep the
  // directory non-empty. A torn owner file reads as "unknown", and the heartbeat decides.
  try {
    // proper-lockfile's heartbeat checks that the lock directory's mtime is the one it set;
    // adding a file to the directory changes it, and the lock would be reported
    // compromised after the first heartbeat (5 s). Put the mtime back.
    const { atime, mtime } = statSync(lockDir)
    writeFileSync(join(lockDir, OWNER_FILE), `${JSON.stringify(me, null, 2)}\n`)
    utimesSync(lockDir, atime, mtime)
  } catch (error) {
    void release().catch(() => {})
    throw error
  }
  let released = false
  return async () => {
    if (released) return
    released = true
    // Only our own owner file: after a take-over the directory belongs to someone else.
    if (readOwner(lockDir)?.token === me.token) await rm(join(lockDir, OWNER_FILE), { force: true })
    try {
      await release()
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code === 'ERELEASED') return // compromised and already reported
      throw new Error(`sitesmith: could not release the lock on ${site}: ${(error as Error).message}`, { cause: error })
    }
  }
}

function readOwner(lockDir: string): LockOwner | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(lockDir, OWNER_FILE), 'utf8')) as Partial<LockOwner>
    if (typeof raw.pid !== 'number' || typeof raw.hostname !== 'string' || typeof raw.token !== 'string')
      return undefined
    return { pid: raw.pid, hostname: raw.hostname, startedAt: String(raw.startedAt ?? '?'), token: raw.token }
  } catch {
    return undefined
  }
}

/**
 * True when the holder is a pid on this host that no longer exists (a killed run). Only a
 * pid on this host can be checked; elsewhere the heartbeat decides (false).
 */
export function isLockOwnerDead(owner: LockOwner): boolean {
  if (owner.hostname !== hostname() || owner.pid === process.pid) return false
  try {
    process.kill(owner.pid, 0)
    return false
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code === 'ESRCH'
  }
}

/**
 * Remove a stale lock, under a take-over lock, after checking again that it is the same
 * stale lock. Returns true when the caller should retry at once.
 */
async function takeOver(
  site: string,
  metaDir: string,
  lockDir: string,
  judged: LockOwner | undefined,
  reason: 'dead' | 'heartbeat',
  staleMs: number,
  logger: Logger,
): Promise<boolean> {
  const mutex = join(metaDir, TAKEOVER_DIR)
  try {
    await mkdir(mutex)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error
    // Another process is taking over; if it died doing so, clear its mutex for the next poll.
    const age = await stat(mutex).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    )
    if (age > TAKEOVER_STALE_MS) await rmdir(mutex).catch(() => {})
    return false
  }
  try {
    const current = readOwner(lockDir)
    if (reason === 'dead') {
      if (!current || !judged || current.token !== judged.token || !isLockOwnerDead(current)) return true
    } else {
      const age = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => undefined,
      )
      if (age === undefined) return true // already gone
      // A holder we can see alive on this host only missed heartbeats (a long synchronous
      // step, a suspended laptop): give it far more time before assuming its pid was reused.
      const alive = current !== undefined && current.hostname === hostname() && !isLockOwnerDead(current)
      if (age < (alive ? staleMs * LIVE_HOLDER_PATIENCE : staleMs)) return false
    }
    // Rename first: atomic, so nobody ever sees a half-deleted lock directory.
    const tomb = join(metaDir, `${LOCK_DIR}.stale-${randomBytes(4).toString('hex')}`)
    try {
      await rename(lockDir, tomb)
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return true
      throw error
    }
    await rm(tomb, { recursive: true, force: true })
    const who = current ? `pid ${current.pid} on ${current.hostname}` : 'an unknown holder'
    logger.warn(
      `sitesmith: took over the lock on ${site} from ${who} (${reason === 'dead' ? 'that process no longer exists' : `no heartbeat for over ${Math.round(staleMs / 1000)} s`})`,
    )
    return true
  } finally {
    await rmdir(mutex).catch(() => {})
  }
}
