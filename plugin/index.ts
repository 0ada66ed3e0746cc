import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import {
  createLogger,
  mergeConfig,
  type Logger as ViteLogger,
  type Plugin,
  type ResolvedConfig,
  type UserConfig,
  type ViteDevServer,
} from 'vite'
import { resolveOptions, type ResolvedOptions, type SitesmithOptions } from './options.js'
import { runPipeline, type RunResult } from './pipeline/run-pipeline.js'
import type { Logger } from './report/logger.js'
import {
  failingFindings,
  failingFindingsError,
  formatRunSummary,
  incompleteRunError,
  runFailureError,
} from './report/run-summary.js'
import { siteSources } from './diagnostics/site-source.js'
import { attachDevServer, type DevSession } from './vite/dev-server.js'
import { CLIENT_CODE, CLIENT_PATH, CLIENT_TAG } from './vite/dev-client.js'
import { extraAssets, siteTexts } from './vite/emit-assets.js'
import { markClassicScripts, resolveFromPage } from './vite/classic-scripts.js'
import { listHtmlPages } from './check/html-pages.js'
import { escapeControl } from './site-files/site-file-policy.js'
import { distFindingsNotInRun, validateDist } from './vite/validate-dist.js'
import { closeCacheStore } from './store/model-cache.js'

export type { SitesmithOptions } from './options.js'
export type { Finding } from './diagnostics/diagnostic.js'

export const PLUGIN_NAME = 'vite-plugin-sitesmith'
const CLIENT_ID = '\0sitesmith-overlay'

/** What the plugin exposes to other plugins and to the `sitesmith` CLI. */
export interface SitesmithApi {
  /** The options as the user passed them (the CLI resolves them against its own cwd). */
  options: SitesmithOptions
  /** The last run's result, once there is one. */
  lastRun(): RunResult | undefined
  /** Dev server: resolves once no run or re-check is active or queued and the browser was told (#11). */
  idle(): Promise<void>
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
  const classicScripts = new Map<string, string[]>() // site-relative (decoded) path → pages loading it
  const refusedScripts: string[] = []
  let dev: DevSession | undefined

  // A keyv store in the options (the README's Redis snippet) holds a connection that would
  // keep `vite build` alive after "✓ built" (#12): sitesmith closes it when the build or the
  // dev server it was configured for ends. Once per plugin instance.
  let storeClosed: Promise<void> | undefined
  const closeStore = () =>
    (storeClosed ??=
      resolved && typeof resolved.cache !== 'string'
        ? closeCacheStore(resolved.cache, resolved.cacheTimeoutMs)
        : Promise.resolve())

  const run = (logger: Logger, signal?: AbortSignal) =>
    runPipeline({ options: resolved, logger, stream: process.stdout, signal }).then((r) => (lastRun = r))

