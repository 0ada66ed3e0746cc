import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import KeyvRedis, { Keyv } from '@keyv/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { ModelCache, cachedChat } from '../../../plugin/store/model-cache.js'
import { FakeChatClient, memoryLogger } from '../../unit/store/fake-chat-client.js'
import { modelCacheContract } from '../../unit/store/model-cache-contract.js'

const REDIS = '/usr/bin/redis-server'
const hasRedis = existsSync(REDIS)

let server: ChildProcess | undefined
let dataDir: string | undefined
let url = ''

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const s = createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const { port } = s.address() as { port: number }
  s.close()
  await once(s, 'close')
  return port
}

beforeAll(async () => {
  if (!hasRedis) return
  dataDir = await mkdtemp(join(tmpdir(), 'sitesmith-redis-'))
  const port = await freePort()
  server = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${out}`)), 10_000)
    server!.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    server!.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}): ${out}`))
    })
  })
  url = `redis://127.0.0.1:${port}`
})

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM')
    await once(server, 'exit')
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const connect = () => new Keyv({ store: new KeyvRedis(url), namespace: 'sitesmith-test' })

describe.skipIf(!hasRedis)(`ModelCache over @keyv/redis and a real redis-server${hasRedis ? '' : ' (skipped: /usr/bin/redis-server is not installed)'}`, () => {
  modelCacheContract(async () => connect())

  it('an answer cached through one connection is a hit through another (another process or machine)', async () => {
    const a = connect()
    const b = connect()
    try {
      const schema = z.object({ html: z.string() })
      const call = { stage: 'generate', promptVersion: 'g1', inputs: { task: 'about' }, request: { messages: [], schema, label: 'generate:about' } }
      const client = new FakeChatClient('ollama:m', () => ({ html: '<h1>About</h1>' }))
      const first = await cachedChat({ cache: new ModelCache({ store: a, logger: memoryLogger() }), client }, call)
      const second = await cachedChat({ cache: new ModelCache({ store: b, mode: 'frozen', logger: memoryLogger() }), client }, call)
      expect(first.hit).toBe(false)
      expect(second).toMatchObject({ hit: true, value: { html: '<h1>About</h1>' }, key: first.key })
      expect(client.calls).toBe(1)
    } finally {
      await a.clear()
      await a.disconnect()
      await b.disconnect()
    }
  })
})
