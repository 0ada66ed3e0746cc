import { existsSync, readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join, relative, resolve, sep } from 'node:path'
import type { ViteDevServer } from 'vite'
import type { ResolvedOptions } from '../options.js'
import type { RunResult } from '../pipeline/run-pipeline.js'
import { checkSiteNow } from '../pipeline/site-checks.js'
import type { Finding } from '../diagnostics/diagnostic.js'
import type { Logger } from '../report/logger.js'
import { Progress } from '../report/progress.js'
import { formatRunFailure, formatRunSummary } from '../report/run-summary.js'
import { sha256 } from '../store/atomic-write.js'
import { CoalescingRunner } from './dev-runner.js'
import { HELLO_EVENT, STATE_EVENT } from './dev-client.js'
import { EMPTY_STATE, overlayState, type FailedFile, type OverlayState } from './dev-overlay.js'
import { helpPage } from './help-page.js'
import { listHtmlPages } from '../check/html-pages.js'
import { pageLoads } from './page-loads.js'

/**
 * `vite` dev (issue #14, "dev tells the truth"):
 * - the first request waits for the first run; with no site to show (no keys, no Ollama)
 *   an HTML request gets a page saying what to set instead of a blank 404;
 * - each save of the spec schedules a run (coalesced); while it runs, Vite's own reloads of
 *   the files it writes are held, and one reload follows the run, after the review;
 * - findings go to each page's overlay (dev-overlay.ts), re-checked when a person edits a
 *   site file, so the overlay clears itself once the cause is gone.
 */
export interface DevSession {
  /** Cancel the run in flight and wait for it to stop writing (on server close). */
  stop(reason: Error): Promise<void>
  /** Resolves once no run or re-check is active or queued and what they found was sent to the browser. */
  idle(): Promise<void>
}

type Payload = { type: string; path?: string }

