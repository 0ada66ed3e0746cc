import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'

import { SiteLockedError, acquireSiteLock, readSiteLockOwner } from '../../../plugin/store/site-lock.js'
import { memoryLogger } from '../../unit/store/fake-chat-client.js'
import { runFixture, stop, type Child } from './child.js'

const dirs: string[] = []
let children: Child[] = []
afterEach(async () => {
  for (const c of children) await stop(c)
  children = []
})
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function tempSite(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sitesmith-lock-int-'))
  dirs.push(d)
  return d
}
const start = (args: string[]) => {
  const c = runFixture('lock-holder.ts', args)
  children.push(c)
  return c
}

describe('site lock across processes', () => {
  it('a second process is refused with the holder pid, or waits and gets the lock after release', async () => {
    const site = await tempSite()
    const holder = start([site, '0', 'hold'])
    const pid = Number((await holder.waitFor(/^locked /)).split(' ')[1])
    expect(pid).toBe(holder.proc.pid)

    const refused = await acquireSiteLock(site).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(SiteLockedError)
    expect((refused as Error).message).toContain(`pid ${pid} `)

    const waiter = start([site, '20000', 'hold'])
    // Once the waiter says it found the lock taken (and by whom), release it.
    expect(Number((await waiter.waitFor(/^waiting /)).split(' ')[1])).toBe(pid)
    expect(waiter.stdout()).not.toMatch(/locked/)
    holder.send('release')
    expect(await holder.exited).toBe(0)
    expect(Number((await waiter.waitFor(/^locked /)).split(' ')[1])).toBe(waiter.proc.pid)
    expect(waiter.stdout()).not.toMatch(/warning/) // a clean hand-over, not a take-over
    waiter.send('release')
    expect(await waiter.exited).toBe(0)
    expect(readSiteLockOwner(site)).toBeUndefined()
  })

  it('a lock left by a SIGKILLed run is taken over at once', async () => {
    const site = await tempSite()
    const holder = start([site, '0', 'hold'])
    const pid = Number((await holder.waitFor(/^locked /)).split(' ')[1])
    holder.proc.kill('SIGKILL')
    expect(await holder.exited).toBe('SIGKILL')
    expect(readSiteLockOwner(site)?.pid).toBe(pid) // still on disk

    const logger = memoryLogger()
    const release = await acquireSiteLock(site, { wait: false, logger })
    expect(readSiteLockOwner(site)?.pid).toBe(process.pid)
    expect(logger.warnings.join('\n')).toMatch(new RegExp(`from pid ${pid} .*no longer exists`))
    await release()
  })

  it('several processes racing for a dead run’s lock hold it one at a time', async () => {
    const site = await tempSite()
    const record = join(site, 'record.txt')
    const holder = start([site, '0', 'hold'])
    await holder.waitFor(/^locked /)
    holder.proc.kill('SIGKILL')
    await holder.exited

    const racers = [0, 1, 2].map(() => start([site, '30000', 'critical', record]))
    const codes = await Promise.all(racers.map((r) => r.exited))
    expect(codes, racers.map((r) => r.stdout() + r.stderr()).join('\n')).toEqual([0, 0, 0])
    const lines = (await readFile(record, 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(6)
    // Strictly nested: every enter is followed by the exit of the same process.
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, exit] = [lines[i].split(' '), lines[i + 1].split(' ')]
      expect([enter[0], exit[0], exit[1]]).toEqual(['enter', 'exit', enter[1]])
    }
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(3)
  })
})
