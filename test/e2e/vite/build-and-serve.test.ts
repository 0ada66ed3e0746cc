import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build, createServer, type ViteDevServer } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { checkSite } from '../../../plugin/check/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, taskOf } from '../../helpers/scripted-site.js'

const SPEC = `# Harbour Books

## Look and feel
Warm paper tones, accent #8a3b12.

## Behaviour
The header menu collapses on phones.

## Home page
An independent bookshop by the harbour.

## Events page
Readings every Thursday evening.

## Visit page
Open daily 9–6, Quay Street 4.
`

let site: TempSite | undefined
let server: ViteDevServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  await site?.dispose()
  site = undefined
})

const pluginFor = (s: TempSite, extra: Parameters<typeof sitesmith>[0] = {}) => sitesmith(s.pluginOptions(extra))

describe('vite build', () => {
  it('generates the site, builds every page and leaves a dist/ whose references all resolve', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const outDir = join(site.dir, 'dist')
    await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [pluginFor(site)],
      build: { outDir },
    })

    expect(
      readdirSync(outDir)
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['events.html', 'index.html', 'visit.html'])
    const index = readFileSync(join(outDir, 'index.html'), 'utf8')
    expect(index).toContain('An independent bookshop by the harbour.')
    // The classic script Vite would have dropped is in dist at the path the page uses.
    expect(index).toContain('<script src="js/main.js" defer')
    expect(index).not.toContain('vite-ignore')
    expect(existsSync(join(outDir, 'js/main.js'))).toBe(true)
    // Every script, stylesheet and local link of every built page resolves.
    const findings = await checkSite(outDir)
    expect(findings.filter((f) => f.rule === 'broken-link')).toEqual([])
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
  })

  it('fails the build through Vite when a task fails, naming the task', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage, req) =>
          stage === 'generate' && taskOf(req).path === 'visit.html' ? { content: 'no json here' } : undefined,
      }),
    })
    const error = await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [pluginFor(site, { review: { enabled: false } })],
      build: { outDir: join(site.dir, 'dist') },
    }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/task "visit-page" \(visit\.html\)/)
    expect(existsSync(join(site.dir, 'dist', 'index.html'))).toBe(false)
  })
})

describe('vite dev', () => {
  it('generates before the first request is served', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    server = await createServer({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [pluginFor(site)],
      server: { port: 0, host: '127.0.0.1', watch: null },
    })
    await server.listen()
    const address = server.httpServer!.address() as { port: number }
    // No file exists yet when the request is made; the middleware waits for the run.
    const res = await fetch(`http://127.0.0.1:${address.port}/events.html`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Readings every Thursday evening.')
  })
})
