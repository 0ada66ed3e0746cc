import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { createLogger, type Logger as ViteLogger, type Plugin, type ResolvedConfig, type ViteDevServer } from 'vite'
import { resolveOptions, type ResolvedOptions, type SitesmithOptions } from './options.js'
import { runPipeline, type RunResult } from './pipeline/run-pipeline.js'
import type { Logger } from './report/logger.js'
import { failingFindings, formatRunFailure, formatRunSummary } from './report/run-summary.js'
import { CoalescingRunner } from './vite/dev-runner.js'
import { markClassicScripts, resolveFromPage } from './vite/classic-scripts.js'
import { listHtmlPages } from './vite/html-pages.js'
import { overlayError } from './vite/overlay.js'
import { validateDist } from './vite/validate-dist.js'

export type { SitesmithOptions } from './options.js'
export type { Finding } from './report/diagnostic.js'

export const PLUGIN_NAME = 'vite-plugin-sitesmith'

/** What the plugin exposes to other plugins and to the `sitesmith` CLI. */
export interface SitesmithApi {
  /** The options as the user passed them (the CLI resolves them against its own cwd). */
  options: SitesmithOptions
  /** The last run's result, once there is one. */
  lastRun(): RunResult | undefined
}

/**
 * The Vite plugin: lifecycle wiring only, the pipeline lives in `plugin/pipeline/`.
 * - `vite` (dev): generate or replay before the first request; re-run on every save of the
 *   spec (coalesced); unresolved errors go to the overlay.
 * - `vite build`: generate, build every HTML page, then validate `dist/` and fail the build
 *   on unresolved findings (`failOn`).
 */
