import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { FAULT_SPEC } from './corpus.js'

/**
 * Issue #10, case 4: content that never passes a model client — a teammate's cached answer,
 * or a file restored from the store by its hash — holding a value that is a secret in THIS
 * checkout's `.env`. Both used to be written with zero requests and no error.
 */
const PROMO = 'promo-7f3a9b21c4'

const sites: TempSite[] = []
afterEach(async () => {
  for (const s of sites.splice(0)) await s.dispose()
})

async function teammateCache(): Promise<{ cacheDir: string; first: TempSite }> {
  const cacheDir = mkdtempSync(join(REPO, 'test', '.tmp', 'shared-cache-'))
  onTestFinished(() => rmSync(cacheDir, { recursive: true, force: true }))
  // The teammate's checkout has no such secret; their menu page mentions the code.
  const first = await createTempSite({
    spec: FAULT_SPEC,
    cacheDir,
    respond: scriptedSite({
      mutate: (path, c) => (path === 'menu.html' ? c.replace('</main>', `  <p>Staff code ${PROMO}</p>\n</main>`) : c),
    }),
  })
  sites.push(first)
  expect((await first.run({ review: { enabled: false } })).errors).toEqual([])
  expect(first.read('menu.html')).toContain(PROMO)
  return { cacheDir, first }
}

describe('the secret guard covers content that never passes a model client (issue #10)', () => {
  it('a cache hit holding a value that is a secret here is not written: 0 requests, the error names the variable', async () => {
    const { cacheDir } = await teammateCache()
    const mine = await createTempSite({ spec: FAULT_SPEC, cacheDir, respond: scriptedSite() })
    sites.push(mine)
    mine.write('.env', `PROMO_CODE=${PROMO}\n`)
    const result = await mine.run({ review: { enabled: false } })
    expect(mine.server.requests).toEqual([]) // every answer came from the cache
    expect(result.errors.join('\n')).toMatch(/menu\.html.*PROMO_CODE \(from \.env\)/)
    expect(mine.exists('menu.html')).toBe(false)
    expect(mine.exists('index.html')).toBe(true)
  })

  it('a file restored by its hash from the store is checked too', async () => {
    const { cacheDir, first } = await teammateCache()
    const mine = await createTempSite({ spec: FAULT_SPEC, cacheDir, respond: scriptedSite() })
    sites.push(mine)
    // A clone with the committed plan and tracker but not the generated files.
    mkdirSync(join(mine.dir, '.sitesmith'), { recursive: true })
    for (const f of ['tasks.json', 'file_tracker.json'])
      copyFileSync(join(first.dir, '.sitesmith', f), join(mine.dir, '.sitesmith', f))
    mine.write('.env.local', `PROMO_CODE="${PROMO}"\n`)
    const result = await mine.run({ review: { enabled: false } })
    expect(mine.server.requests).toEqual([])
    expect(result.errors.join('\n')).toMatch(/menu\.html.*PROMO_CODE \(from \.env\.local\)/)
    expect(mine.exists('menu.html')).toBe(false)
    expect(mine.read('index.html')).toBe(first.read('index.html'))
  })
})
