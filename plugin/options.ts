import type { Keyv } from 'keyv'
import type { ModelOptions } from './llm/types.js'

/**
 * Public options of `sitesmith(options)`. Every option has a documented default; defaults
 * are frozen below and resolved exactly once per plugin instance (`resolveOptions`).
 */

export type CacheMode = 'auto' | 'frozen' | 'refresh'
export type FailOn = 'error' | 'warning' | 'never'

export interface SitesmithOptions {
  /** The plain-language spec, relative to the Vite root. @default 'spec.md' */
  spec?: string
  /** Where generated files go, relative to the Vite root. @default '.' (the Vite root) */
  siteDir?: string
  /** The large model that plans and reviews. @default { provider: 'openai', model: 'gpt-4o-mini' } */
  planner?: ModelOptions
  /** The small model that writes and fixes files. @default { provider: 'ollama', model: 'qwen2.5-coder:7b' } */
  coder?: ModelOptions
  /**
   * Model-response cache: a directory (relative to the Vite root; one JSON file per key)
   * or any keyv instance (e.g. `new Keyv(new KeyvRedis(url))` for teams and CI fleets).
   * @default '.sitesmith/cache'
   */
  cache?: string | Keyv
  /**
   * `auto` reads and writes; `frozen` makes a miss an error naming the task (no model
   * call); `refresh` ignores reads. `SITESMITH_CACHE_MODE` overrides.
   * @default 'frozen' when `CI` is set, else 'auto'
   */
  cacheMode?: CacheMode
  /** Independent tasks generated at once. @default 4 */
  concurrency?: number
  review?: {
    /** Run the review–fix loop. @default true */
    enabled?: boolean
    /** Check → review → fix rounds at most. @default 2 */
    maxRounds?: number
  }
  runtimeCheck?: {
    /** Load every page in headless Chromium and click what has a handler. @default true */
    enabled?: boolean
    /** Chromium binary. `SITESMITH_CHROMIUM` overrides. @default '/usr/bin/chromium' */
    executablePath?: string
    /** Save a PNG of each page to `.sitesmith/screenshots/`. @default false */
    screenshots?: boolean
  }
  /** Which unresolved findings fail `vite build`. @default 'error' */
  failOn?: FailOn
  budget?: {
    /** Model calls per run at most (cache hits are free). @default 200 */
    maxCalls?: number
    /** Tokens (prompt + completion) per run at most. @default 2_000_000 */
    maxTokens?: number
  }
  /**
   * Regenerate files a person edited since sitesmith last wrote them. Off by default:
   * hand edits are kept and reported. `SITESMITH_OVERWRITE_EDITS=1` overrides.
   * @default false
   */
  overwriteHandEdits?: boolean
}

export const DEFAULTS = Object.freeze({
  spec: 'spec.md',
  siteDir: '.',
  planner: Object.freeze({ provider: 'openai', model: 'gpt-4o-mini' }),
  coder: Object.freeze({ provider: 'ollama', model: 'qwen2.5-coder:7b' }),
  cache: '.sitesmith/cache',
  concurrency: 4,
  review: Object.freeze({ enabled: true, maxRounds: 2 }),
  runtimeCheck: Object.freeze({ enabled: true, executablePath: '/usr/bin/chromium', screenshots: false }),
  failOn: 'error',
  budget: Object.freeze({ maxCalls: 200, maxTokens: 2_000_000 }),
  overwriteHandEdits: false,
} as const) satisfies Readonly<Required<Omit<SitesmithOptions, 'cacheMode'>>>

export interface ResolvedOptions {
  /** Absolute Vite root (or CLI cwd). */
  root: string
  /** Absolute path of the spec file. */
  specPath: string
  /** Absolute directory generated files are written under. */
  siteDir: string
  planner: ModelOptions
  coder: ModelOptions
  cache: string | Keyv
  cacheMode: CacheMode
  concurrency: number
  review: { enabled: boolean; maxRounds: number }
  runtimeCheck: { enabled: boolean; executablePath: string; screenshots: boolean }
  failOn: FailOn
  budget: { maxCalls: number; maxTokens: number }
  overwriteHandEdits: boolean
}
