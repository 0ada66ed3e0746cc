import { realpathSync, lstatSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep, posix } from 'node:path'

/**
 * The model controls paths, so every path in a plan is untrusted (shared/DESIGN.md,
 * "Safety"). A path is accepted only if it is a plain relative posix path inside the site
 * root that names a kind of file a static site is made of, and is none of the files a
 * project depends on (spec, Vite config, package files, env files, VCS, dependencies).
 */

/** File kinds sitesmith may write: text a model can produce and a static site serves. */
export const WRITABLE_EXTENSIONS = Object.freeze(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.txt', '.xml', '.webmanifest'])

/** Names (lower-cased) that are never written, wherever they are. */
const PROTECTED_NAMES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'tsconfig.json',
])
const PROTECTED_PATTERNS = [/^vite\.config\.[cm]?[jt]s$/, /^vitest\.config\./, /^tsconfig\..*\.json$/]
/** Top-level folders that belong to tools, not to the site. */
const PROTECTED_DIRS = new Set(['node_modules', 'dist'])

export type PathCheck = { ok: true; rel: string; abs: string } | { ok: false; reason: string }

export interface PathRules {
  /** Absolute site root. */
  siteDir: string
  /** Absolute paths that must never be written (the spec, the cache dir…). */
  protectedPaths?: string[]
}

export function checkSitePath(path: unknown, rules: PathRules): PathCheck {
  if (typeof path !== 'string' || path.trim() === '') return { ok: false, reason: 'path is empty' }
  if (path.includes('\0')) return { ok: false, reason: `path "${printable(path)}" contains a NUL byte` }
  if (path.includes('\\')) return { ok: false, reason: `path "${path}" uses backslashes; use a relative posix path like "css/style.css"` }
  if (isAbsolute(path) || posix.isAbsolute(path) || /^[a-zA-Z]:/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return { ok: false, reason: `path "${path}" is absolute; paths must be relative to the site root` }
  }
  const segments = path.split('/')
  if (segments.some((s) => s === '..')) return { ok: false, reason: `path "${path}" contains ".." and could leave the site root` }
  const clean = segments.filter((s) => s !== '' && s !== '.')
  if (clean.length === 0) return { ok: false, reason: `path "${path}" names no file` }
  const rel = clean.join('/')
  const lower = clean.map((s) => s.toLowerCase())
  const hidden = lower.find((s) => s.startsWith('.'))
  if (hidden !== undefined) {
    const what = hidden.startsWith('.env') ? 'an environment file (.env*)' : hidden === '.git' ? 'version control (.git)' : `a hidden path ("${hidden}")`
    return { ok: false, reason: `path "${path}" is ${what}; sitesmith never writes there` }
  }
  if (lower.includes('node_modules')) return { ok: false, reason: `path "${path}" is inside node_modules` }
  if (PROTECTED_DIRS.has(lower[0]) && clean.length > 1) return { ok: false, reason: `path "${path}" is inside "${clean[0]}/", which belongs to the build or the cache, not the site` }
  const name = lower[lower.length - 1]
  if (PROTECTED_NAMES.has(name) || PROTECTED_PATTERNS.some((p) => p.test(name))) {
    return { ok: false, reason: `path "${path}" is a project file (${clean[clean.length - 1]}) that sitesmith never writes` }
  }
  const ext = posix.extname(name)
  if (!WRITABLE_EXTENSIONS.includes(ext)) {
    return { ok: false, reason: `path "${path}" has extension "${ext || '(none)'}"; sitesmith writes only ${WRITABLE_EXTENSIONS.join(' ')}` }
  }
  const abs = resolve(rules.siteDir, ...clean)
  if (!isInside(rules.siteDir, abs)) return { ok: false, reason: `path "${path}" resolves outside the site root` }
  for (const p of rules.protectedPaths ?? []) {
    if (samePath(abs, p) || isInside(p, abs)) return { ok: false, reason: `path "${path}" is ${relative(rules.siteDir, p) || p}, which sitesmith never writes` }
  }
  return { ok: true, rel, abs }
}

/**
 * The lexical check above cannot see symlinks: `pages -> /etc` makes `pages/x.html` a write
 * outside the root. Resolve the deepest existing ancestor on disk and require it to stay
 * inside the real site root; the file itself must not be a symlink either.
 */
export function checkRealLocation(abs: string, siteDir: string): { ok: true } | { ok: false; reason: string } {
  const realRoot = realpathSync(siteDir)
  let dir = dirname(abs)
  while (!exists(dir)) dir = dirname(dir)
  const realDir = realpathSync(dir)
  if (!isInside(realRoot, realDir) && realDir !== realRoot) {
    return { ok: false, reason: `"${relative(siteDir, abs)}" would be written through a symlinked directory that leads outside the site root (${realDir})` }
  }
  try {
    if (lstatSync(abs).isSymbolicLink()) return { ok: false, reason: `"${relative(siteDir, abs)}" is a symlink; sitesmith does not write through symlinks` }
  } catch {
    // does not exist yet: fine
  }
  return { ok: true }
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

function samePath(a: string, b: string): boolean {
  return resolve(a) === resolve(b)
}

function exists(p: string): boolean {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?')
}

/** Posix relative path of an absolute file under the site root (for artifacts and findings). */
export function toSiteRelative(siteDir: string, abs: string): string {
  return relative(siteDir, abs).split(sep).join('/')
}