export function attachDevServer(input: {
  server: ViteDevServer
  options: ResolvedOptions
  logger: Logger
  run: (signal: AbortSignal) => Promise<RunResult>
  pluginName: string
}): DevSession {
  const { server, options, logger } = input
  const controller = new AbortController()
  let findings: Finding[] = []
  let failed: FailedFile[] = []
  let runError: unknown
  let tracked: RunResult['tracker'] | undefined
  let state: OverlayState = EMPTY_STATE
  let running = false
  let held = false
  let checking = false
  let heldForCheck = false
  let runs = 0 // also tells a re-check that started before a run to drop its result

  // Hold Vite's reloads of what sitesmith writes: during a run every reload is held (one
  // follows the run), and afterwards a reload of a file whose bytes are exactly what
  // sitesmith recorded is a late echo of that run's own write.
  const send = server.ws.send.bind<(...args: unknown[]) => void>(server.ws)
  server.ws.send = (...args: unknown[]) => {
    const payload = args[0] as Payload
    if (
      typeof payload === 'object' &&
      (payload.type === 'full-reload' || payload.type === 'update') &&
      (running || isOwnEcho(payload))
    ) {
      held = true
      return
    }
    // A person's edit is being checked: the page comes back once, with the overlay it needs.
    if (typeof payload === 'object' && payload.type === 'full-reload' && checking) {
      heldForCheck = true
      return
    }
    send(...args)
  }

  const isOwnEcho = (p: Payload): boolean => {
    if (p.type !== 'full-reload' || !p.path || p.path === '*' || !tracked) return false
    const abs = join(server.config.root, decodeURIComponent(p.path))
    const rel = relative(options.siteDir, abs).split(sep).join('/')
    const entry = tracked.files[rel]
    return !!entry && existsSync(abs) && sha256(readFileSync(abs)) === entry.hash
  }

  let publishing: Promise<void> = Promise.resolve()
  const publish = (reload: boolean) => {
    publishing = publishing.then(async () => {
      const loads = await pageLoads(options.siteDir).catch(() => new Map<string, Set<string>>())
      state = overlayState({
        findings,
        failed,
        runError,
        hasSite: loads.size > 0,
        loads,
        siteDir: options.siteDir,
        pluginName: input.pluginName,
      })
      send(STATE_EVENT, state)
      if (reload) send({ type: 'full-reload', path: '*' })
    })
  }

  const runner = new CoalescingRunner(
    () => {
      running = true
      runs++
      return input.run(controller.signal)
    },
    ({ result, error }) => {
      if (error) {
        logger.error(formatRunFailure(error))
        runError = error
      } else if (result) {
        logger.info(formatRunSummary(result, options))
        runError = undefined
        findings = result.findings
        failed = result.tasks
          .filter((t) => t.status === 'failed' || t.status === 'blocked')
          .map((t) => ({ path: t.path, message: t.message ?? `task "${t.taskId}" failed` }))
        tracked = result.tracker
      }
      // Not after the first run: every request waited for it, so what was served is current,
      // and a reload sent before any browser connects is buffered by Vite and would reload
      // the first page right after it loads.
      const reload = runs > 1 && (held || (!!result && result.changed.length > 0))
      held = false
      running = false
      publish(reload)
    },
  )

  // A person's edit to a site file: check again (coalesced), so the overlay follows.
  const recheck = new CoalescingRunner(
    async () => {
      const started = runs
      const progress = new Progress({ logger, name: 'sitesmith check' })
      const found = await checkSiteNow({ options, progress, signal: controller.signal }).full()
      return { found, started }
    },
    ({ result }) => {
      checking = false
      const reload = heldForCheck
      heldForCheck = false
      if (!result || result.started !== runs || running) {
        // A run took over: it reloads when it is done; otherwise let the held reload go.
        if (reload && running) held = true
        else if (reload) send({ type: 'full-reload', path: '*' })
        return
      }
      findings = result.found
      publish(reload)
    },
  )

  const first = runner.schedule()
  server.ws.on(HELLO_EVENT, (_data: unknown, client: { send: (event: string, data: unknown) => void }) =>
    client.send(STATE_EVENT, state),
  )
  server.watcher.add(options.specPath)
  const stateDir = join(options.siteDir, '.sitesmith')
  const onFile = (file: string) => {
    const abs = resolve(file)
    if (abs === options.specPath) return void runner.schedule()
    const rel = relative(options.siteDir, abs)
    if (
      running ||
      rel.startsWith('..') ||
      abs.startsWith(stateDir + sep) ||
      !/\.(html?|css|m?js)$/i.test(abs) ||
      rel.split(sep).some((s) => s === 'node_modules' || s.startsWith('.'))
    )
      return
    checking = true
    void recheck.schedule()
  }
  server.watcher.on('change', onFile)
  server.watcher.on('add', (f) => resolve(f) !== options.specPath && onFile(f))
  server.watcher.on('unlink', (f) => resolve(f) !== options.specPath && onFile(f))
  server.httpServer?.once('close', () => controller.abort(new Error('dev server closed')))

  // Generated pages exist before they are served; without a site, say what to set.
  server.middlewares.use((req, res, next) => {
    first.then(() => {
      if (
        runError === undefined ||
        !wantsPage(req) ||
        pageExists(server.config.root, req.url ?? '/') ||
        listHtmlPages(options.siteDir, ['public']).length > 0
      )
        return next()
      res.statusCode = 503
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      res.setHeader('Cache-Control', 'no-store')
      res.end(helpPage({ reason: formatRunFailure(runError), options }))
    }, next)
  })
  const idle = async (): Promise<void> => {
    await runner.idle()
    await recheck.idle()
    await publishing
  }
  return {
    async stop(reason) {
      controller.abort(reason)
      await idle()
    },
    idle,
  }
}

function wantsPage(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  const path = (req.url ?? '/').split(/[?#]/)[0]
  return (
    path.endsWith('/') ||
    path.endsWith('.html') ||
    (!!req.headers.accept?.includes('text/html') && !/\.[a-z0-9]+$/i.test(path))
  )
}

function pageExists(root: string, url: string): boolean {
  let path = decodeURIComponent(url.split(/[?#]/)[0]).replace(/^\/+/, '')
  if (path === '' || path.endsWith('/')) path += 'index.html'
  return existsSync(join(root, path))
}
