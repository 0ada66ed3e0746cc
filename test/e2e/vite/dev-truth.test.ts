import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import { chromium, type Browser, type Page } from 'playwright-core'
import sitesmith from '../../../plugin/index.js'
import type { SitesmithOptions } from '../../../plugin/options.js'
import { CHROMIUM_ARGS } from '../../../plugin/check/runtime/chromium.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'

/**
 * Issue #14, acceptance 2: `vite` dev tells the truth, seen in a real browser. A real
 * `createServer`, real Chromium, the page's own overlay element read from its DOM.
 */
const SPEC = `# Tide Tables

## Look and feel
Sea blue #1f5f8b.

## Behaviour
Menu toggle on phones.

## Home page
Tide times for the bay.

## About page
Run by volunteers.
`

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.SITESMITH_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS],
  })
})
afterAll(async () => {
  await browser?.close()
})

async function tempSite(respond = scriptedSite()): Promise<TempSite> {
  const site = await createTempSite({ spec: SPEC, respond })
  onTestFinished(() => site.dispose())
  return site
}

async function startDev(site: TempSite, options: SitesmithOptions) {
  const server: ViteDevServer = await createServer({
    root: site.dir,
    logLevel: 'silent',
    configFile: false,
    plugins: [sitesmith(options)],
    server: { port: 0, host: '127.0.0.1' },
  })
  onTestFinished(() => server.close())
  await server.listen()
  const { port } = server.httpServer!.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}` }
}

async function open(url: string): Promise<Page> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  const page = await context.newPage()
  await page.goto(url)
  return page
}

/** What the sitesmith overlay on this page says, or null when there is none. */
const overlayText = (page: Page) =>
  page.evaluate(
    () =>
      document.querySelector('vite-error-overlay[data-sitesmith]')?.shadowRoot?.querySelector('.message')
        ?.textContent ?? null,
  )
/** How many overlay states this page has received (the client counts them). */
const updates = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sitesmithOverlayUpdates?: number }).__sitesmithOverlayUpdates ?? 0)

/** No model credentials in this process: the planner then cannot be asked. */
function withoutKeys() {
  vi.stubEnv('OPENAI_API_KEY', '')
  vi.stubEnv('OPENAI_BASE_URL', '')
  onTestFinished(() => {
    vi.unstubAllEnvs()
  })
}

/** The planner as a newcomer configures it: the official API, so it needs a key. */
const officialPlanner = { provider: 'openai', model: 'gpt-4o-mini', timeoutMs: 5_000 } as const

describe('vite dev tells the truth', () => {
  it('with no keys and no site yet, a page says what to set instead of a blank 404', async () => {
    withoutKeys()
    const site = await tempSite()
    const { url } = await startDev(site, site.pluginOptions({ planner: officialPlanner }))
    const page = await browser.newPage()
    onTestFinished(() => page.close())
    const response = await page.goto(`${url}/`)
    expect(response?.status()).toBe(503)
    const text = await page.locator('#sitesmith-help').innerText()
    expect(text).toContain('No site yet')
    expect(text).toMatch(/no credentials for openai model gpt-4o-mini/)
    for (const name of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'SITESMITH_CACHE_MODE'])
      expect(text).toContain(name)
    expect(text).not.toMatch(/plan-delta|\[\w+-\w+\]/)
    expect(site.server.requests).toEqual([])
  })

  it(
    'a defect in one page is shown once, on that page only, and is gone when the page comes back after a fix by hand',
    { timeout: 120_000 },
    async () => {
      // about.html calls a function no script defines: the static rule and the browser both see it.
      const site = await tempSite(
        scriptedSite({
          mutate: (path, c) =>
            path === 'about.html'
              ? c.replace('</main>', '  <button id="map" onclick="openMap()">Map</button>\n  </main>')
              : c,
        }),
      )
      const { url } = await startDev(site, site.pluginOptions({ runtimeCheck: { enabled: true } }))

      const about = await open(`${url}/about.html`)
      await vi.waitUntil(async () => (await overlayText(about)) !== null, { timeout: 60_000, interval: 100 })
      const text = (await overlayText(about))!
      expect(text.match(/openMap/g)).toHaveLength(1)
      expect(text).toContain('about.html:')
      expect(text).not.toMatch(/runtime-error|unknown-handler|plan-delta/)

      const index = await open(`${url}/index.html`)
      await vi.waitUntil(async () => (await updates(index)) > 0, { timeout: 20_000, interval: 100 })
      expect(await overlayText(index)).toBeNull()

      // Fixed by hand in the shared script. Vite reloads a page whose script changed; sitesmith
      // holds that reload until it has checked the edit, so the page comes back with the
      // overlay already gone, and nobody has to reload by hand.
      let loads = 0
      about.on('load', () => loads++)
      site.write('js/main.js', site.read('js/main.js') + '\nfunction openMap() { location.hash = "map" }\n')
      await vi.waitUntil(async () => loads === 1 && (await updates(about).catch(() => 0)) > 0, {
        timeout: 60_000,
        interval: 100,
      })
      expect(await overlayText(about)).toBeNull()
      expect(loads).toBe(1)
    },
  )

  it('a spec edit that cannot be applied (no keys) says so on the page, which keeps the previous version', async () => {
    const site = await tempSite()
    await site.run() // the site and its cache, made while the planner could be asked
    withoutKeys()
    const { url } = await startDev(site, site.pluginOptions({ planner: officialPlanner }))
    const index = await open(`${url}/index.html`)
    await vi.waitUntil(async () => (await updates(index)) > 0, { timeout: 20_000, interval: 100 })
    expect(await overlayText(index)).toBeNull()

    site.write('spec.md', site.read('spec.md').replace('Tide times for the bay.', 'Tide times and moon phases.'))
    await vi.waitUntil(async () => (await overlayText(index)) !== null, { timeout: 30_000, interval: 100 })
    const text = (await overlayText(index))!
    expect(text).toContain('your last edit to spec.md was not applied, so you see the previous version of the site')
    expect(text).toMatch(/re-planning the sections you changed: no credentials/)
    expect(text).not.toContain('plan-delta')
    expect(await index.locator('main').innerText()).toContain('Tide times for the bay.')
  })

  it(
    'a spec edit reloads the browser once, after the run, though the run writes several files',
    { timeout: 120_000 },
    async () => {
      const site = await tempSite()
      const { server, url } = await startDev(site, site.pluginOptions())
      const index = await open(`${url}/index.html`)
      await vi.waitUntil(async () => (await updates(index)) > 0, { timeout: 20_000, interval: 100 })
      let loads = 0
      index.on('load', () => loads++)

      site.server.reset()
      // Both pages and the stylesheet change.
      site.write(
        'spec.md',
        site
          .read('spec.md')
          .replace('Tide times for the bay.', 'Tide times for the whole bay.')
          .replace('Run by volunteers.', 'Run by twelve volunteers.')
          .replace('Sea blue #1f5f8b.', 'Sea green #1f8b5f.'),
      )
      await vi.waitUntil(
        async () =>
          loads > 0 &&
          (
            await index
              .locator('body')
              .innerText()
              .catch(() => '')
          ).includes('Tide times for the whole bay.'),
        { timeout: 60_000, interval: 100 },
      )
      const written = site.server.requests.filter((r) => stageOf(r) === 'generate' || stageOf(r) === 'update').length
      expect(written).toBeGreaterThanOrEqual(3)
      // Let every file event of the run reach Vite: a marker file written last is seen last.
      const seen = new Promise<void>((resolve) =>
        server.watcher.on('add', (f) => f.endsWith('marker.txt') && resolve()),
      )
      site.write('marker.txt', 'x')
      await seen
      await vi.waitUntil(async () => (await updates(index)) > 0, { timeout: 20_000, interval: 100 })
      expect(loads).toBe(1)
    },
  )
})
