import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../plugin/cli/run-cli.js'
import type { SitesmithOptions } from '../../../plugin/options.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { HAND_WRITTEN } from '../../../plugin/store/cached-chat.js'

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
const tracker = (s: TempSite) =>
  JSON.parse(s.read('.sitesmith/file_tracker.json')) as { files: Record<string, { generatedBy: { model: string } }> }
const credits = (s: TempSite) =>
  Object.fromEntries(Object.entries(tracker(s).files).map(([p, f]) => [p, f.generatedBy.model]))

describe('files are credited to who wrote them (#12)', () => {
  it('files replayed from hand-written cache entries are credited to the cache, not to the coder model', async () => {
    const cacheDir = join(REPO, 'test', '.tmp', `credit-cache-${process.pid}-${Date.now()}`)
    try {
      // Answers recorded as hand-written (how the example cache was made), then replayed elsewhere.
      const recorder = await site(cacheDir)
      expect(
        (
          await recorder.run(
            { review: { enabled: false } },
            { env: { ...recorder.env, SITESMITH_CACHE_SOURCE: 'hand-written' } },
          )
        ).errors,
      ).toEqual([])
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

/**
 * `sitesmith generate` in this process, reading its options from the site's vite config (a
 * plugin entry that only carries them, as loadSitesmithOptions reads the real plugin's).
 */
async function generate(s: TempSite, extra: SitesmithOptions = { review: { enabled: false } }) {
  s.write(
    'vite.config.mjs',
    `export default { plugins: [{ name: 'vite-plugin-sitesmith', api: { options: ${JSON.stringify(s.pluginOptions(extra))} } }] }\n`,
  )
  let out = ''
  const sink = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) })
  const code = await runCli(['generate'], { stdout: sink, stderr: sink, cwd: s.dir, env: s.env })
  return { code, out }
}
const trackerBytes = (s: TempSite) => readFileSync(join(s.dir, '.sitesmith', 'file_tracker.json'))
const count = (text: string, re: RegExp) => [...text.matchAll(new RegExp(re.source, 'g'))].length

describe('the run log says what happened (#12)', () => {
  it('restoring a deleted file leaves the committed tracker byte for byte, and the run does not say "up to date"', async () => {
    const s = await site()
    expect((await generate(s)).code).toBe(0)
    const page = s.read('projects.html')
    const tracked = trackerBytes(s)
    rmSync(join(s.dir, 'projects.html'))
    s.server.reset()
    const restore = await generate(s)
    expect(restore.code).toBe(0)
    expect(s.server.requests).toEqual([])
    expect(s.read('projects.html')).toBe(page)
    expect(trackerBytes(s).equals(tracked)).toBe(true)
    expect(restore.out).not.toMatch(/up to date/)
    expect(restore.out).toMatch(/0 file\(s\) changed, 1 restored/)
    expect(restore.out).toMatch(/restored projects\.html \(missing; written back from the cache/)
    // Now it is true.
    expect((await generate(s)).out).toMatch(/up to date/)
  })

  it('"kept index.html: edited by hand" is said once, when it becomes true, not on every run', async () => {
    const s = await site()
    await generate(s)
    s.write('index.html', s.read('index.html').replace('</main>', '  <p>Added by hand.</p>\n  </main>'))
    s.write('spec.md', s.read('spec.md').replace(/^(## Home page\n)/m, '$1Open late on Fridays.\n'))
    const first = await generate(s)
    expect(count(first.out, /kept index\.html: index\.html was edited by hand/)).toBe(1)
    expect(count(first.out, /kept hand-edited index\.html/)).toBe(1)

    // The same situation again: a plain rerun, and a run that really re-plans another section.
    const again = await generate(s)
    expect(again.out).not.toMatch(/index\.html/)
    s.write('spec.md', s.read('spec.md').replace(/^(## Projects page\n)/m, '$1Founded in 1998.\n'))
    s.server.reset()
    const other = await generate(s)
    expect(s.server.requests.length).toBeGreaterThan(0)
    expect(other.out).not.toMatch(/index\.html/)
    expect(s.read('index.html')).toContain('Added by hand.')

    // A new hand edit of the kept file is a new fact: said again, once.
    s.write('index.html', s.read('index.html').replace('Added by hand.', 'Added by hand, twice.'))
    expect(count((await generate(s)).out, /kept hand-edited index\.html/)).toBe(1)
  })
})
