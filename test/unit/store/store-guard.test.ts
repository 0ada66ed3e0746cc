import { Keyv } from 'keyv'
import { describe, expect, it } from 'vitest'
import { ModelCache, closeCacheStore } from '../../../plugin/store/model-cache.js'
import { STORE_DOWN, StoreGuard } from '../../../plugin/store/store-guard.js'
import { memoryLogger } from './fake-chat-client.js'

/** A keyv store whose operations never settle, like node-redis's offline queue with the server gone (#12). */
function hangingKeyv(): { keyv: Keyv; forced: boolean[] } {
  const forced: boolean[] = []
  const never = () => new Promise<never>(() => {})
  const store = {
    opts: {},
    namespace: undefined,
    get: never,
    set: never,
    delete: never,
    clear: never,
    on: () => store,
    disconnect: (force?: boolean) => (forced.push(!!force), force ? Promise.resolve() : never()),
  }
  return { keyv: new Keyv({ store: store as never }), forced }
}

describe('StoreGuard', () => {
  it('a store that never answers is a miss after the timeout, then skipped for the rest of the run, warned once', async () => {
    const warnings: string[] = []
    const guard = new StoreGuard({ timeoutMs: 20, warn: (m) => warnings.push(m) })
    expect(await guard.run('reading k', () => new Promise(() => {}))).toBe(STORE_DOWN)
    let called = false
    expect(await guard.run('reading j', async () => ((called = true), 1))).toBe(STORE_DOWN)
    expect(called).toBe(false)
    expect(warnings).toEqual([
      'sitesmith cache: reading k got no answer within 20 ms; the rest of this run treats the cache as misses (answers are asked for again and not stored)',
    ])
  })

  it('a store that throws is a miss, not an error', async () => {
    const warnings: string[] = []
    const guard = new StoreGuard({ timeoutMs: 1000, warn: (m) => warnings.push(m) })
    expect(
      await guard.run('storing k', () =>
        Promise.reject(new Error("READONLY You can't write against a read only replica")),
      ),
    ).toBe(STORE_DOWN)
    expect(warnings[0]).toMatch(/storing k failed: READONLY/)
  })

  it('the run being aborted ends a pending operation at once with the abort reason', async () => {
    const controller = new AbortController()
    const guard = new StoreGuard({ timeoutMs: 600_000, signal: controller.signal, warn: () => {} })
    const pending = guard.run('reading k', () => new Promise(() => {}))
    controller.abort(new Error('Ctrl-C'))
    await expect(pending).rejects.toThrow('Ctrl-C')
    await expect(guard.run('reading j', async () => 1)).rejects.toThrow('Ctrl-C')
  })

  it('an answering store passes values through', async () => {
    const guard = new StoreGuard({ timeoutMs: 1000, warn: () => {} })
    expect(await guard.run('reading k', async () => ({ a: 1 }))).toEqual({ a: 1 })
    expect(guard.down).toBeUndefined()
  })
})

describe('ModelCache over a store that never answers', () => {
  it('get and set are bounded misses; closing forces the store shut instead of waiting', async () => {
    const { keyv, forced } = hangingKeyv()
    const logger = memoryLogger()
    const cache = new ModelCache({ store: keyv, logger, timeoutMs: 30 })
    expect(await cache.get('a'.repeat(64))).toBeUndefined()
    expect(await cache.read('blob:x')).toBeUndefined()
    expect(await cache.write('blob:x', { content: 'x' })).toBe(false)
    expect(logger.warnings).toHaveLength(1)
    await closeCacheStore(keyv, 30)
    expect(forced).toEqual([true])
  })

  it('a graceful close that never finishes is forced after the timeout', async () => {
    const { keyv, forced } = hangingKeyv()
    await closeCacheStore(keyv, 30)
    expect(forced).toEqual([false, true])
  })
})
