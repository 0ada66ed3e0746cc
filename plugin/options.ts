import { isAbsolute, relative as relativePath, resolve as resolvePath } from 'node:path'
import type { Keyv } from 'keyv'
import { ignoreMatcher } from './analysis/ignore-globs.js'
import type { ModelOptions } from './llm/types.js'
import { CACHE_MODES, type CacheMode } from './store/model-cache.js'

/**
 * Public options of `sitesmith(options)`. Every option has a documented default; defaults
 * are frozen below and resolved exactly once per plugin instance (`resolveOptions`).
 */

export type { CacheMode }
export type FailOn = 'error' | 'warning' | 'never'

export interface SitesmithOptions {
  /** The plain-language spec, relative to the Vite root. @default 'spec.md' */
  spec?: string
  /**
   * Where generated files go, relative to the Vite root and inside it. When it is a
   * subfolder, Vite serves and builds from it (pages and scripts keep their layout in
   * `dist/`) and sitesmith's state lives in `<siteDir>/.sitesmith/`.
   * @default '.' (the Vite root)
   */
  siteDir?: string
  /** The large model that plans and reviews. @default { provider: 'openai', model: 'gpt-4o-mini' } */
  planner?: ModelOptions
  /** The small model that writes and fixes files. @default { provider: 'ollama', model: 'qwen2.5-coder:7b' } */
  coder?: ModelOptions
  /**
   * Model-response cache: a directory (relative to the Vite root; one JSON file per key)
   * or any keyv instance (e.g. `new Keyv(new KeyvRedis(url))` for teams and CI fleets).
   * @default '.sitesmith/cache' inside `siteDir`, next to the rest of sitesmith's state
   */
  cache?: string | Keyv
  /**
   * `auto` reads and writes; `frozen` makes a miss an error naming the task (no model
   * call); `refresh` ignores reads. `SITESMITH_CACHE_MODE` overrides.
   * @default 'frozen' when `CI` is set, else 'auto'
   */
  cacheMode?: CacheMode
  /**
   * Longest wait for one cache read or write. A store that does not answer in time (Redis
   * down) is warned once and treated as misses for the rest of the run, never waited on.
   * @default 5000
   */
  cacheTimeoutMs?: number
  /** Independent tasks generated at once. @default 4 */
  concurrency?: number
  review?: {
    /** Run the review–fix loop. @default true */
    enabled?: boolean
    /** Check → review → fix rounds at most. @default 2 */
    maxRounds?: number
    /**
     * Send screenshots of the pages changed in a run (at 1280 and 390 px) to the planner
     * model with their spec sections, asking for visible defects (issue #18). Needs a model
     * that takes images (OpenAI image input; an Ollama vision model).
     * @default false
     */
    visual?: boolean
  }
  runtimeCheck?: {
    /** Load every page in headless Chromium and click what has a handler. @default true */
    enabled?: boolean
    /** Chromium binary. `SITESMITH_CHROMIUM` overrides. @default '/usr/bin/chromium' */
    executablePath?: string
    /** Save a PNG of each page to `.sitesmith/screenshots/`. @default false */
    screenshots?: boolean
    /** axe-core's WCAG A/AA rules on every page: `a11y-<rule>` findings, serious/critical as errors. @default true */
    a11y?: boolean
    /**
     * Layout at 1280 and 390 px wide: sideways scrolling, covered controls, small tap targets,
     * cut-off and clipped text (`layout-*` findings, crops in `.sitesmith/screenshots/layout/`).
     * @default true
     */
    layout?: boolean
    /**
     * Pages loaded at once, each in its own browser context of one Chromium (issue #16): more
     * pages per second on a large site, more memory. @default 2
     */
    concurrency?: number
  }
  check?: {
    /**
     * Globs of site files the checker skips (`['vendor/**', '*.min.js']`): not parsed,
     * nothing reported in them, links to them still resolve. Applies to the build's check
     * and the browser pass; `sitesmith check --ignore` takes the same globs.
     * @default []
     */
    ignore?: readonly string[]
    /**
     * Origins generated files may load scripts, styles, fonts, images or frames from, e.g.
     * `['https://fonts.googleapis.com', 'https://fonts.gstatic.com']`. Any other origin in a
     * file sitesmith wrote is an `external-resource` error (#10).
     * @default []
     */
    allowOrigins?: readonly string[]
  }
  /** Which unresolved findings fail `vite build`. @default 'error' */
  failOn?: FailOn
  budget?: {
    /**
     * Model calls per run at most (cache hits are free). Unset, the limit follows the plan's
     * size — 3 calls a task plus 20, never below 200 — and the run says so before generating
     * (issue #16); set, it is enforced as given.
     * @default 200
     */
    maxCalls?: number
    /**
     * Tokens (prompt + completion) per run at most. Unset, it follows the plan's size like
     * `maxCalls`: 20,000 tokens a task, never below 2,000,000.
     * @default 2_000_000
     */
    maxTokens?: number
  }
  /**
   * Regenerate files a person edited since sitesmith last wrote them. Off by default:
   * hand edits are kept and reported. `SITESMITH_OVERWRITE_EDITS=1` overrides.
   * @default false
   */
  overwriteHandEdits?: boolean
  /**
   * What plans and fixes may do to a person's own files (those `sitesmith adopt` brought in):
   * `false` — nothing; the run lists what it would have changed. `'chunks'` — `update` them
   * with chunk edits only (never create over or delete them), every change journaled so
   * `sitesmith undo` restores the previous bytes (issue 17).
   * @default false
   */
  editUserFiles?: false | 'chunks'
}