  return {
    name: PLUGIN_NAME,
    api: { options: userOptions, lastRun: () => lastRun, idle: () => dev?.idle() ?? Promise.resolve() },

    async config(userConfig, env) {
      if (env.isPreview) return
      const root = resolve(userConfig.root ?? process.cwd())
      resolved = resolveOptions(userOptions, { root })
      // A siteDir below the root becomes Vite's root, so pages, classic scripts and data
      // files keep their relative layout in dev and in dist/ (#14); dist/, public/ and
      // .env files stay where the project has them.
      const moved = resolved.siteDir !== root ? siteRootConfig(userConfig, root, resolved.siteDir) : {}
      if (env.command !== 'build') return moved
      // Vite resolves its logger after this hook: a project's customLogger is honoured here too.
      const logger = viteLogger(
        userConfig.customLogger ?? createLogger(userConfig.logLevel, { allowClearScreen: false }),
      )
      // Generation runs before Vite resolves its inputs, so every generated page can be an input.
      try {
        const result = await run(logger)
        logger.info(formatRunSummary(result, resolved))
      } catch (error) {
        buildRunError = error
        return moved
      }
      const withTimings = mergeConfig(moved, quietTimings(userConfig))
      const existing = userConfig.build?.rolldownOptions?.input ?? userConfig.build?.rollupOptions?.input
      if (existing) return withTimings
      const pages = listHtmlPages(resolved.siteDir, ['public'])
      if (pages.length === 0) return withTimings
      const input = Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), join(resolved.siteDir, p)]))
      return mergeConfig(withTimings, { build: { rolldownOptions: { input } } })
    },

    configResolved(c) {
      config = c
      resolved ??= resolveOptions(userOptions, { root: c.root })
    },

    async buildEnd(error) {
      // A failed build may never reach closeBundle; the store must not keep it alive either.
      if (error && config.command === 'build' && !config.build.watch) await closeStore()
    },

    buildStart() {
      if (config.command !== 'build') return
      // Errors reach Vite as objects with loc and frame, rendered from the one diagnostic type (#11).
      if (buildRunError) this.error(runFailureError(buildRunError, siteSources(resolved.siteDir)))
      if (lastRun?.problems?.length) this.error(incompleteRunError(lastRun.problems, siteSources(resolved.siteDir)))
    },

    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        // Dev: each page gets the overlay client that shows that page's findings only (#14).
        if (config.command !== 'build') return [CLIENT_TAG]
        const { html: marked, scripts } = markClassicScripts(html)
        const page = relative(resolved.siteDir, ctx.filename).split('\\').join('/')
        for (const s of scripts) {
          // Whether the file may reach dist/ is decided at emission, by the site-file policy.
          const rel = resolveFromPage(page, s.src)
          if (rel) classicScripts.set(rel, [...(classicScripts.get(rel) ?? []), page])
          else
            refusedScripts.push(
              `sitesmith: classic script "${escapeControl(s.src)}" (loaded by ${page}) is not copied to dist/: it leaves the site folder or does not decode`,
            )
        }
        return marked
      },
    },

    resolveId(id) {
      if (id === CLIENT_PATH) return CLIENT_ID
    },

    load(id) {
      if (id === CLIENT_ID) return CLIENT_CODE
    },

    generateBundle(_options, bundle) {
      for (const m of refusedScripts) this.warn(m)
      const tracker = lastRun?.tracker
      const pages = () => listHtmlPages(resolved.siteDir, ['public'])
      const assets = extraAssets({
        siteDir: resolved.siteDir,
        classicScripts,
        tracker,
        siteTexts: () => siteTexts(resolved.siteDir, pages(), tracker),
        inBundle: (f) => f in bundle,
        warn: (m) => this.warn(m),
      })
      for (const a of assets) this.emitFile({ type: 'asset', fileName: a.fileName, source: a.source })
    },

    async writeBundle() {
      if (config.command !== 'build') return
      const logger = viteLogger(config.logger)
      const started = performance.now()
      const dist = await validateDist({ outDir: resolve(config.root, config.build.outDir), options: resolved, logger })
      // The browser check is the slow part of a build by design; say its cost once, ourselves (#14).
      if (!dist.reused) logger.info(`sitesmith: dist/ checked in ${((performance.now() - started) / 1000).toFixed(1)}s`)
      if (dist.runtimeSkipped) logger.warn(`sitesmith: dist/ browser check skipped: ${dist.runtimeSkipped}`)
      const runFindings = lastRun?.findings ?? []
      const distNews = distFindingsNotInRun(
        dist.findings,
        runFindings,
        basename(resolve(config.root, config.build.outDir)),
      )
      const failing = failingFindings([...runFindings, ...distNews], resolved.failOn)
      if (!failing.length) return
      // The run's findings first: loc and frame point at the source a person edits, not its dist/ copy.
      // dist/ findings are relative to the folder holding dist/, the run's to the site folder.
      const fromDist = new Set(distNews)
      const distBase = dirname(resolve(config.root, config.build.outDir))
      const files = siteSources(resolved.siteDir, (d) =>
        fromDist.has(d) ? join(distBase, d.file) : join(resolved.siteDir, d.file),
      )
      this.error(failingFindingsError(failing, resolved.failOn, files))
    },

    // Vite calls this when the dev server closes (and after a build, where there is no dev
    // run). The run in flight is cancelled AND waited for, so that once `server.close()`
    // resolves nothing writes to the site any more: the cancelled run has saved what it
    // finished and released the site lock (test/integration/faults/cancel.test.ts).
    async closeBundle() {
      await dev?.stop(new Error('dev server closed'))
      if (dev || !config.build.watch) await closeStore()
    },

    configureServer(server: ViteDevServer) {
      dev = attachDevServer({
        server,
        options: resolved,
        logger: viteLogger(server.config.logger),
        run: (signal) => run(viteLogger(server.config.logger), signal),
        pluginName: PLUGIN_NAME,
      })
    },
  }
}

function viteLogger(l: ViteLogger): Logger {
  return {
    info: (m) => l.info(m, { timestamp: true }),
    warn: (m) => l.warn(m, { timestamp: true }),
    error: (m) => l.error(m, { timestamp: true }),
  }
}

/** Vite settings for serving and building from a siteDir below the project root. */
function siteRootConfig(user: UserConfig, root: string, siteDir: string): UserConfig {
  const outDir = resolve(root, user.build?.outDir ?? 'dist')
  const inside = relative(root, outDir)
  return {
    root: siteDir,
    ...(user.publicDir === undefined
      ? { publicDir: resolve(root, 'public') }
      : typeof user.publicDir === 'string'
        ? { publicDir: resolve(root, user.publicDir) }
        : {}),
    ...(user.envDir === undefined
      ? { envDir: root }
      : typeof user.envDir === 'string'
        ? { envDir: resolve(root, user.envDir) }
        : {}),
    // Vite empties an outDir inside its root; this one was inside the project's root.
    build: {
      outDir,
      ...(user.build?.emptyOutDir === undefined && inside && !inside.startsWith('..') && !isAbsolute(inside)
        ? { emptyOutDir: true }
        : {}),
    },
  }
}

/**
 * Rolldown's timing banner (PLUGIN_TIMINGS) blames whichever plugin's hook ran longest; on a
 * first build that is always sitesmith's dist/ browser check, which is slow by design and
 * reports its own time (#14). Off unless the project set `checks.bundlerTimings` or
 * `checks.pluginTimings` itself, which is respected either way.
 */
function quietTimings(userConfig: UserConfig): UserConfig {
  const checks = userConfig.build?.rolldownOptions?.checks ?? userConfig.build?.rollupOptions?.checks
  if (checks?.bundlerTimings !== undefined || checks?.pluginTimings !== undefined) return {}
  return { build: { rolldownOptions: { checks: { bundlerTimings: false } } } }
}
