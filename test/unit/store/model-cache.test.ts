import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { Keyv } from 'keyv'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { createFileKeyv } from '../../../plugin/store/file-store.js'
import { cachedChat } from '../../../plugin/store/cached-chat.js'
import { ModelCache, cacheKey, stableStringify } from '../../../plugin/store/model-cache.js'
import type { RunEvent } from '../../../plugin/store/run-log.js'
import { FakeChatClient, memoryLogger } from './fake-chat-client.js'
import { modelCacheContract } from './model-cache-contract.js'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sitesmith-model-cache-'))
  dirs.push(d)
  return d
}

describe('stableStringify', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 2 }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[3,{"x":2,"z":1}]},"b":1}',
    )
    expect(stableStringify([undefined, null])).toBe('[null,null]')
    expect(stableStringify({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
  })

  it('rejects values JSON would silently change, naming the path', () => {
    expect(() => stableStringify({ a: [1, Number.NaN] })).toThrow('$.a[1] is NaN')
    expect(() => stableStringify({ m: new Map() })).toThrow('$.m is a Map')
    expect(() => stableStringify({ f: () => 1 })).toThrow('$.f is a function')
    expect(() => stableStringify({ n: 1n })).toThrow('$.n is a bigint')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => stableStringify(cyclic)).toThrow('$.self refers back')
    // A shared (non-cyclic) object is fine.
    const shared = { x: 1 }
    expect(stableStringify({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
  })

  it('is insensitive to key order and round-trips through JSON (property)', () => {
    const json = fc.jsonValue({ maxDepth: 4 })
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v
    fc.assert(
      fc.property(json, (v) => {
        const s = stableStringify(v)
        expect(stableStringify(reverseKeys(v))).toBe(s)
        // -0 is the one JSON value that does not survive; JSON.stringify(-0) is "0" too.
        expect(JSON.parse(s)).toEqual(JSON.parse(JSON.stringify(v)))
      }),
      { numRuns: 300 },
    )
  })
})

describe('cacheKey', () => {
  const base = { stage: 'generate', model: 'ollama:m', promptVersion: 'v1', inputs: { a: 1 } }
  it('is a sha256 hex that changes with each part and not with key order', () => {
    const k = cacheKey(base)
    expect(k).toMatch(/^[0-9a-f]{64}$/)
    expect(cacheKey({ inputs: { a: 1 }, promptVersion: 'v1', model: 'ollama:m', stage: 'generate' })).toBe(k)
    const variants = [
      { ...base, stage: 'fix' },
      { ...base, model: 'ollama:n' },
      { ...base, promptVersion: 'v2' },
      { ...base, inputs: { a: 2 } },
      { ...base, inputs: { a: '1' } },
    ]
    expect(new Set([k, ...variants.map(cacheKey)]).size).toBe(6)
  })
  it('refuses an empty stage', () => {
    expect(() => cacheKey({ ...base, stage: '' })).toThrow('stage must be a non-empty string')
  })
})

describe('ModelCache over the file store', () => {
  modelCacheContract(async () => createFileKeyv(await tempDir(), { logger: memoryLogger() }))

  it('writes one readable JSON object per key, named by the key', async () => {
    const dir = await tempDir()
    const cache = new ModelCache({ store: dir, logger: memoryLogger() })
    const client = new FakeChatClient('ollama:m', () => ({ n: 1 }))
    const r = await cachedChat(
      { cache, client },
      {
        stage: 'plan',
        promptVersion: 'p1',
        inputs: {},
        request: { messages: [], schema: z.object({ n: z.number() }), label: 'plan' },
      },
    )
    const text = await readFile(join(dir, r.key.slice(0, 2), `${r.key}.json`), 'utf8')
    expect(text).toMatch(/^\{\n {2}"value": \{\n {4}"key": "[0-9a-f]{64}",\n/)
    expect(text.endsWith('}\n')).toBe(true)
    expect((JSON.parse(text) as { value: { value: unknown } }).value.value).toEqual({ n: 1 })
  })
})

describe('ModelCache over an in-memory keyv', () => {
  modelCacheContract(async () => new Keyv())
})

describe('cachedChat run log', () => {
  it('logs hit/miss, tokens, duration and errors', async () => {
    const events: RunEvent[] = []
    const log = { write: (e: RunEvent) => void events.push(e) }
    const cache = new ModelCache({ store: new Keyv(), logger: memoryLogger() })
    const client = new FakeChatClient('ollama:m', () => ({ n: 1 }))
    const call = {
      stage: 'review',
      promptVersion: 'r1',
      inputs: { f: 'a' },
      taskId: 't1',
      path: 'a.html',
      request: { messages: [], schema: z.object({ n: z.number() }), label: 'review:a' },
    }
    await cachedChat({ cache, client, log }, call)
    await cachedChat({ cache, client, log }, call)
    const frozen = new ModelCache({ store: new Keyv(), mode: 'frozen', logger: memoryLogger() })
    await expect(cachedChat({ cache: frozen, client, log }, call)).rejects.toThrow(/No cached model answer/)
    expect(events.map((e) => [e.stage, e.event, e.cache, e.taskId, e.path])).toEqual([
      ['review', 'model-call', 'miss', 't1', 'a.html'],
      ['review', 'model-call', 'hit', 't1', 'a.html'],
      ['review', 'error', 'miss', 't1', 'a.html'],
    ])
    expect(events[0].tokens).toEqual({ prompt: 100, completion: 20 })
    expect(typeof events[0].durationMs).toBe('number')
    expect(events[2].error).toBeInstanceOf(Error)
  })

  it('warns and does not cache an answer that cannot survive JSON', async () => {
    const logger = memoryLogger()
    const cache = new ModelCache({ store: new Keyv(), logger })
    const schema = z.object({ n: z.string().transform((s) => Number(s)) })
    const client = {
      id: 'x:y',
      chat: async () => ({ value: { n: 5 }, usage: { promptTokens: 1, completionTokens: 1 }, calls: 1, model: 'y' }),
    }
    const r = await cachedChat(
      { cache, client: client as never },
      { stage: 's', promptVersion: '1', inputs: 1, request: { messages: [], schema, label: 'l' } },
    )
    expect(r.value).toEqual({ n: 5 })
    expect(await cache.get(r.key)).toBeUndefined()
    expect(logger.warnings[0]).toMatch(/answer for l is not cacheable/)
  })
})

describe('ModelCache and a long-lived keyv', () => {
  it('adds one error listener per keyv, however many caches wrap it, and warns through the newest logger', () => {
    const keyv = new Keyv()
    const before = keyv.listeners('error').length
    const loggers = Array.from({ length: 150 }, () => memoryLogger())
    for (const logger of loggers) new ModelCache({ store: keyv, logger })
    expect(keyv.listeners('error').length).toBe(before + 1)
    keyv.emit('error', new Error('ECONNREFUSED 127.0.0.1:6379'))
    // A reconnecting client reports every attempt; one warning per run says it (#12).
    keyv.emit('error', new Error('ECONNREFUSED 127.0.0.1:6379'))
    expect(loggers.at(-1)!.warnings).toHaveLength(1)
    expect(loggers.at(-1)!.warnings[0]).toMatch(
      /^sitesmith cache: store error: ECONNREFUSED 127\.0\.0\.1:6379; the rest of this run treats the cache as misses/,
    )
    expect(loggers[0].warnings).toEqual([])
  })
})
