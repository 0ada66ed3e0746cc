import { rmSync } from 'node:fs'
import KeyvRedis, { Keyv } from '@keyv/redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import { hasRedis, startRedis, type RedisServer } from '../../helpers/redis-server.js'

/** Issue 4: the shared-cache story — the same incremental behaviour with Redis as the cache. */
let redis: RedisServer | undefined
const stores: Keyv[] = []
let site: TempSite | undefined

beforeAll(async () => {
  if (hasRedis) redis = await startRedis()
})
afterEach(async () => {
  await site?.dispose()
  site = undefined
})
afterAll(async () => {
  for (const s of stores) await s.disconnect()
  await redis?.stop()
})

const connect = () => {
  const k = new Keyv({ store: new KeyvRedis(redis!.url), namespace: 'sitesmith' })
  stores.push(k)
  return k
}
const summary = (t: TempSite) =>
  t.server.requests.map((r) => (stageOf(r) === 'generate' ? `generate ${taskOf(r).path}` : stageOf(r)))

describe.skipIf(!hasRedis)(
  `incremental regeneration with a Redis cache${hasRedis ? '' : ' (skipped: /usr/bin/redis-server is not installed)'}`,
  () => {
    it('no change costs nothing, one section costs its task, and a fresh checkout replays from the shared cache', async () => {
      site = await createTempSite({ spec: 'specs/large.md', respond: scriptedSite() })
      await site.run({ cache: connect() })
      expect(site.server.requests.length).toBeGreaterThan(10)

      site.server.reset()
      await site.run({ cache: connect() })
      expect(site.server.requests).toEqual([])

      site.write(
        'spec.md',
        site.read('spec.md').replace(/^(## Results page\n)/m, '$1Results are posted by Sunday night.\n'),
      )
      site.server.reset()
      const edit = await site.run({ cache: connect() })
      expect(summary(site)).toEqual(['plan-delta', 'generate results.html', 'review'])
      expect(edit.changed).toEqual(['results.html'])

      // Another machine: a checkout with the spec and the committed .sitesmith/ plan and
      // tracker, but no generated files (they are build output there) — all from Redis.
      const files = site.snapshot()
      for (const path of files.keys()) if (path !== 'spec.md') rmSync(`${site.dir}/${path}`)
      rmSync(`${site.dir}/.sitesmith/run.jsonl`)
      site.server.reset()
      const replay = await site.run({ cache: connect(), cacheMode: 'frozen' })
      expect(site.server.requests).toEqual([])
      expect(replay.errors).toEqual([])
      expect(site.snapshot()).toEqual(files)
    })
  },
)
