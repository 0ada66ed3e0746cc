import type { SitesmithOptions } from '../../../plugin/options.js'

/**
 * The options of every run in the kill loop — the killed children and the parent's
 * recovery runs alike — so they share one cache and produce the same bytes for the same
 * spec. Only plain data crosses the process boundary (argv JSON).
 */
export interface KillRunConfig {
  /** Site root (holds spec.md). */
  root: string
  cacheDir: string
  openaiBaseURL: string
  ollamaURL: string
}

export function killRunOptions(cfg: KillRunConfig): SitesmithOptions {
  return {
    planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: cfg.openaiBaseURL, timeoutMs: 10_000 },
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: cfg.ollamaURL, timeoutMs: 10_000 },
    cache: cfg.cacheDir,
    cacheMode: 'auto',
    concurrency: 4,
    runtimeCheck: { enabled: false },
  }
}

/** The environment of every run: a fake key the loopback server accepts, fast retries, nothing inherited (no CI). */
export function killRunEnv(): NodeJS.ProcessEnv {
  return { OPENAI_API_KEY: 'sk-loopback-kill-test-0000', SITESMITH_RETRY_BASE_MS: '2', PATH: process.env.PATH }
}
