/**
 * The site-file policy (issue #10): one answer to "may this site file be created by a model,
 * or published / served?", shared by every step that reads or writes site files — plan
 * validation, the writer (write, delete, restore), classic-script and asset emission into
 * `dist/`, the dev server and the runtime check's static server.
 *
 * It is a bottom-layer contract: lexical and pure (no file system, no imports from the
 * stages). Realpath checks live next to it in `paths.ts`.
 *
 * - A model may CREATE only web file types (an allow-list of extensions) and never a name
 *   that a tool loads or runs: every `*.config.*` / `*.conf.*` / `*.workspace.*`, `*rc` and
 *   `*rc.*`, dot files and hidden folders, package and lock files, TypeScript configs, and
 *   deploy files (`vercel.json`, `netlify.toml`, `_headers`, …) or folders whose code a
 *   deploy platform runs (`api/`, `functions/`). Vite itself loads `postcss.config.*` and
 *   `.postcssrc*` on `vite build` and on every `vite` start, so a model-written one would be
 *   model code executed in Node.
 * - A file is PUBLISHED (copied to `dist/`, served to the browser check) only when no path
 *   segment is hidden (`.env`, `.git/config`, `.sitesmith/…`), it is not a tool-loaded name
 *   and not under `node_modules`.
 * - Paths are judged after decoding (`%2e%2e`, double encoding), and a path holding control
 *   characters is refused outright (it could rewrite the terminal it is printed on).
 */

import { escapeControl } from '../diagnostics/escape.js'

// Escaping for terminals lives with the renderers; re-exported for the policy's callers.
export { escapeControl, escapeTerminal } from '../diagnostics/escape.js'

export type PolicyVerdict = { ok: true } | { ok: false; reason: string }

/** Extensions of files a model may create: text a static site is made of. */
export const MODEL_FILE_EXTENSIONS = Object.freeze([
  '.html',
  '.css',
  '.js',
  '.mjs',
  '.json',
  '.svg',
  '.txt',
  '.xml',
  '.webmanifest',
] as const)

/** Exact names (lower-cased) that a package manager, compiler, linter or deploy platform reads. */
const TOOL_FILE_NAMES: ReadonlyMap<string, string> = new Map([
  ...[
    'package.json',
    'package-lock.json',
    'npm-shrinkwrap.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'pnpm-workspace.yaml',
    'bun.lock',
    'bun.lockb',
    'deno.json',
    'deno.jsonc',
    'deno.lock',
    'bower.json',
    'composer.json',
    'composer.lock',
    'jsr.json',
  ].map((n) => [n, 'a package or lock file'] as const),
  ...[
    'tsconfig.json',
    'jsconfig.json',
    'browserslist',
    'turbo.json',
    'nx.json',
    'lerna.json',
    'biome.json',
    'biome.jsonc',
    'renovate.json',
    'components.json',
  ].map((n) => [n, 'a file build tools read'] as const),
  ...[
    'vercel.json',
    'now.json',
    'firebase.json',
    'netlify.toml',
    '_headers',
    '_redirects',
    '_routes.json',
    '_worker.js',
    'wrangler.toml',
    'wrangler.json',
    'wrangler.jsonc',
    'app.json',
    'static.json',
    'render.yaml',
    'fly.toml',
    'amplify.yml',
    'app.yaml',
    'cname',
    'procfile',
    'dockerfile',
    'makefile',
    'caddyfile',
  ].map((n) => [n, 'a deploy file a hosting platform reads'] as const),
])

/** Name shapes (lower-cased) that tools load or run, with the reason. */
const TOOL_FILE_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // postcss.config.js, vite.config.mts, eslint.config.js, tailwind.config.js, babel.config.json, staticwebapp.config.json…
  [/\.config\.[^/]*$/, 'a tool config (*.config.*) that Vite, PostCSS, linters or test runners load and run'],
  [/\.conf(\.[^/]*)?$/, 'a tool config (*.conf / *.conf.*)'],
  [/\.workspace\.[^/]*$/, 'a workspace file test runners load (*.workspace.*)'],
  // npmrc, babelrc.json… (the dot-file forms are refused as hidden). A stem of 3 letters or
  // fewer ("src.js", "arc.js") is no tool's name.
  [/^[a-z0-9_-]{2,}rc(\.[a-z0-9]+)?$/, 'a tool rc file (*rc / *rc.*)'],
  [/^tsconfig\..*\.json$/, 'a TypeScript config'],
  [/^(gulpfile|gruntfile|jakefile)(\.[^/]*)?$/, 'a task-runner file that runs in Node'],
  [/^_?middleware\.[cm]?[jt]sx?$/, 'edge middleware a hosting platform runs'],
]

