import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { isAtomicTempFile } from '../../../plugin/store/atomic-write.js'
import { cachedChat } from '../../../plugin/store/cached-chat.js'
import { CacheEntrySchema, ModelCache } from '../../../plugin/store/model-cache.js'
import { FakeChatClient, memoryLogger } from '../../unit/store/fake-chat-client.js'
import { runFixture, stop, type Child } from './child.js'

const dirs: string[] = []
const children: Child[] = []
afterAll(async () => {
  for (const c of children) await stop(c)
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sitesmith-cache-int-'))
  dirs.push(d)
  return d
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name))
  return out
}

describe('one cache directory shared by two processes', () => {
  it('both finish with correct answers, no corrupt read, and every entry file parses', async () => {
    const dir = await tempDir()
    const count = 150
    const workers = [
      runFixture('cache-worker.ts', [dir, '1', String(count)]),
      runFixture('cache-worker.ts', [dir, '2', String(count)]),
    ]
    children.push(...workers)
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/)))
    for (const w of workers) w.send('go')
    const codes = await Promise.all(workers.map((w) => w.exited))
    const summaries = workers.map((w) => JSON.parse(w.stdout().trim().split('\n').at(-1)!) as { modelCalls: number })
    expect(codes, workers.map((w) => w.stderr()).join('\n')).toEqual([0, 0])
    for (const s of summaries) expect(s).toMatchObject({ wrong: 0, warnings: [] })
    // Overlap really happened: between them they asked for fewer answers than 2 × count.
    expect(summaries[0].modelCalls + summaries[1].modelCalls).toBeLessThan(2 * count)
    expect(summaries[0].modelCalls + summaries[1].modelCalls).toBeGreaterThanOrEqual(count)

    const files = await allFiles(dir)
    expect(files.filter((f) => isAtomicTempFile(f.split('/').at(-1)!))).toEqual([])
    expect(files).toHaveLength(count)
    for (const f of files) {
      const entry = CacheEntrySchema.parse((JSON.parse(await readFile(f, 'utf8')) as { value: unknown }).value)
      expect(f.endsWith(`${entry.key.slice(0, 2)}/${entry.key}.json`)).toBe(true)
    }
  })
})

describe('a truncated cache file', () => {
  it('warns, misses, calls the model once, and is replaced by a whole entry', async () => {
    const dir = await tempDir()
    const schema = z.object({ html: z.string() })
    const call = {
      stage: 'generate',
      promptVersion: 'g1',
      inputs: { task: 'index' },
      taskId: 'index',
      request: { messages: [], schema, label: 'generate:index' },
    }
    const client = new FakeChatClient('ollama:m', (_l, n) => ({ html: `<p>${n}</p>`.repeat(100) }))
    const first = await cachedChat({ cache: new ModelCache({ store: dir, logger: memoryLogger() }), client }, call)
    const file = join(dir, first.key.slice(0, 2), `${first.key}.json`)
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.slice(0, Math.floor(text.length * 0.6)))

    const logger = memoryLogger()
    const second = await cachedChat({ cache: new ModelCache({ store: dir, logger }), client }, call)
    expect(second.hit).toBe(false)
    expect(client.calls).toBe(2)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toContain(file)
    expect(
      CacheEntrySchema.parse((JSON.parse(await readFile(file, 'utf8')) as { value: unknown }).value).value,
    ).toEqual(second.value)

    const third = await cachedChat({ cache: new ModelCache({ store: dir, mode: 'frozen', logger }), client }, call)
    expect(third).toMatchObject({ hit: true, value: second.value })
    expect(client.calls).toBe(2)
  })
})
