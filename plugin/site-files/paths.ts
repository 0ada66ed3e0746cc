import { realpathSync, lstatSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep, posix } from 'node:path'
import { MODEL_FILE_EXTENSIONS, escapeControl, hasControlChars, mayPublish, modelMayWrite } from './site-file-policy.js'

/**
 * The model controls paths, so every path in a plan is untrusted (docs/ARCHITECTURE.md,
 * "Safety"). A path is accepted only if it is a plain relative posix path inside the site
 * root that names a kind of file a static site is made of, and is none of the files a
 * project depends on (spec, Vite config, package files, env files, VCS, dependencies).
 */

/** File kinds a model may write (the site-file policy's allow-list). */
export const WRITABLE_EXTENSIONS = MODEL_FILE_EXTENSIONS
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
  if (hasControlChars(path)) return { ok: false, reason: `path "${escapeControl(path)}" contains control characters` }
  if (path.includes('\\'))
    return { ok: false, reason: `path "${path}" uses backslashes; use a relative posix path like "css/style.css"` }
  if (path.includes('%'))
    return { ok: false, reason: `path "${path}" contains "%"; pages could not link to it reliably (URL encoding)` }
  if (isAbsolute(path) || posix.isAbsolute(path) || /^[a-zA-Z]:/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return { ok: false, reason: `path "${path}" is absolute; paths must be relative to the site root` }
  }
  const segments = path.split('/')
  if (segments.some((s) => s === '..'))
    return { ok: false, reason: `path "${path}" contains ".." and could leave the site root` }
  const clean = segments.filter((s) => s !== '' && s !== '.')
  if (clean.length === 0) return { ok: false, reason: `path "${path}" names no file` }
  const rel = clean.join('/')
  if (PROTECTED_DIRS.has(clean[0].toLowerCase()) && clean.length > 1)
    return {
      ok: false,
      reason: `path "${path}" is inside "${clean[0]}/", which belongs to the build or the cache, not the site`,
    }
  // One policy for every step (issue #10): the allow-list of web file types and the
  // deny-list of names a tool loads or runs.
  const policy = modelMayWrite(rel)
  if (!policy.ok) return policy
  const abs = resolve(rules.siteDir, ...clean)
  if (!isInside(rules.siteDir, abs)) return { ok: false, reason: `path "${path}" resolves outside the site root` }
  for (const p of rules.protectedPaths ?? []) {
    if (samePath(abs, p) || isInside(p, abs))
      return { ok: false, reason: `path "${path}" is ${relative(rules.siteDir, p) || p}, which sitesmith never writes` }
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
    return {
      ok: false,
      reason: `"${relative(siteDir, abs)}" would be written through a symlinked directory that leads outside the site root (${realDir})`,
    }
  }
  try {
    if (lstatSync(abs).isSymbolicLink())
      return {
        ok: false,
        reason: `"${relative(siteDir, abs)}" is a symlink; sitesmith does not write through symlinks`,
      }
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

/** Posix relative path of an absolute file under the site root (for artifacts and findings). */
export function toSiteRelative(siteDir: string, abs: string): string {
  return relative(siteDir, abs).split(sep).join('/')
}

/**
 * Where a site file may be READ for publishing (issue #10): the decoded site-relative path
 * passes the site-file policy and its real location (symlinks followed) is a regular file
 * inside the real site root. Returns the absolute real path, or the reason it is refused.
 */
export function checkPublishable(
  siteDir: string,
  rel: string,
): { ok: true; abs: string } | { ok: false; reason: string } {
  const policy = mayPublish(rel)
  if (!policy.ok) return policy
  const abs = resolve(siteDir, ...rel.split('/'))
  if (!isInside(siteDir, abs)) return { ok: false, reason: `"${rel}" resolves outside the site root` }
  let real: string
  try {
    real = realpathSync(abs)
  } catch {
    return { ok: false, reason: `"${rel}" does not exist` }
  }
  if (!isInside(realpathSync(siteDir), real))
    return { ok: false, reason: `"${rel}" leads outside the site root through a symlink (${real})` }
  try {
    if (!lstatSync(real).isFile()) return { ok: false, reason: `"${rel}" is not a file` }
  } catch {
    return { ok: false, reason: `"${rel}" does not exist` }
  }
  return { ok: true, abs: real }
}

/**
 * The absolute real location of a site folder named by an artifact (a task's or tracked
 * file's folder), or undefined when the name is not a plain relative path or the folder
 * leads outside the real site root through a symlink. For the temp-file sweep, which
 * deletes (issue #10: `tasks.json` and the tracker are files anyone can edit).
 */
export function realSiteFolder(siteDir: string, relDir: string): string | undefined {
  if (hasControlChars(relDir) || relDir.includes('\\') || isAbsolute(relDir) || posix.isAbsolute(relDir))
    return undefined
  const segments = relDir.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) return undefined
  let real: string
  try {
    real = realpathSync(resolve(siteDir, ...segments))
  } catch {
    return undefined
  }
  const realRoot = realpathSync(siteDir)
  return real === realRoot || isInside(realRoot, real) ? real : undefined
}