export default function sitesmith(userOptions: SitesmithOptions = {}): Plugin<SitesmithApi> {
  let resolved: ResolvedOptions
  let config: ResolvedConfig
  let lastRun: RunResult | undefined
  let buildRunError: unknown
  const classicScripts = new Map<string, string>() // site-relative path → absolute file
  let dev: { controller: AbortController; runner: CoalescingRunner<RunResult> } | undefined

  const run = (logger: Logger, signal?: AbortSignal) => runPipeline({ options: resolved, logger, stream: process.stdout, signal }).then((r) => (lastRun = r))

  return {
    name: PLUGIN_NAME,
    api: { options: userOptions, lastRun: () => lastRun },

    async config(userConfig, env) {
      if (env.command !== 'build' || env.isPreview) return
      const root = resolve(userConfig.root ?? process.cwd())
      resolved = resolveOptions(userOptions, { root })
      const logger = viteLogger(createLogger(userConfig.logLevel, { allowClearScreen: false }))
      // Generation runs before Vite resolves its inputs, so every generated page can be an input.
      try {
        const result = await run(logger)
        logger.info(formatRunSummary(result, resolved))
      } catch (error) {
        buildRunError = error
        return
      }
      const existing = userConfig.build?.rolldownOptions?.input ?? userConfig.build?.rollupOptions?.input
      if (existing) return
      const pages = listHtmlPages(resolved.siteDir, ['public'])
      if (pages.length === 0) return
      return { build: { rolldownOptions: { input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), join(resolved.siteDir, p)])) } } }
    },

    configResolved(c) {
      config = c
      resolved ??= resolveOptions(userOptions, { root: c.root })
    },

    buildStart() {
      if (config.command !== 'build') return
      if (buildRunError) this.error(formatRunFailure(buildRunError))
      if (lastRun && lastRun.errors.length) this.error(`sitesmith: ${lastRun.errors.length} task(s) failed:\n${lastRun.errors.map((e) => `  - ${e}`).join('\n')}`)
    },

    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        if (config.command !== 'build') return
        const { html: marked, scripts } = markClassicScripts(html)
        const page = relative(resolved.siteDir, ctx.filename).split('\\').join('/')
        for (const s of scripts) {
          const rel = resolveFromPage(page, s.src)
          if (rel) classicScripts.set(rel, join(resolved.siteDir, rel))
        }
        return marked
      },
    },

    generateBundle(_options, bundle) {
      // Data files sitesmith generated (menu.json, an SVG a script loads…) are fetched at
      // runtime, so Vite never sees them; they go to dist/ at the same path.
      for (const path of Object.keys(lastRun?.tracker.files ?? {})) {
        if (!/\.(json|svg|txt|xml|webmanifest)$/.test(path) || bundle[path] || classicScripts.has(path)) continue
        const abs = join(resolved.siteDir, path)
        if (existsSync(abs)) this.emitFile({ type: 'asset', fileName: path, source: readFileSync(abs) })
      }
      for (const [fileName, abs] of classicScripts) {
        try {
          this.emitFile({ type: 'asset', fileName, source: readFileSync(abs) })
        } catch {
          this.warn(`classic script ${fileName} is referenced by a page but does not exist`)
        }
      }
    },

    async writeBundle() {
      if (config.command !== 'build') return
      const outDir = resolve(config.root, config.build.outDir)
      const logger = viteLogger(config.logger)
      const dist = await validateDist({ outDir, options: resolved, logger })
      if (dist.runtimeSkipped) logger.warn(`sitesmith: dist/ browser check skipped: ${dist.runtimeSkipped}`)
      const failing = failingFindings([...dist.findings, ...(lastRun?.findings ?? [])], resolved.failOn)
      if (failing.length) {
        this.error(`sitesmith: ${failing.length} unresolved finding(s) (failOn: "${resolved.failOn}"):\n${failing.map((f) => `  ${f.file}:${f.line}:${f.column} ${f.severity} [${f.rule}] ${f.message}`).join('\n')}`)
      }
    },

    // Vite calls this when the dev server closes (and after a build, where there is no dev
    // run). The run in flight is cancelled AND waited for, so that once `server.close()`
    // resolves nothing writes to the site any more: the cancelled run has saved what it
    // finished and released the site lock (test/integration/faults/cancel.test.ts).
    async closeBundle() {
      if (!dev) return
      dev.controller.abort(new Error('dev server closed'))
      await dev.runner.idle()
    },

    configureServer(server: ViteDevServer) {
      const logger = viteLogger(server.config.logger)
      const controller = new AbortController()
      let lastError: ReturnType<typeof overlayError> = null
      const runner = new CoalescingRunner(
        () => run(logger, controller.signal),
        ({ result, error }) => {
          if (error) {
            logger.error(formatRunFailure(error))
            lastError = { message: formatRunFailure(error), stack: '', plugin: PLUGIN_NAME }
          } else if (result) {
            logger.info(formatRunSummary(result, resolved))
            lastError = overlayError(result.findings.filter((f) => f.severity === 'error'), result.errors, resolved.siteDir)
            if (!lastError && result.changed.length) server.ws.send({ type: 'full-reload', path: '*' })
          }
          if (lastError) server.ws.send({ type: 'error', err: lastError })
        },
      )
      const first = runner.schedule()
      // A client that connects after a failed run still sees the error.
      server.ws.on('connection', () => {
        if (lastError) server.ws.send({ type: 'error', err: lastError })
      })
      server.watcher.add(resolved.specPath)
      server.watcher.on('change', (file) => {
        if (resolve(file) === resolved.specPath) void runner.schedule()
      })
      dev = { controller, runner }
      server.httpServer?.once('close', () => controller.abort(new Error('dev server closed')))
      // The first request waits for the first run: generated pages exist before they are served.
      server.middlewares.use((_req, _res, next) => {
        first.then(() => next(), next)
      })
    },
  }
}

function viteLogger(l: ViteLogger): Logger {
  return { info: (m) => l.info(m, { timestamp: true }), warn: (m) => l.warn(m, { timestamp: true }), error: (m) => l.error(m, { timestamp: true }) }
}
