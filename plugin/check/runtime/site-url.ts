/**
 * Mapping between URLs served by the runtime check's static server and site files, so a
 * browser error at `http://127.0.0.1:PORT/js/app.js:12:5` is reported in `js/app.js`.
 */
import { posix } from 'node:path'

/**
 * The site-relative posix path a served URL names, or undefined when the URL is not on
 * `origin` (external, `data:`, `blob:`, Playwright's own evaluation frames …).
 * Query and hash are dropped, percent-escapes decoded, and a directory URL maps to its
 * `index.html` the way the static server answers it.
 */
export function siteFileForUrl(url: string, origin: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  // blob: URLs report their creator's origin but name no file.
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== new URL(origin).origin)
    return undefined
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    path = parsed.pathname
  }
  path = posix.normalize(path).replace(/^\/+/, '')
  if (path === '' || path === '.' || path.endsWith('/')) path = `${path === '.' ? '' : path}index.html`
  // normalize() cannot climb above "/", so no "../" survives here.
  return path
}

/**
 * Validates a page path handed to the runtime check and returns it in canonical form
 * (`./a//b.html` → `a/b.html`). Throws, naming the page, when it is absolute or leaves the
 * site: such a path is a caller bug, not a site defect.
 */
export function normalizePagePath(page: string): string {
  const slashed = page.replace(/\\/g, '/')
  const normal = posix.normalize(slashed)
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || normal === '..' || normal.startsWith('../')) {
    throw new Error(`runtime check: page "${page}" must be a path relative to the site directory, inside it`)
  }
  if (normal === '.' || normal === '')
    throw new Error(`runtime check: page "${page}" names the site directory, not an HTML file`)
  return normal.endsWith('/') ? `${normal}index.html` : normal
}
