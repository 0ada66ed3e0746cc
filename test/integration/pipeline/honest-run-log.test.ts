import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { HAND_WRITTEN } from '../../../plugin/store/model-cache.js'

/**
 * #12 case 8, "small lies": what a run records and prints is what happened. Each test runs
 * the real pipeline against the loopback model server and reads the artifacts and the log.
 */
const SPEC = 'specs/small.md'

const sites: TempSite[] = []
afterEach(async () => {
  for (const s of sites.splice(0)) await s.dispose()
})
async function site(cacheDir?: string): Promise<TempSite> {
  const s = await createTempSite({ spec: SPEC, respond: scriptedSite(), cacheDir })
  sites.push(s)
  return s
}
const tracker = (s: TempSite) => JSON.parse(s.read('.sitesmith/file_tracker.json')) as { files: Record<string, { generatedBy: { model: string } }> }
const credits = (s: TempSite) => Object.fromEntries(Object.entries(tracker(s).files).map(([p, f]) => [p, f.generatedBy.model]))

describe('files are credited to who wrote them (#12)', () => {
  it('files replayed from hand-written cache entries are credited to the cache, not to the coder model', async () => {
    const cacheDir = join(REPO, 'test', '.tmp', `credit-cache-${process.pid}-${Date.now()}`)
    try {
      // Answers recorded as hand-written (how the example cache was made), then replayed elsewhere.
      const recorder = await site(cacheDir)
      expect((await recorder.run({ review: { enabled: false } }, { env: { ...recorder.env, SITESMITH_CACHE_SOURCE: 'hand-written' } })).errors).toEqual([])
      const replay = await site(cacheDir)
      const result = await replay.run({ review: { enabled: false } })
      expect(result.errors).toEqual([])
      expect(replay.server.requests).toEqual([])
      const files = Object.keys(tracker(replay).files)
      expect(files.length).toBeGreaterThan(2)
      expect(credits(replay)).toEqual(Object.fromEntries(files.map((p) => [p, HAND_WRITTEN])))

      // A model's answer, asked now or replayed, is credited to that model.
      const asked = await site()
      await asked.run({ review: { enabled: false } })
      expect(new Set(Object.values(credits(asked)))).toEqual(new Set(['ollama:qwen2.5-coder:7b']))
    } finally {
      rmSync(cacheDir, { recursive: true, force: true })
    }
  })
})
