import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type ViteDevServer } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { RunCancelledError, runPipeline } from '../../../plugin/pipeline/run-pipeline.js'
import { silentLogger } from '../../../plugin/report/logger.js'
import type { LoopbackRequest } from '../../loopback/server.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import { FAULT_SPEC, PLANNED } from './corpus.js'
import { checkSiteConsistent, hashTree, seedUserFiles, compareUnchanged } from './site-state.js'
import { waitUntil } from '../../helpers/wait.js'

/**
 * Cancellation (issue 7): aborting a run — `runPipeline({ signal })`, or closing the Vite dev
 * server — stops the model calls in flight at once (they hang here and would only end at a
 * 30 s timeout), ends the run with a cancellation rather than a timeout, and leaves every
 * file whole: what was written stays written and recorded, nothing else appears.
 */

let site: TempSite | undefined
let server: ViteDevServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  await site?.dispose()
  site = undefined
})

/** Stylesheet and script answer normally; every page hangs after its headers. */
const pagesHang = () => {
  const scripted = scriptedSite()
  return (req: LoopbackRequest) =>
    stageOf(req) === 'generate' && taskOf(req).path.endsWith('.html')
      ? { fault: 'hang' as const, afterHeaders: true }
      : scripted(req)
}
const slowModels = (s: TempSite) => ({
  planner: { provider: 'openai' as const, model: 'gpt-4o-mini', baseURL: s.server.openaiBaseURL, timeoutMs: 30_000 },
  coder: { provider: 'ollama' as const, model: 'qwen2.5-coder:7b', baseURL: s.server.url, timeoutMs: 30_000 },
})
const hungPages = (s: TempSite) =>
  s.server.requests.filter((r) => stageOf(r) === 'generate' && taskOf(r).path.endsWith('.html'))

describe('cancellation', () => {
  it('aborting runPipeline stops hung model calls at once, keeps finished files whole and recorded; the next run does only the rest', async () => {
    site = await createTempSite({ spec: FAULT_SPEC, respond: pagesHang() })
    seedUserFiles(site.dir)
    const before = hashTree(site.dir)
    const controller = new AbortController()
    const run = runPipeline({
      options: site.options(slowModels(site)),
      logger: silentLogger,
      env: site.env,
      signal: controller.signal,
    })
    const settled = run.then(
      (r) => ({ result: r, error: undefined }),
      (e: Error) => ({ result: undefined, error: e }),
    )

    await waitUntil('three hung page requests', () => hungPages(site!).length === 3, { timeout: 10_000 })
    const requestsAtAbort = site.server.requests.length
    controller.abort(new Error('Ctrl-C'))
    const { result, error } = await settled

    // Ended by the abort, not by the 30 s timeout, with a message that says what was kept;
    // no model was asked anything after it (no check, no review of a half-made site).
    expect(result).toBeUndefined()
    expect(error).toBeInstanceOf(RunCancelledError)
    expect(error!.message).toBe(
      'run cancelled during generate: 2 finished file(s) kept, whole and recorded (css/style.css, js/main.js); 3 task(s) did not finish — the next run does only those',
    )
    expect(site.server.requests.length).toBe(requestsAtAbort)
    // Written before the abort: kept, whole and tracked. The pages: not written at all.
    expect(site.exists('css/style.css') && site.exists('js/main.js')).toBe(true)
    for (const p of ['index.html', 'menu.html', 'contact.html']) expect(site.exists(p)).toBe(false)
    expect(compareUnchanged(before, hashTree(site.dir))).toEqual([])
    expect(checkSiteConsistent(site.dir, before)).toEqual([])
    expect(existsSync(join(site.dir, '.sitesmith', 'lock'))).toBe(false)

    // The next run asks only for what is missing.
    site.server.reset(scriptedSite())
    const next = await site.run({ review: { enabled: false } })
    expect(next.errors).toEqual([])
    const asked = site.server.requests
      .filter((r) => stageOf(r) === 'generate')
      .map((r) => taskOf(r).path)
      .sort()
    expect(asked).toEqual(['contact.html', 'index.html', 'menu.html'])
    expect(
      next.tasks
        .filter((t) => t.status === 'unchanged')
        .map((t) => t.path)
        .sort(),
    ).toEqual(['css/style.css', 'js/main.js'])
    for (const p of PLANNED) expect(site.exists(p)).toBe(true)
    expect(checkSiteConsistent(site.dir, before)).toEqual([])
  })

  it('closing the Vite dev server cancels the run in flight; once close() resolves nothing writes to the site any more', async () => {
    site = await createTempSite({ spec: FAULT_SPEC, respond: pagesHang() })
    seedUserFiles(site.dir)
    const before = hashTree(site.dir)
    server = await createServer({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [sitesmith(site.pluginOptions({ ...slowModels(site), review: { enabled: false } }))],
      server: { port: 0, host: '127.0.0.1', watch: null },
    })
    await server.listen()
    await waitUntil('three hung page requests', () => hungPages(site!).length === 3, { timeout: 10_000 })

    await server.close()
    server = undefined
    // close() waited for the cancelled run to finish: its lock is released, its state saved.
    const state = hashTree(site.dir, { includeState: true })
    expect(existsSync(join(site.dir, '.sitesmith', 'lock'))).toBe(false)
    // The hung model calls are torn down: no answer can arrive any more, and none was written after close().
    await site.server.close()
    expect(hashTree(site.dir, { includeState: true })).toEqual(state)

    expect(compareUnchanged(before, hashTree(site.dir))).toEqual([])
    expect(checkSiteConsistent(site.dir, before)).toEqual([])
    expect(site.exists('css/style.css') && site.exists('js/main.js')).toBe(true)
    for (const p of ['index.html', 'menu.html', 'contact.html']) expect(site.exists(p)).toBe(false)
  })
})
