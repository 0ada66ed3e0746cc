import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  readdirSync,
  statSync,
} from 'node:fs'
import { join, relative, sep } from 'node:path'
import { startLoopbackServer, type LoopbackOptions, type LoopbackServer, type Respond } from '../loopback/server.js'
import { resolveOptions, type ResolvedOptions, type SitesmithOptions } from '../../plugin/options.js'
import { runPipeline, type RunResult } from '../../plugin/pipeline/run-pipeline.js'
import { silentLogger, type Logger } from '../../plugin/report/logger.js'

export const REPO = join(import.meta.dirname, '..', '..')

/**
 * A throwaway site directory with a spec, plus a loopback model server, for whole-pipeline
 * tests. `dispose()` closes the server and removes the directory; call it in `afterEach`.
 */
export interface TempSite {
  dir: string
  cacheDir: string
  server: LoopbackServer
  /** Test-only environment: a fake key the loopback server accepts; never a real one. */
  env: NodeJS.ProcessEnv
  /** Plugin options pointing both roles at the loopback server, with a private cache (no browser check unless asked). */
  pluginOptions(extra?: SitesmithOptions): SitesmithOptions
  options(extra?: SitesmithOptions): ResolvedOptions
  run(
    extra?: SitesmithOptions,
    more?: { logger?: Logger; env?: NodeJS.ProcessEnv; until?: 'plan' | 'generate' | 'review' },
  ): Promise<RunResult>
  read(path: string): string
  write(path: string, content: string): void
  exists(path: string): boolean
  /** Every file of the site (not .sitesmith) → content. */
  snapshot(): Map<string, string>
  dispose(): Promise<void>
}

export async function createTempSite(input: {
  spec: string
  respond: Respond
  latencyMs?: number
  cacheDir?: string
  /** Enforce real model limits (issue #16, test/loopback/model-limits.ts). */
  limits?: LoopbackOptions['limits']
}): Promise<TempSite> {
  const base = join(REPO, 'test', '.tmp')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, 'site-'))
  const cacheDir = input.cacheDir ?? join(dir, '..', `${dir.split(sep).pop()}-cache`)
  writeFileSync(
    join(dir, 'spec.md'),
    existsSync(join(REPO, input.spec)) ? readFileSync(join(REPO, input.spec), 'utf8') : input.spec,
  )
  const server = await startLoopbackServer({ respond: input.respond, latencyMs: input.latencyMs, limits: input.limits })
  const env: NodeJS.ProcessEnv = { OPENAI_API_KEY: 'sk-loopback-test-key-0000', PATH: process.env.PATH }

  const pluginOptions = (extra: SitesmithOptions = {}): SitesmithOptions => ({
    planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, timeoutMs: 10_000 },
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: server.url, timeoutMs: 10_000 },
    cache: cacheDir,
    cacheMode: 'auto',
    runtimeCheck: { enabled: false },
    ...extra,
  })
  const options = (extra: SitesmithOptions = {}) => resolveOptions(pluginOptions(extra), { root: dir, env })

  return {
    dir,
    cacheDir,
    server,
    env,
    pluginOptions,
    options,
    run: (extra, more = {}) =>
      runPipeline({
        options: options(extra),
        logger: more.logger ?? silentLogger,
        env: more.env ?? env,
        until: more.until,
      }),
    read: (p) => readFileSync(join(dir, p), 'utf8'),
    write: (p, c) => writeFileSync(join(dir, p), c),
    exists: (p) => existsSync(join(dir, p)),
    snapshot: () => snapshot(dir),
    dispose: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
      if (!input.cacheDir) rmSync(cacheDir, { recursive: true, force: true })
    },
  }
}

export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.sitesmith' || name === 'node_modules' || name === 'dist') continue
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.set(relative(dir, p).split(sep).join('/'), readFileSync(p, 'utf8'))
    }
  }
  walk(dir)
  return out
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true })
}
