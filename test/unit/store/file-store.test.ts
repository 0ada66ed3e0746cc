import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Keyv } from 'keyv'
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'

import { sha256 } from '../../../plugin/store/atomic-write.js'
import { FileStore, createFileKeyv } from '../../../plugin/store/file-store.js'
import { memoryLogger } from './fake-chat-client.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sitesmith-file-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const key = sha256('one')
const key2 = sha256('two')

describe('FileStore through keyv', () => {
  it('get/set/has/delete/getMany/clear', async () => {
    const keyv = createFileKeyv(dir, { logger: memoryLogger() })
    expect(await keyv.get(key)).toBeUndefined()
    expect(await keyv.set(key, { a: 1, s: ':colon' })).toBe(true)
    await keyv.set(key2, [1, 2])
    expect(await keyv.get(key)).toEqual({ a: 1, s: ':colon' })
    expect(await keyv.has(key)).toBe(true)
    expect(await keyv.get([key, sha256('none'), key2])).toEqual([{ a: 1, s: ':colon' }, undefined, [1, 2]])
    expect(await keyv.delete(key)).toBe(true)
    expect(await keyv.delete(key)).toBe(false)
    expect(await keyv.has(key)).toBe(false)
    await writeFile(join(dir, 'README.md'), 'hand-written notes')
    await keyv.clear()
    expect(await keyv.get(key2)).toBeUndefined()
    expect(await readdir(dir)).toEqual(['README.md'])
  })

  it('stores <dir>/<first two hex>/<key>.json as an indented JSON object', async () => {
    const keyv = createFileKeyv(dir)
    await keyv.set(key, { label: 'plan', n: [1] })
    const file = join(dir, key.slice(0, 2), `${key}.json`)
    const text = await readFile(file, 'utf8')
    expect(text).toBe(`{\n  "value": {\n    "label": "plan",\n    "n": [\n      1\n    ]\n  }\n}\n`)
    expect(await readdir(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`])
  })

  it('honours keyv ttl (expired entries are misses)', async () => {
    const keyv = createFileKeyv(dir)
    await keyv.set(key, 'v', 1)
    // The clock moves past the 1 ms ttl; no real time passes.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 })
    onTestFinished(() => void vi.useRealTimers())
    expect(await keyv.get(key)).toBeUndefined()
  })

  it('also works under a default keyv (namespace prefix, keyv serializer)', async () => {
    const keyv = new Keyv({ store: new FileStore(dir) })
    await keyv.set(key, { s: ':x' })
    expect(await keyv.get(key)).toEqual({ s: ':x' })
    const shard = await readdir(join(dir, key.slice(0, 2)))
    expect(shard).toEqual([`keyv~${key}.json`])
    expect(JSON.parse(await readFile(join(dir, key.slice(0, 2), shard[0]), 'utf8'))).toHaveProperty('value')
  })
})

describe('FileStore files', () => {
  it('a key cannot address a file outside the directory', () => {
    const store = new FileStore(dir)
    for (const k of ['../../etc/passwd', '/etc/passwd', 'a/b', '..', '.hidden', 'x'.repeat(500)]) {
      const p = store.pathFor(k)
      expect(relative(dir, p).split(/[\\/]/)).toHaveLength(2)
      expect(relative(dir, p).startsWith('..')).toBe(false)
    }
    expect(() => store.pathFor('')).toThrow('non-empty string')
  })

  it('a truncated entry is a miss with a warning naming the file, and the next set replaces it', async () => {
    const logger = memoryLogger()
    const keyv = createFileKeyv(dir, { logger })
    await keyv.set(key, { content: 'x'.repeat(1000) })
    const file = join(dir, key.slice(0, 2), `${key}.json`)
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.slice(0, text.length / 2))
    expect(await keyv.get(key)).toBeUndefined()
    expect(await keyv.has(key)).toBe(false)
    expect(logger.warnings[0]).toContain(file)
    expect(logger.warnings[0]).toMatch(/is corrupt .*treating it as a miss/)
    await keyv.set(key, { content: 'fixed' })
    expect(await keyv.get(key)).toEqual({ content: 'fixed' })
  })

  it('an empty entry file is reported as such', async () => {
    const logger = memoryLogger()
    const store = new FileStore(dir, { logger })
    await mkdir(join(dir, key.slice(0, 2)), { recursive: true })
    await writeFile(store.pathFor(key), '')
    expect(await store.get(key)).toBeUndefined()
    expect(logger.warnings[0]).toMatch(/\(empty file\)/)
  })
})
