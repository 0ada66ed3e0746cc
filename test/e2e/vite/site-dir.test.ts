import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build, createServer, type ViteDevServer } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { checkSite } from '../../../plugin/check/index.js'
import { runRuntimeCheck } from '../../../plugin/check/runtime/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/**
 * Issue #14, acceptance 3: `siteDir: 'site'` builds a dist/ that works. Before, pages went to
 * dist/site/ and classic scripts to dist/js/ (404s and ReferenceErrors in the built site),
 * and state split over two `.sitesmith/` folders.
 */
const SPEC = `# Lantern Theatre

## Look and feel
Deep red #7a1020, gold accents.

## Behaviour
The header menu collapses on phones.

## Home page
A small theatre by the river.

## Shows page
Three plays this season.
`

let site: TempSite | undefined
let server: ViteDevServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  await site?.dispose()
  site = undefined
})

describe("siteDir: 'site'", () => {
  it('vite build writes a dist/ with the site at its top, which Chromium loads and clicks through cleanly; one .sitesmith/', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    // The default cache (no `cache` option) must land with the rest of the state.
    const plugin = sitesmith(site.pluginOptions({ siteDir: 'site', cache: undefined, runtimeCheck: { enabled: true } }))
    await build({ root: site.dir, logLevel: 'silent', configFile: false, plugins: [plugin] })

    const dist = join(site.dir, 'dist')
    expect(
      readdirSync(dist)
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['index.html', 'shows.html'])
    expect(existsSync(join(dist, 'site'))).toBe(false)
    expect(existsSync(join(dist, 'js', 'main.js'))).toBe(true)
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain('<script src="js/main.js"')
    // Generated files are in site/, sitesmith's state (cache included) in site/.sitesmith only.
    expect(existsSync(join(site.dir, 'site', 'index.html'))).toBe(true)
    expect(existsSync(join(site.dir, '.sitesmith'))).toBe(false)
    expect(readdirSync(join(site.dir, 'site', '.sitesmith'))).toEqual(
      expect.arrayContaining(['tasks.json', 'file_tracker.json', 'cache']),
    )

    expect((await checkSite(dist)).filter((f) => f.severity === 'error')).toEqual([])
    const browser = await runRuntimeCheck({ dir: dist, pages: ['index.html', 'shows.html'] })
    expect(browser.skipped, 'Chromium is required for this test (.ci/run installs it)').toBeUndefined()
    expect(browser.findings).toEqual([])

    // A second build replays everything: no model call.
    site.server.reset()
    await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [sitesmith(site.pluginOptions({ siteDir: 'site', cache: undefined, runtimeCheck: { enabled: true } }))],
    })
    expect(site.server.requests).toEqual([])
  })

  it('vite dev serves the pages at the top of the site', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const plugin = sitesmith(site.pluginOptions({ siteDir: 'site' }))
    server = await createServer({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [plugin],
      server: { port: 0, host: '127.0.0.1', watch: null },
    })
    await server.listen()
    const { port } = server.httpServer!.address() as { port: number }
    const page = await fetch(`http://127.0.0.1:${port}/shows.html`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Three plays this season.')
    expect((await fetch(`http://127.0.0.1:${port}/js/main.js`)).status).toBe(200)
  })

  it('a siteDir outside the Vite root is refused, naming the option', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const error = await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [sitesmith(site.pluginOptions({ siteDir: '../elsewhere' }))],
    }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/sitesmith option "siteDir": "..\/elsewhere" is outside the Vite root/)
  })
})
