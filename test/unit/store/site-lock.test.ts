import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  SiteLockedError,
  acquireSiteLock,
  readSiteLockOwner,
  type ReleaseSiteLock,
} from '../../../plugin/store/site-lock.js'
import { memoryLogger } from './fake-chat-client.js'
import { waitUntil } from '../../helpers/wait.js'

let site: string
const releases: ReleaseSiteLock[] = []
beforeEach(async () => {
  site = await mkdtemp(join(tmpdir(), 'sitesmith-lock-'))
})
afterEach(async () => {
  for (const r of releases.splice(0)) await r().catch(() => {})
  await rm(site, { recursive: true, force: true })
})
const hold = async (options = {}) => {
  const r = await acquireSiteLock(site, { logger: memoryLogger(), ...options })
  releases.push(r)
  return r
}
const lockDir = () => join(site, '.sitesmith', 'lock')

/** A lock directory as a run that is gone (or elsewhere) would have left it. */
function fakeLock(owner: { pid: number; hostname: string }, ageMs = 0) {
  mkdirSync(lockDir(), { recursive: true })
  writeFileSync(
    join(lockDir(), 'owner.json'),
    JSON.stringify({ ...owner, startedAt: '2024-01-01T00:00:00.000Z', token: 'feedface' }),
  )
  const t = (Date.now() - ageMs) / 1000
  utimesSync(lockDir(), t, t)
}

/** A pid that certainly does not exist any more: a child that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
  return Number(child.stdout.trim())
}

describe('acquireSiteLock', () => {
  it('a second acquisition refuses with E_LOCKED naming the site and the holder pid; release frees it', async () => {
    const release = await hold()
    expect(readSiteLockOwner(site)).toMatchObject({ pid: process.pid, hostname: hostname() })
    const error = await acquireSiteLock(site).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SiteLockedError)
    expect((error as SiteLockedError).code).toBe('E_LOCKED')
    expect((error as Error).message).toContain(`Site ${site} is locked`)
    expect((error as Error).message).toContain(`pid ${process.pid} on ${hostname()}`)
    await release()
    await release() // idempotent
    expect(existsSync(lockDir())).toBe(false)
    expect(readSiteLockOwner(site)).toBeUndefined()
    await hold()
  })

  it('a lock held past several heartbeats stays ours (the owner file must not look like a foreign update)', async () => {
    const logger = memoryLogger()
    // staleMs 2000 → proper-lockfile refreshes every second; hold for three of them.
    const release = await hold({ staleMs: 2_000, logger })
    // Each heartbeat sets the lock directory's mtime: wait for three of them, not for a time.
    let beats = 0
    let mtime = statSync(lockDir()).mtimeMs
    await waitUntil(
      'three heartbeats',
      () => {
        const now = statSync(lockDir()).mtimeMs
        if (now !== mtime) [beats, mtime] = [beats + 1, now]
        return beats >= 3
      },
      { timeout: 10_000, interval: 50 },
    )
    expect(logger.warnings).toEqual([])
    expect(readSiteLockOwner(site)?.pid).toBe(process.pid)
    await release()
  })

  it('wait: a waiting run gets the lock once the holder releases', async () => {
    const release = await hold()
    // Released once the second run is waiting (its onWait event), so the wait path is what runs.
    const second = await hold({ wait: 10_000, pollMs: 50, onWait: () => void release() })
    expect(typeof second).toBe('function')
    expect(readSiteLockOwner(site)?.pid).toBe(process.pid)
  })

  it('wait is bounded', async () => {
    await hold()
    const error = await acquireSiteLock(site, { wait: 300, pollMs: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SiteLockedError)
    expect((error as Error).message).toMatch(/waited \d+ s/)
  })

  it('waiting stops on abort', async () => {
    await hold()
    const controller = new AbortController()
    const waiting = acquireSiteLock(site, {
      wait: 10_000,
      pollMs: 20,
      signal: controller.signal,
      onWait: () => controller.abort(new Error('Ctrl-C')),
    })
    await expect(waiting).rejects.toThrow('Ctrl-C')
  })

  it('takes over at once a lock whose owner pid on this host no longer exists', async () => {
    const pid = deadPid()
    fakeLock({ pid, hostname: hostname() })
    const logger = memoryLogger()
    await hold({ logger })
    expect(readSiteLockOwner(site)?.pid).toBe(process.pid)
    expect(logger.warnings[0]).toMatch(new RegExp(`took over the lock on .* from pid ${pid} .*no longer exists`))
    expect((await readdir(join(site, '.sitesmith'))).sort()).toEqual(['lock'])
  })

  it('takes over a lock whose heartbeat stopped (holder on another host)', async () => {
    fakeLock({ pid: 1, hostname: 'elsewhere' }, 60_000)
    const logger = memoryLogger()
    await hold({ logger, staleMs: 2_000 })
    expect(logger.warnings[0]).toMatch(/from pid 1 on elsewhere \(no heartbeat/)
  })

  it('gives a live holder on this host more time than a silent one elsewhere', async () => {
    // The parent of this test process is alive; its heartbeat looks 5 s old, over the 2 s stale limit.
    fakeLock({ pid: process.ppid, hostname: hostname() }, 5_000)
    await expect(acquireSiteLock(site, { staleMs: 2_000 })).rejects.toThrow(SiteLockedError)
    // 13 s (more than 6 stale periods) without a heartbeat: taken over.
    fakeLock({ pid: process.ppid, hostname: hostname() }, 13_000)
    await hold({ staleMs: 2_000 })
    expect(readSiteLockOwner(site)?.pid).toBe(process.pid)
  })

  it('respects a fresh lock held on another host', async () => {
    fakeLock({ pid: 1, hostname: 'elsewhere' })
    await expect(acquireSiteLock(site)).rejects.toThrow(/pid 1 on elsewhere/)
    expect(readSiteLockOwner(site)?.hostname).toBe('elsewhere')
  })

  it('reports an unknown holder when the owner file is missing', async () => {
    mkdirSync(lockDir(), { recursive: true })
    await expect(acquireSiteLock(site)).rejects.toThrow(/holder unknown/)
  })
})
