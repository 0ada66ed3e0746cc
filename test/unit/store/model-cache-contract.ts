import type { Keyv } from 'keyv'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { z } from 'zod'

import type { CacheMode } from '../../../plugin/options.js'
import { CacheMissError, cachedChat } from '../../../plugin/store/cached-chat.js'
import { ModelCache, cacheKey, type CacheEntry } from '../../../plugin/store/model-cache.js'
import { FakeChatClient, memoryLogger } from './fake-chat-client.js'

const PageSchema = z.object({ path: z.string(), content: z.string() })

/**
 * The behaviour every ModelCache store must have, whatever keyv backs it (the file store,
 * Redis). `makeKeyv` returns a fresh, empty store; each call may be a new connection to
 * the same backing data, as a second process would see it.
 */
export function modelCacheContract(makeKeyv: () => Promise<Keyv>): void {
  let keyvs: Keyv[] = []
  let shared: () => Promise<Keyv>
  beforeEach(async () => {
    keyvs = []
    const first = await makeKeyv()
    keyvs.push(first)
    shared = async () => first
  })
  afterEach(async () => {
    for (const k of keyvs) await k.clear().catch(() => {})
    for (const k of keyvs) await k.disconnect().catch(() => {})
  })

  const cacheWith = async (mode: CacheMode, logger = memoryLogger()) => ({
    cache: new ModelCache({ store: await shared(), mode, logger }),
    logger,
  })
  const call = (inputs: unknown) => ({
    stage: 'generate',
    promptVersion: 'g1',
    inputs,
    request: { messages: [{ role: 'user' as const, content: 'write' }], schema: PageSchema, label: 'generate:index' },
    taskId: 'index',
    path: 'index.html',
  })
  const client = () =>
    new FakeChatClient('ollama:test', (_label, n) => ({ path: 'index.html', content: `<h1>v${n}</h1>` }))

  it('miss calls the model and stores the entry; the same inputs then hit without a call', async () => {
    const { cache } = await cacheWith('auto')
    const c = client()
    const first = await cachedChat({ cache, client: c }, call({ instructions: 'home', sections: ['a'] }))
    expect(first).toMatchObject({ hit: false, calls: 1, usage: { promptTokens: 100, completionTokens: 20 } })
    // Key order of the inputs does not matter.
    const second = await cachedChat({ cache, client: c }, call({ sections: ['a'], instructions: 'home' }))
    expect(second).toEqual({
      value: first.value,
      hit: true,
      calls: 0,
      usage: { promptTokens: 0, completionTokens: 0 },
      key: first.key,
      by: first.by,
    })
    expect(first.by).toBe('ollama:test')
    expect(c.calls).toBe(1)
    const entry = (await cache.peek(first.key)) as CacheEntry
    expect(entry).toMatchObject({
      key: first.key,
      stage: 'generate',
      model: 'ollama:test',
      promptVersion: 'g1',
      label: 'generate:index',
      source: { kind: 'model' },
    })
    expect(entry.value).toEqual(first.value)
    expect(first.key).toBe(
      cacheKey({
        stage: 'generate',
        model: 'ollama:test',
        promptVersion: 'g1',
        inputs: { instructions: 'home', sections: ['a'] },
      }),
    )
  })

  it('changed inputs miss', async () => {
    const { cache } = await cacheWith('auto')
    const c = client()
    await cachedChat({ cache, client: c }, call({ instructions: 'home' }))
    await cachedChat({ cache, client: c }, call({ instructions: 'home!' }))
    expect(c.calls).toBe(2)
  })

  it('frozen: hits are served, a miss throws E_CACHE_MISS naming stage, task and file without calling the model', async () => {
    const auto = (await cacheWith('auto')).cache
    await cachedChat({ cache: auto, client: client() }, call({ instructions: 'home' }))
    const frozen = (await cacheWith('frozen')).cache
    const c = client()
    expect((await cachedChat({ cache: frozen, client: c }, call({ instructions: 'home' }))).hit).toBe(true)
    const error = await cachedChat({ cache: frozen, client: c }, call({ instructions: 'about' })).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CacheMissError)
    expect((error as CacheMissError).code).toBe('E_CACHE_MISS')
    expect((error as Error).message).toMatch(/stage "generate", task "index", file "index\.html"/)
    expect((error as Error).message).toMatch(/SITESMITH_CACHE_MODE=auto/)
    expect((error as Error).message).toMatch(/OPENAI_API_KEY/)
    expect((error as Error).message).toMatch(/OLLAMA_HOST/)
    expect(c.calls).toBe(0)
  })

  it('refresh: ignores stored answers, calls the model and replaces the entry', async () => {
    const auto = (await cacheWith('auto')).cache
    const first = await cachedChat({ cache: auto, client: client() }, call({ instructions: 'home' }))
    const refresh = (await cacheWith('refresh')).cache
    expect(await refresh.get(first.key)).toBeUndefined()
    const c = new FakeChatClient('ollama:test', () => ({ path: 'index.html', content: '<h1>fresh</h1>' }))
    const again = await cachedChat({ cache: refresh, client: c }, call({ instructions: 'home' }))
    expect(again.hit).toBe(false)
    expect(c.calls).toBe(1)
    expect((await auto.get(first.key))?.value).toEqual({ path: 'index.html', content: '<h1>fresh</h1>' })
  })

  it('concurrent identical misses make one model call', async () => {
    const { cache } = await cacheWith('auto')
    const c = new FakeChatClient('ollama:test', () => ({ path: 'index.html', content: 'x' }), 30)
    const results = await Promise.all(
      Array.from({ length: 8 }, () => cachedChat({ cache, client: c }, call({ instructions: 'same' }))),
    )
    expect(c.calls).toBe(1)
    expect(results.filter((r) => !r.hit)).toHaveLength(1)
    expect(new Set(results.map((r) => JSON.stringify(r.value))).size).toBe(1)
  })

  it('an entry that is not a valid cache entry is a miss with a warning, then replaced', async () => {
    const { cache, logger } = await cacheWith('auto')
    const key = cacheKey({
      stage: 'generate',
      model: 'ollama:test',
      promptVersion: 'g1',
      inputs: { instructions: 'home' },
    })
    await cache.keyv.set(key, { key, stage: 'generate', value: 'no usage, no source' })
    const c = client()
    const result = await cachedChat({ cache, client: c }, call({ instructions: 'home' }))
    expect(result.hit).toBe(false)
    expect(c.calls).toBe(1)
    expect(logger.warnings.join('\n')).toMatch(new RegExp(`entry ${key} is not a valid cache entry`))
    expect((await cache.get(key))?.value).toEqual(result.value)
  })

  it('a cached value that fails the request schema is a miss with a warning', async () => {
    const { cache, logger } = await cacheWith('auto')
    const first = await cachedChat({ cache, client: client() }, call({ instructions: 'home' }))
    const entry = (await cache.get(first.key))!
    await cache.set(first.key, { ...entry, value: { path: 'index.html' } })
    const c = client()
    expect((await cachedChat({ cache, client: c }, call({ instructions: 'home' }))).hit).toBe(false)
    expect(c.calls).toBe(1)
    expect(logger.warnings.join('\n')).toMatch(/no longer matches its schema \(content: /)
  })

  it('a failed model call is not cached and is retried next time', async () => {
    const { cache } = await cacheWith('auto')
    const c = new FakeChatClient('ollama:test', (_l, n) =>
      n === 1 ? new Error('HTTP 500') : { path: 'index.html', content: 'ok' },
    )
    await expect(cachedChat({ cache, client: c }, call({ instructions: 'home' }))).rejects.toThrow('HTTP 500')
    const ok = await cachedChat({ cache, client: c }, call({ instructions: 'home' }))
    expect(ok).toMatchObject({ hit: false, value: { content: 'ok' } })
    expect(c.calls).toBe(2)
  })
}
