import { posix } from 'node:path'

/**
 * What a URL written in a page, stylesheet or script points at. Only `local` references
 * can be checked; everything else (other origins, `mailto:`, `data:`, templated URLs) is
 * outside what a static checker can know, so it is classified and never reported.
 */
export type UrlRef =
  | { kind: 'external' }
  | { kind: 'script'; code: string }
  | { kind: 'unknown' }
  | {
      kind: 'local'
      /** Site-relative posix path, percent-decoded, without query or hash. */
      path: string
      /** Decoded fragment without `#`, or undefined when the URL has none. */
      hash: string | undefined
      /** True when the URL is only a fragment or query (`#x`, `?q`): the same document. */
      sameDocument: boolean
      /** True when the path ends with `/` (a directory index). */
      directory: boolean
      /** Written as `/x`: resolved against where the site is served, not the file (#13). */
      rootRelative?: boolean
    }

const SCHEME = /^[a-z][a-z\d+.-]*:/i
/**
 * Server-side or client-side templating left in a URL (`{{ url }}`, `<%= x %>`, Vite's
 * `%BASE_URL%`): its value is decided elsewhere.
 */
const TEMPLATED = /\{\{|\{%|\$\{|<%|\[\[|%[A-Z][A-Z_]{2,}%/

/**
 * Classify `raw` as written in `fromFile` (site-relative posix). `baseDir` is the directory
 * relative URLs resolve against (the file's own directory unless a `<base>` says otherwise).
 */
export function classifyUrl(raw: string, fromFile: string, baseDir = posix.dirname(fromFile)): UrlRef {
  // Browsers strip leading/trailing ASCII whitespace and drop tabs/newlines inside URLs.
  const url = raw.trim().replace(/[\t\n\r]/g, '')
  if (TEMPLATED.test(url)) return { kind: 'unknown' }
  if (url.startsWith('//') || url.startsWith('\\\\')) return { kind: 'external' }
  const scheme = SCHEME.exec(url)
  if (scheme) {
    if (scheme[0].toLowerCase() === 'javascript:')
      return { kind: 'script', code: safeDecode(url.slice(scheme[0].length)) }
    return { kind: 'external' }
  }
  const hashAt = url.indexOf('#')
  const hash = hashAt >= 0 ? safeDecode(url.slice(hashAt + 1)) : undefined
  const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url
  const queryAt = beforeHash.indexOf('?')
  const pathPart = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash
  if (pathPart === '') return { kind: 'local', path: fromFile, hash, sameDocument: true, directory: false }
  const decoded = safeDecode(pathPart)
  const joined = decoded.startsWith('/') ? decoded.slice(1) : posix.join(baseDir, decoded)
  const normal = posix.normalize(joined === '' ? '.' : joined).replace(/(.)\/+$/, '$1')
  // A path that climbs above the site root is served from somewhere we cannot see.
  if (normal === '..' || normal.startsWith('../')) return { kind: 'unknown' }
  const directory = decoded.endsWith('/') || normal === '.'
  const path = normal === '.' ? '' : normal.replace(/\/$/, '')
  return { kind: 'local', path, hash, sameDocument: false, directory, rootRelative: decoded.startsWith('/') }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Which paths exist in the site: files and the directories that contain them. */
export interface SitePaths {
  files: ReadonlySet<string>
  dirs: ReadonlySet<string>
}

export function sitePaths(files: Iterable<string>): SitePaths {
  const fileSet = new Set<string>()
  const dirs = new Set<string>([''])
  for (const f of files) {
    fileSet.add(f)
    let d = posix.dirname(f)
    while (d !== '.' && !dirs.has(d)) {
      dirs.add(d)
      d = posix.dirname(d)
    }
  }
  return { files: fileSet, dirs }
}

/**
 * The file a local path is served from, or undefined when nothing would be served.
 * Mirrors what static servers (and Vite) do: `dir/` → `dir/index.html`, `about` →
 * `about/index.html` or `about.html` (clean URLs), and Vite's `public/` served at the root.
 */
export function resolveLocal(ref: { path: string; directory: boolean }, site: SitePaths): string | undefined {
  return (
    resolveIn(ref.path, ref.directory, site) ??
    (site.dirs.has('public') ? resolveIn(join('public', ref.path), ref.directory, site) : undefined)
  )
}

function resolveIn(path: string, directory: boolean, site: SitePaths): string | undefined {
  const index = join(path, 'index.html')
  if (directory) return site.files.has(index) ? index : undefined
  if (site.files.has(path)) return path
  if (site.dirs.has(path)) return site.files.has(index) ? index : path
  if (site.files.has(`${path}.html`)) return `${path}.html`
  return undefined
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

/** True for paths the checker treats as HTML documents. */
export function isHtmlPath(p: string): boolean {
  return /\.html?$/i.test(p)
}

/**
 * Where the site is served (#13). A root-relative URL means "from the origin's root", which
 * is the site's root only when the site is served at `/`:
 *  - `base` given (Vite's `base`, e.g. `/docs/`): URLs under it resolve in the site, URLs
 *    outside it belong to another site on the origin and are not judged;
 *  - otherwise a site with no root `index.html` is a folder of a larger deploy (a demo in a
 *    collection), so its root-relative URLs are not judged; and a URL running through a
 *    folder named like the site (`/dom-examples/history-api/…` in `history-api/`, the way
 *    GitHub Pages serves a repository) resolves below that folder.
 */
export interface ServedAt {
  base?: string
  siteName?: string
}

export function rebaseRootRelative(ref: Extract<UrlRef, { kind: 'local' }>, site: SitePaths, served: ServedAt): UrlRef {
  if (!ref.rootRelative) return ref
  const base = served.base?.replace(/^\/+|\/+$/g, '')
  if (base) {
    if (ref.path !== base && !ref.path.startsWith(`${base}/`)) return { kind: 'unknown' }
    return {
      ...ref,
      path: ref.path.slice(base.length).replace(/^\//, ''),
      directory: ref.directory || ref.path === base,
    }
  }
  if (served.base !== undefined) return ref
  if (!site.files.has('index.html') && !site.files.has('public/index.html')) return { kind: 'unknown' }
  if (!served.siteName || resolveLocal(ref, site) !== undefined) return ref
  const segments = ref.path.split('/')
  const at = segments.indexOf(served.siteName)
  return at < 0
    ? ref
    : { ...ref, path: segments.slice(at + 1).join('/'), directory: ref.directory || at === segments.length - 1 }
}
