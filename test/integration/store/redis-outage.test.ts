import KeyvRedis, { Keyv } from '@keyv/redis'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { acquireSiteLock } from '../../../plugin/store/site-lock.js'
import { closeCacheStore } from '../../../plugin/store/model-cache.js'
import type { Logger } from '../../../plugin/report/logger.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { hasRedis, startRedis, type RedisServer } from '../../helpers/redis-server.js'

/**
 * Issue #12: a Redis outage must not hang a run or wedge the site. node-redis queues
 * commands while it is offline and retries the connection forever (its documented
 * default), so an unbounded cache read waits as long as the server is gone.
 */
let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const SPEC = `# Tide Tables

## Look and feel
Sea blue.

## Home page
Today's tides for the harbour.

## Almanac page
High and low water for the month.
`

function warnings(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { lines, info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) }
}

async function redisStore(): Promise<{ redis: RedisServer; keyv: Keyv }> {
  const redis = await startRedis()
  const keyv = new Keyv({ store: new KeyvRedis(redis.url), namespace: 'sitesmith' })
  onTestFinished(async () => {
    await closeCacheStore(keyv, 1000)
    await redis.stop()
  })
  return { redis, keyv }
}

describe.skipIf(!hasRedis)(
  `a Redis cache that goes away mid-run${hasRedis ? '' : ' (skipped: /usr/bin/redis-server is not installed)'}`,
  () => {
    it('redis-server SIGKILLed at the first generate request: the run finishes with warned misses, the lock is free', async () => {
      const { redis, keyv } = await redisStore()
      let killed = false
      const respond = scriptedSite()
      site = await createTempSite({
        spec: SPEC,
        respond: async (req) => {
          if (!killed && stageOf(req) === 'generate') {
            killed = true
            redis.signal('SIGKILL')
            await redis.exited
          }
          return respond(req)
        },
      })
      const logger = warnings()
      // The bound stated in the README: the first store operation after the outage waits at
      // most cacheTimeoutMs, every later one not at all.
      const result = await site.run({ cache: keyv, cacheTimeoutMs: 1000 }, { logger })
      expect(killed).toBe(true)
      expect(result.errors).toEqual([])
      expect(result.changed).toEqual(['almanac.html', 'css/style.css', 'index.html', 'js/main.js'])
      const outage = logger.lines.filter((l) => l.includes('treats the cache as misses'))
      expect(outage).toHaveLength(1)
      // Released: another run may take the lock at once, without waiting.
      const release = await acquireSiteLock(site.dir, { wait: false })
      await release()
    })

    it('a server that accepts but never answers (SIGSTOP): abort() ends the run at once even with a long store timeout', async () => {
      const { redis, keyv } = await redisStore()
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      await keyv.set('warm-up', 1) // connected before the server freezes
      redis.signal('SIGSTOP')
      const controller = new AbortController()
      // Abort exactly when the run is waiting on its first cache read.
      keyv.hooks.addHandler('preGet', () => controller.abort(new Error('stopped by the test')))
      const { runPipeline } = await import('../../../plugin/pipeline/run-pipeline.js')
      const run = runPipeline({
        options: site.options({ cache: keyv, cacheTimeoutMs: 600_000 }),
        logger: warnings(),
        env: site.env,
        signal: controller.signal,
      })
      await expect(run).rejects.toThrow(/stopped by the test|cancel/)
      expect(site.server.requests).toEqual([])
      const release = await acquireSiteLock(site.dir, { wait: false })
      await release()
      // Closing a store whose server is frozen does not hang either (forced after the timeout).
      await closeCacheStore(keyv, 500)
      redis.signal('SIGCONT')
    })

    it('redis-server down before the run starts: every answer asked for, one warning, no hang', async () => {
      const { redis, keyv } = await redisStore()
      redis.signal('SIGKILL')
      await redis.exited
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      const logger = warnings()
      const result = await site.run({ cache: keyv, cacheTimeoutMs: 1000 }, { logger })
      expect(result.errors).toEqual([])
      expect(result.changed).toHaveLength(4)
      expect(logger.lines.filter((l) => l.includes('treats the cache as misses'))).toHaveLength(1)
    })
  },
)
