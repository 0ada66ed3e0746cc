import KeyvRedis, { Keyv } from '@keyv/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { cachedChat } from '../../../plugin/store/cached-chat.js'
import { ModelCache } from '../../../plugin/store/model-cache.js'
import { FakeChatClient, memoryLogger } from '../../unit/store/fake-chat-client.js'
import { modelCacheContract } from '../../unit/store/model-cache-contract.js'
import { hasRedis, startRedis, type RedisServer } from '../../helpers/redis-server.js'

let redis: RedisServer | undefined
let url = ''

beforeAll(async () => {
  if (!hasRedis) return
  redis = await startRedis()
  url = redis.url
})

afterAll(async () => {
  await redis?.stop()
})

const connect = () => new Keyv({ store: new KeyvRedis(url), namespace: 'sitesmith-test' })

describe.skipIf(!hasRedis)(
  `ModelCache over @keyv/redis and a real redis-server${hasRedis ? '' : ' (skipped: /usr/bin/redis-server is not installed)'}`,
  () => {
    modelCacheContract(async () => connect())

    it('an answer cached through one connection is a hit through another (another process or machine)', async () => {
      const a = connect()
      const b = connect()
      try {
        const schema = z.object({ html: z.string() })
        const call = {
          stage: 'generate',
          promptVersion: 'g1',
          inputs: { task: 'about' },
          request: { messages: [], schema, label: 'generate:about' },
        }
        const client = new FakeChatClient('ollama:m', () => ({ html: '<h1>About</h1>' }))
        const first = await cachedChat({ cache: new ModelCache({ store: a, logger: memoryLogger() }), client }, call)
        const second = await cachedChat(
          { cache: new ModelCache({ store: b, mode: 'frozen', logger: memoryLogger() }), client },
          call,
        )
        expect(first.hit).toBe(false)
        expect(second).toMatchObject({ hit: true, value: { html: '<h1>About</h1>' }, key: first.key })
        expect(client.calls).toBe(1)
      } finally {
        await a.clear()
        await a.disconnect()
        await b.disconnect()
      }
    })
  },
)
