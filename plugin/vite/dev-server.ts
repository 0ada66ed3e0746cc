import { resolve } from 'node:path'
import type { ViteDevServer } from 'vite'
import type { ResolvedOptions } from '../options.js'
import type { RunResult } from '../pipeline/run-pipeline.js'
import type { Logger } from '../report/logger.js'
import { formatRunFailure, formatRunSummary } from '../report/run-summary.js'
import { CoalescingRunner } from './dev-runner.js'
import { overlayError } from './overlay.js'

/**
 * `vite` dev: the first request waits for the first run; each save of the spec schedules a
 * run (coalesced); after a run, unresolved errors go to the overlay (also to clients that
 * connect later) or, when files changed and all is well, the browser reloads.
 */
export interface DevSession {
  /** Cancel the run in flight and wait for it to stop writing (on server close). */
  stop(reason: Error): Promise<void>
}

export function attachDevServer(input: {
  server: ViteDevServer
  options: ResolvedOptions
  logger: Logger
  run: (signal: AbortSignal) => Promise<RunResult>
  pluginName: string
}): DevSession {
  const { server, options, logger } = input
  const controller = new AbortController()
  let lastError: ReturnType<typeof overlayError> = null
  const runner = new CoalescingRunner(
    () => input.run(controller.signal),
    ({ result, error }) => {
      if (error) {
        logger.error(formatRunFailure(error))
        lastError = { message: formatRunFailure(error), stack: '', plugin: input.pluginName }
      } else if (result) {
        logger.info(formatRunSummary(result, options))
        lastError = overlayError(result.findings.filter((f) => f.severity === 'error'), result.errors, options.siteDir)
        if (!lastError && result.changed.length) server.ws.send({ type: 'full-reload', path: '*' })
      }
      if (lastError) server.ws.send({ type: 'error', err: lastError })
    },
  )
  const first = runner.schedule()
  server.ws.on('connection', () => {
    if (lastError) server.ws.send({ type: 'error', err: lastError })
  })
  server.watcher.add(options.specPath)
  server.watcher.on('change', (file) => {
    if (resolve(file) === options.specPath) void runner.schedule()
  })
  server.httpServer?.once('close', () => controller.abort(new Error('dev server closed')))
  // Generated pages exist before they are served.
  server.middlewares.use((_req, _res, next) => {
    first.then(() => next(), next)
  })
  return {
    async stop(reason) {
      controller.abort(reason)
      await runner.idle()
    },
  }
}
