import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { waitUntil } from '../../helpers/wait.js'

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

let site: TempSite | undefined
let server: ViteDevServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  await site?.dispose()
  site = undefined
})

type Sent = {
  type: string
  event?: string
  data?: { pages: Record<string, { message: string; loc?: unknown; frame?: string }>; all: { message: string } | null }
}

async function startDev(s: TempSite, extra: Parameters<typeof sitesmith>[0] = {}) {
  const plugin = sitesmith(s.pluginOptions(extra))
  // Placed before sitesmith, so what sitesmith sends (and what it lets through) passes here.
  const sent: Sent[] = []
  const recorder = {
    name: 'record-ws',
    configureServer(server: ViteDevServer) {
      const send = server.ws.send.bind<(...args: unknown[]) => void>(server.ws)
      server.ws.send = (...args: unknown[]) => {
        sent.push(
          typeof args[0] === 'string'
            ? { type: 'custom', event: args[0], data: args[1] as Sent['data'] }
            : (args[0] as Sent),
        )
        send(...args)
      }
    },
  }
  const dev = await createServer({
    root: s.dir,
    logLevel: 'silent',
    configFile: false,
    plugins: [recorder, plugin],
    server: { port: 0, host: '127.0.0.1' },
  })
  await dev.listen()
  const port = (dev.httpServer!.address() as { port: number }).port
  return { dev, plugin, sent, url: `http://127.0.0.1:${port}` }
}

const states = (sent: Sent[]) => sent.filter((p) => p.event === 'sitesmith:state').map((p) => p.data!)

describe('vite dev: editing the spec', () => {
  it('saves during a run are coalesced into one follow-up run, never overlapping, and the browser is told to reload', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite(), latencyMs: 150 })
    const { dev, plugin, sent, url } = await startDev(site)
    server = dev
    expect(await (await fetch(`${url}/index.html`)).text()).toContain('Tide times for the bay.')
    let sawSecond = false
    dev.watcher.on('change', (file) => {
      if (file.endsWith('spec.md') && readFileSync(file, 'utf8').includes('Second edit.')) sawSecond = true
    })

    site.server.reset()
    const spec = site.read('spec.md')
    site.write('spec.md', spec.replace('Tide times for the bay.', 'Tide times for the bay. First edit.'))
    // Wait until that save's run is under way, then save twice more while it runs.
    await waitUntil('the first re-plan', () => site!.server.requests.length > 0, { interval: 50 })
    site.write('spec.md', spec.replace('Tide times for the bay.', 'Tide times for the bay. Second edit.'))
    // The third save follows once the watcher has reported the second (an event, not a guessed delay).
    await waitUntil('the watcher to see the second save', () => sawSecond, { interval: 20 })
    site.write('spec.md', spec.replace('Tide times for the bay.', 'Tide times for the bay. Third edit.'))
    await waitUntil(
      'the last edit to reach index.html',
      () => site!.exists('index.html') && site!.read('index.html').includes('Third edit.'),
      { interval: 50 },
    )
    await waitUntil('the reload after each run', () => sent.filter((p) => p.type === 'full-reload').length >= 2, {
      interval: 50,
    })
    // Nothing else may start after the last run: once the runner is idle (no run active or queued), count.
    await plugin.api!.idle()

    const deltas = site.server.requests.filter((r) => stageOf(r) === 'plan-delta')
    expect(deltas).toHaveLength(2)
    // The follow-up run started only after every request of the first had been answered.
    const firstRun = site.server.requests.filter((r) => r.seq < deltas[1].seq)
    expect(Math.max(...firstRun.map((r) => r.respondedAt!))).toBeLessThanOrEqual(deltas[1].receivedAt)
    // One reload per run (the two runs), none for the files each run wrote (#14).
    expect(sent.filter((p) => p.type === 'full-reload')).toHaveLength(2)
    expect(states(sent).every((st) => Object.keys(st.pages).length === 0 && st.all === null)).toBe(true)
  })

  it('an unresolved error goes to the overlay of its page with file, line and frame, and is cleared once fixed', async () => {
    let broken = true
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        mutate: (path, c) =>
          broken && path === 'about.html'
            ? c.replace('</main>', '  <a href="volunteer.html">Volunteer</a>\n  </main>')
            : c,
      }),
    })
    const { dev, sent, url } = await startDev(site)
    server = dev
    await fetch(`${url}/about.html`)
    await waitUntil('the overlay state', () => states(sent).length > 0, { interval: 50 })
    const state = states(sent).at(-1)!
    expect(Object.keys(state.pages)).toEqual(['about.html'])
    const err = state.pages['about.html']
    expect(err.message).toMatch(/about\.html:\d+:\d+ {2}.*volunteer\.html/)
    expect(err.message).not.toContain('[broken-link]')
    expect(err.loc).toMatchObject({ line: expect.any(Number) })
    expect(err.frame).toContain('volunteer.html')

    // The spec changes, the page is regenerated without the bad link: the overlay is cleared and the page reloads once.
    broken = false
    sent.length = 0
    site.write('spec.md', site.read('spec.md').replace('Run by volunteers.', 'Run by volunteers since 1998.'))
    await waitUntil('the reload after the fix', () => sent.some((p) => p.type === 'full-reload'), { interval: 50 })
    expect(states(sent).at(-1)).toEqual({ pages: {}, all: null })
    expect(sent.filter((p) => p.type === 'full-reload')).toHaveLength(1)
  })
})