export const DEFAULTS = Object.freeze({
  spec: 'spec.md',
  siteDir: '.',
  planner: Object.freeze({ provider: 'openai', model: 'gpt-4o-mini' }),
  coder: Object.freeze({ provider: 'ollama', model: 'qwen2.5-coder:7b' }),
  cache: '.sitesmith/cache',
  cacheTimeoutMs: 5000,
  concurrency: 4,
  review: Object.freeze({ enabled: true, maxRounds: 2, visual: false }),
  runtimeCheck: Object.freeze({
    enabled: true,
    executablePath: '/usr/bin/chromium',
    screenshots: false,
    a11y: true,
    layout: true,
    concurrency: 2,
  }),
  check: Object.freeze({ ignore: Object.freeze<string[]>([]), allowOrigins: Object.freeze<string[]>([]) }),
  failOn: 'error',
  budget: Object.freeze({ maxCalls: 200, maxTokens: 2_000_000 }),
  overwriteHandEdits: false,
  editUserFiles: false,
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
  cacheTimeoutMs: number
  concurrency: number
  review: { enabled: boolean; maxRounds: number; visual: boolean }
  runtimeCheck: {
    enabled: boolean
    executablePath: string
    screenshots: boolean
    a11y: boolean
    layout: boolean
    concurrency: number
  }
  check: { ignore: readonly string[]; allowOrigins: readonly string[] }
  failOn: FailOn
  /** `fromPlan`: the limits not set by the user, which grow with the plan (issue #16). */
  budget: { maxCalls: number; maxTokens: number; fromPlan: { maxCalls: boolean; maxTokens: boolean } }
  overwriteHandEdits: boolean
  editUserFiles: false | 'chunks'
}

export class OptionsError extends Error {
  readonly code = 'E_OPTIONS'
  constructor(field: string, message: string) {
    super(`sitesmith option "${field}": ${message}`)
    this.name = 'OptionsError'
  }
}

const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never']

/**
 * Resolve user options once, against the Vite root (or CLI cwd) and the environment.
 * Environment overrides win over options so CI can steer a build without editing config.
 */
export function resolveOptions(
  user: SitesmithOptions = {},
  ctx: { root: string; env?: NodeJS.ProcessEnv },
): ResolvedOptions {
  const env = ctx.env ?? process.env
  const root = resolvePath(ctx.root)
  const siteDir = resolvePath(root, user.siteDir ?? DEFAULTS.siteDir)
  const fromRoot = relativePath(root, siteDir)
  if (fromRoot.startsWith('..') || isAbsolute(fromRoot))
    throw new OptionsError('siteDir', `"${user.siteDir}" is outside the Vite root ${root}; use a folder inside it`)

  const envMode = env.SITESMITH_CACHE_MODE?.trim()
  if (envMode && !CACHE_MODES.includes(envMode as CacheMode)) {
    throw new OptionsError('SITESMITH_CACHE_MODE', `"${envMode}" is not one of ${CACHE_MODES.join(', ')}`)
  }
  const cacheMode = (envMode as CacheMode | undefined) ?? user.cacheMode ?? (isCI(env) ? 'frozen' : 'auto')
  if (!CACHE_MODES.includes(cacheMode))
    throw new OptionsError('cacheMode', `"${cacheMode}" is not one of ${CACHE_MODES.join(', ')}`)

  const failOn = user.failOn ?? DEFAULTS.failOn
  if (!FAIL_ON.includes(failOn)) throw new OptionsError('failOn', `"${failOn}" is not one of ${FAIL_ON.join(', ')}`)
  const runtimeConcurrency = user.runtimeCheck?.concurrency ?? DEFAULTS.runtimeCheck.concurrency
  if (!Number.isInteger(runtimeConcurrency) || runtimeConcurrency < 1 || runtimeConcurrency > 32) {
    throw new OptionsError('runtimeCheck.concurrency', `must be an integer from 1 to 32, got ${runtimeConcurrency}`)
  }
  const concurrency = user.concurrency ?? DEFAULTS.concurrency
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new OptionsError('concurrency', `must be an integer from 1 to 64, got ${concurrency}`)
  const maxRounds = user.review?.maxRounds ?? DEFAULTS.review.maxRounds
  if (!Number.isInteger(maxRounds) || maxRounds < 0 || maxRounds > 10)
    throw new OptionsError('review.maxRounds', `must be an integer from 0 to 10, got ${maxRounds}`)

  const planner = { ...DEFAULTS.planner, ...user.planner }
  const coder = { ...DEFAULTS.coder, ...user.coder }
  for (const [field, m] of [
    ['planner', planner],
    ['coder', coder],
  ] as const) {
    if (m.provider !== 'openai' && m.provider !== 'ollama')
      throw new OptionsError(
        `${field}.provider`,
        `"${String(m.provider)}" is not "openai" or "ollama" (any OpenAI-compatible server works with provider "openai" and a baseURL)`,
      )
    if (!m.model) throw new OptionsError(`${field}.model`, 'is empty')
  }

  const ignore = user.check?.ignore ?? DEFAULTS.check.ignore
  if (!Array.isArray(ignore) || ignore.some((g) => typeof g !== 'string' || g.trim() === '')) {
    throw new OptionsError('check.ignore', `must be an array of non-empty glob strings, got ${JSON.stringify(ignore)}`)
  }
  try {
    ignoreMatcher(ignore)
  } catch (error) {
    throw new OptionsError('check.ignore', (error as Error).message)
  }
  // Typed readonly string[], but a JavaScript config may pass a lone string, which spread would split.
  const allowOrigins: unknown = user.check?.allowOrigins ?? DEFAULTS.check.allowOrigins
  if (!Array.isArray(allowOrigins)) {
    throw new OptionsError('check.allowOrigins', `must be an array of origins, got ${JSON.stringify(allowOrigins)}`)
  }
  for (const o of allowOrigins as unknown[]) {
    if (typeof o !== 'string' || !/^https?:\/\/[^/\s]+$/i.test(o.trim().replace(/\/$/, ''))) {
      throw new OptionsError(
        'check.allowOrigins',
        `each entry must be an origin like "https://fonts.googleapis.com", got ${JSON.stringify(o)}`,
      )
    }
  }

  const editUserFiles = user.editUserFiles ?? DEFAULTS.editUserFiles
  if (editUserFiles !== false && editUserFiles !== 'chunks')
    throw new OptionsError('editUserFiles', `must be false or 'chunks', got ${JSON.stringify(editUserFiles)}`)
  const cache = user.cache ?? DEFAULTS.cache
  const cacheTimeoutMs = user.cacheTimeoutMs ?? DEFAULTS.cacheTimeoutMs
  if (!Number.isInteger(cacheTimeoutMs) || cacheTimeoutMs < 1 || cacheTimeoutMs > 600_000)
    throw new OptionsError(
      'cacheTimeoutMs',
      `must be a whole number of milliseconds from 1 to 600000, got ${cacheTimeoutMs}`,
    )
  const overwriteEnv = env.SITESMITH_OVERWRITE_EDITS
  return {
    root,
    specPath: resolvePath(root, user.spec ?? DEFAULTS.spec),
    siteDir,
    planner,
    coder,
    // The default cache sits with the other state in <siteDir>/.sitesmith: one folder (#14).
    cache: typeof cache === 'string' ? resolvePath(user.cache === undefined ? siteDir : root, cache) : cache,
    cacheMode,
    cacheTimeoutMs,
    concurrency,
    review: {
      enabled: user.review?.enabled ?? DEFAULTS.review.enabled,
      maxRounds,
      visual: user.review?.visual ?? DEFAULTS.review.visual,
    },
    runtimeCheck: {
      enabled: user.runtimeCheck?.enabled ?? DEFAULTS.runtimeCheck.enabled,
      executablePath:
        env.SITESMITH_CHROMIUM || user.runtimeCheck?.executablePath || DEFAULTS.runtimeCheck.executablePath,
      screenshots: user.runtimeCheck?.screenshots ?? DEFAULTS.runtimeCheck.screenshots,
      a11y: user.runtimeCheck?.a11y ?? DEFAULTS.runtimeCheck.a11y,
      layout: user.runtimeCheck?.layout ?? DEFAULTS.runtimeCheck.layout,
      concurrency: runtimeConcurrency,
    },
    check: {
      ignore: Object.freeze([...(ignore as string[])]),
      allowOrigins: Object.freeze([...(allowOrigins as string[])]),
    },
    failOn,
    budget: {
      maxCalls: user.budget?.maxCalls ?? DEFAULTS.budget.maxCalls,
      maxTokens: user.budget?.maxTokens ?? DEFAULTS.budget.maxTokens,
      fromPlan: { maxCalls: user.budget?.maxCalls === undefined, maxTokens: user.budget?.maxTokens === undefined },
    },
    overwriteHandEdits:
      overwriteEnv !== undefined && overwriteEnv !== ''
        ? overwriteEnv !== '0' && overwriteEnv !== 'false'
        : (user.overwriteHandEdits ?? DEFAULTS.overwriteHandEdits),
    editUserFiles,
  }
}

function isCI(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== '0' && env.CI !== 'false'
}