/** Top-level folders whose code a deploy platform runs on its servers (Vercel `api/`, Cloudflare/Firebase `functions/`, Netlify). */
const SERVER_CODE_DIRS = new Set(['api', 'functions', 'netlify', 'edge-functions'])

/** Folders that are never site files, wherever they are. */
const NEVER_DIRS = new Set(['node_modules'])

/** C0 controls (tab and newline included: no path has them), DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

export function hasControlChars(s: string): boolean {
  return CONTROL.test(s)
}

/**
 * Why a tool would load or run this site-relative posix path, or undefined when none does.
 * Judged on the lower-cased segments, so `PostCSS.Config.JS` is caught too.
 */
export function toolLoadedReason(rel: string): string | undefined {
  const segments = rel
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '' && s !== '.')
  const name = segments[segments.length - 1] ?? ''
  const hidden = segments.find((s) => s.startsWith('.'))
  if (hidden !== undefined) {
    if (hidden.startsWith('.env')) return 'an environment file (.env*)'
    if (hidden === '.git') return 'version control (.git)'
    return `a hidden file or folder ("${hidden}") that tools read`
  }
  if (segments.some((s) => NEVER_DIRS.has(s))) return 'inside node_modules'
  if (segments.length > 1 && SERVER_CODE_DIRS.has(segments[0]))
    return `inside "${segments[0]}/", whose code a hosting platform runs on its servers`
  const exact = TOOL_FILE_NAMES.get(name)
  if (exact) return exact
  for (const [pattern, reason] of TOOL_FILE_PATTERNS) if (pattern.test(name)) return reason
  return undefined
}

/** May a model create (or update, or have deleted) this site-relative posix path? */
export function modelMayWrite(rel: string): PolicyVerdict {
  if (hasControlChars(rel)) return { ok: false, reason: `path "${escapeControl(rel)}" contains control characters` }
  const tool = toolLoadedReason(rel)
  if (tool) return { ok: false, reason: `path "${rel}" is ${tool}; a model never writes a file a tool loads or runs` }
  const name = rel.split('/').pop()!.toLowerCase()
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 ? name.slice(dot) : ''
  if (!(MODEL_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    return {
      ok: false,
      reason: `path "${rel}" has extension "${ext || '(none)'}"; sitesmith writes only ${MODEL_FILE_EXTENSIONS.join(' ')}`,
    }
  }
  return { ok: true }
}

/** May this (decoded) site-relative posix path be copied into `dist/` or served to the browser check? */
export function mayPublish(rel: string): PolicyVerdict {
  if (hasControlChars(rel)) return { ok: false, reason: `"${escapeControl(rel)}" contains control characters` }
  const segments = rel.split('/')
  if (segments.some((s) => s === '..')) return { ok: false, reason: `"${rel}" leaves the site folder` }
  const tool = toolLoadedReason(rel)
  if (tool) return { ok: false, reason: `"${rel}" is ${tool}, never published` }
  return { ok: true }
}

/**
 * A URL path (a `src`, a request path) decoded the way a server would see it, repeated until
 * stable so `%252e%252e` cannot hide a `..`; `null` when it does not decode or decodes to a
 * backslash, a NUL or another control character.
 */
export function decodeUrlPath(path: string): string | null {
  let current = path
  for (let i = 0; i < 4; i++) {
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      return null
    }
    if (next === current) break
    current = next
  }
  if (/%[0-9a-f]{2}/i.test(current)) return null // still encoded after 4 rounds: not a real page reference
  if (current.includes('\\') || hasControlChars(current)) return null
  return current
}
