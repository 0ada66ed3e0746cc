/**
 * A tiny static file server for the runtime check: serves one directory on 127.0.0.1 at a
 * free port so headless Chromium loads the site over http (module scripts, fetch() and
 * root-relative URLs do not work from file://). It only ever reads files inside `root`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string
  readonly port: number
  /** Absolute, symlink-resolved directory being served. */
  readonly root: string
  /** URL of a site-relative posix path, e.g. `url('blog/post.html')`. */
  url(relativePath: string): string
  /** Stops listening and drops open keep-alive connections. Safe to call twice. */
  close(): Promise<void>
}

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // Module scripts are refused by browsers unless served with a JavaScript MIME type.
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.bmp': 'image/bmp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
})

/** Content type for a file name by extension (case-insensitive); unknown → octet-stream. */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Serves `dir` on 127.0.0.1 at a free port. GET and HEAD only; a directory URL serves its
 * `index.html` (and a directory URL without the trailing slash is redirected so relative
 * links inside it resolve as in any static host); anything missing or outside `dir` is 404.
 */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const root = await realpath(resolve(dir)).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `static server: cannot serve ${dir}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}`,
    )
  })
  if (!(await stat(root)).isDirectory()) throw new Error(`static server: cannot serve ${dir}: not a directory`)

  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail)
      done()
    })
  })
  const port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  let closing: Promise<void> | undefined

  return {
    origin,
    port,
    root,
    url: (relativePath) => `${origin}/${relativePath.split('/').map(encodeURIComponent).join('/')}`,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done())
        // Chromium keeps connections alive; without this close() waits for their timeout.
        server.closeAllConnections()
      })
      return closing
    },
  }
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return send(res, 405, 'Method Not Allowed')
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    return send(res, 400, 'Bad Request')
  }
  const file = await resolveInside(root, pathname)
  if (!file) return send(res, 404, 'Not Found')

  let info = await stat(file).catch(() => undefined)
  let served = file
  if (info?.isDirectory()) {
    if (!url.pathname.endsWith('/')) {
      res.setHeader('Location', `${url.pathname}/${url.search}`)
      return send(res, 301, 'Moved Permanently')
    }
    // Resolved like any request: an index.html symlinked out of the site is not served.
    const index = await resolveInside(root, `${pathname}/index.html`)
    if (!index) return send(res, 404, 'Not Found')
    served = index
    info = await stat(served).catch(() => undefined)
  }
  if (!info?.isFile()) return send(res, 404, 'Not Found')

  res.statusCode = 200
  res.setHeader('Content-Type', contentTypeFor(served))
  res.setHeader('Content-Length', info.size)
  // Pages are reloaded between checks and edited between rounds: never serve stale bytes.
  res.setHeader('Cache-Control', 'no-store')
  if (req.method === 'HEAD') return void res.end()
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(served)
    stream.once('error', fail)
    res.once('close', () => {
      stream.destroy()
      done()
    })
    stream.pipe(res)
  })
}

/**
 * The file a URL path names, or undefined when it would leave `root` — through `..`, an
 * encoded separator, a NUL byte or a symlink pointing outside — or names a dot-file
 * (`.env`, `.git`, `.sitesmith`): model-written page scripts have no business reading those.
 */
export async function resolveInside(root: string, pathname: string): Promise<string | undefined> {
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined
  const segments = pathname.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.some((s) => s === '..' || (s.startsWith('.') && s !== '.well-known'))) return undefined
  const candidate = resolve(root, ...segments)
  if (!isInside(root, candidate)) return undefined
  // A symlink inside the site may point anywhere; judge where it really leads.
  const real = await realpath(candidate).catch(() => undefined)
  if (real === undefined) return candidate // missing: the caller answers 404
  return isInside(root, real) ? real : undefined
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(text)
}
