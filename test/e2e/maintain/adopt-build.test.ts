import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { build, createLogger, preview } from 'vite'
import { chromium } from 'playwright-core'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { bytesOf, copyFixture, FAQ_SECTION, maintainModel } from '../../helpers/adopted-site.js'
import { CHROMIUM_ARGS } from '../../../plugin/check/runtime/chromium.js'
import { readTracker } from '../../../plugin/store/artifacts.js'

/**
 * Issue #17, acceptance 1 and 2 end to end: the person's hand-written five-page site is
 * adopted with the built `sitesmith` bin (no byte changes), a spec section added afterwards
 * goes through a real `vite build` (real openai/ollama clients against the loopback server,
 * the runtime check in Chromium), and the built site is clicked through in Chromium: the new
 * page is reachable from the person's navigation only when `editUserFiles: 'chunks'` allows
 * the chunk edit. `sitesmith undo` puts the person's index.html back byte for byte.
 */
function cli(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, SITESMITH_CACHE_MODE: 'auto', OPENAI_API_KEY: 'sk-loopback-test-key-0000' }
    const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], { cwd, env })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('close', (code) => resolve({ code, out }))
  })
}

/** A vite.config the person would write, pointing at the loopback models. */
function writeConfig(site: TempSite, editUserFiles: false | 'chunks'): void {
  const cfg = `import sitesmith from ${JSON.stringify(join(REPO, 'dist', 'index.js'))}
export default { logLevel: 'info', plugins: [sitesmith({
  planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: ${JSON.stringify(site.server.openaiBaseURL)} },
  coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ${JSON.stringify(site.server.url)} },
  cache: ${JSON.stringify(site.cacheDir)},
  cacheMode: 'auto', // CI freezes the cache by default; this project records its answers
  editUserFiles: ${JSON.stringify(editUserFiles)},
  runtimeCheck: { enabled: true },
})] }
`
  writeFileSync(join(site.dir, 'vite.config.mjs'), cfg)
}

async function adoptedSite(editUserFiles: false | 'chunks'): Promise<TempSite> {
  const site = await createTempSite({ spec: '# placeholder\n', respond: maintainModel() })
  onTestFinished(() => site.dispose())
  copyFixture(site.dir)
  writeConfig(site, editUserFiles)
  const before = bytesOf(site.dir, ['vite.config.mjs'])
  const adopt = await cli(['adopt', '--draft-spec'], site.dir)
  expect(adopt.code, adopt.out).toBe(0)
  expect(bytesOf(site.dir, ['vite.config.mjs', 'spec.md'])).toEqual(before)
  const tracker = await readTracker(site.dir)
  expect(Object.values(tracker.files).every((f) => f.owner === 'user')).toBe(true)
  expect(Object.keys(tracker.files)).toContain('index.html')
  appendFileSync(join(site.dir, 'spec.md'), FAQ_SECTION)
  return site
}

/** `vite build` with the project's own config; returns what Vite's logger printed. */
async function viteBuild(site: TempSite): Promise<string> {
  const logger = createLogger('info', { allowClearScreen: false })
  const printed: string[] = []
  for (const level of ['info', 'warn', 'error'] as const) logger[level] = (msg) => void printed.push(msg)
  await build({ root: site.dir, customLogger: logger, configFile: join(site.dir, 'vite.config.mjs') })
  return printed.join('\n')
}

/** Serve dist/ with `vite preview`, open the home page in Chromium, follow the FAQ link if there is one. */
async function clickThrough(site: TempSite): Promise<{ navLinks: string[]; faqHeading?: string; errors: string[] }> {
  const server = await preview({
    root: site.dir,
    configFile: false,
    logLevel: 'silent',
    preview: { port: 0, host: '127.0.0.1' },
  })
  onTestFinished(() => server.close())
  const browser = await chromium.launch({
    executablePath: process.env.SITESMITH_CHROMIUM || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS],
  })
  onTestFinished(() => browser.close())
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  // Chromium asks for /favicon.ico by itself; no page of the site references one.
  page.on(
    'response',
    (r) => void (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`)),
  )
  await page.goto(`${server.resolvedUrls!.local[0]}index.html`)
  const navLinks = await page.locator('#site-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  if (!navLinks.includes('faq.html')) return { navLinks, errors }
  await Promise.all([page.waitForURL(/faq\.html$/), page.locator('#site-nav a[href="faq.html"]').click()])
  return { navLinks, faqHeading: await page.locator('h1').innerText(), errors }
}

describe('an adopted hand-written site, maintained through vite build', () => {
  it(
    "editUserFiles 'chunks': the new page is linked from the person's nav in dist/, Chromium reaches it; undo restores",
    { timeout: 180_000 },
    async () => {
      const site = await adoptedSite('chunks')
      const original = readFileSync(join(site.dir, 'index.html'))
      const others = bytesOf(site.dir, ['spec.md', 'index.html'])

      const printed = await viteBuild(site)
      expect(printed).toContain('2 file(s) changed')
      expect(printed).not.toMatch(/would change/)
      // The browser check reports its own cost; rolldown's banner does not blame the plugin (#14).
      expect(printed).toMatch(/sitesmith: dist\/ checked in \d+\.\ds/)
      expect(printed).not.toMatch(/PLUGIN_TIMINGS/)
      // Outside the one nav chunk, every byte of the person's files is as they wrote it.
      expect(bytesOf(site.dir, ['spec.md', 'index.html', 'faq.html', 'dist'])).toEqual(others)
      expect(site.read('index.html')).toContain('<li><a href="faq.html">FAQ</a></li>\r\n')
      expect(existsSync(join(site.dir, 'dist', 'faq.html'))).toBe(true)

      const visit = await clickThrough(site)
      expect(visit.navLinks).toContain('faq.html')
      expect(visit.faqHeading).toBe('Questions new rowers ask')
      expect(visit.errors).toEqual([])

      const undo = await cli(['undo'], site.dir)
      expect(undo.code, undo.out).toBe(0)
      expect(readFileSync(join(site.dir, 'index.html')).equals(original)).toBe(true)
    },
  )

  it(
    "editUserFiles off: the new page is built, the person's files are untouched, the build lists what it would have changed",
    { timeout: 180_000 },
    async () => {
      const site = await adoptedSite(false)
      const before = bytesOf(site.dir, ['spec.md'])

      const printed = await viteBuild(site)
      expect(printed).toMatch(
        /would change index\.html \[#site-nav\] \(home-nav\): .*faq\.html.* yours; allow with editUserFiles/,
      )
      expect(bytesOf(site.dir, ['spec.md', 'faq.html', 'dist'])).toEqual(before)
      expect(existsSync(join(site.dir, 'dist', 'faq.html'))).toBe(true)

      const visit = await clickThrough(site)
      expect(visit.navLinks).not.toContain('faq.html')
      expect(visit.errors).toEqual([])
    },
  )
})
