import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { contentTypeFor, startStaticServer, type StaticServer } from '../../../plugin/check/runtime/static-server.js'

/** Raw HTTP request: fetch() would normalise `..` and encoded slashes away before sending. */
function get(
  server: StaticServer,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', fail)
    req.end()
  })
}

describe('static server', () => {
  let root: string
  let outside: string
  let server: StaticServer

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sitesmith-static-'))
    outside = mkdtempSync(join(tmpdir(), 'sitesmith-outside-'))
    writeFileSync(join(outside, 'secret.txt'), 'outside the site')
    writeFileSync(join(root, 'index.html'), '<h1>home</h1>')
    mkdirSync(join(root, 'blog'))
    writeFileSync(join(root, 'blog', 'index.html'), '<h1>blog</h1>')
    mkdirSync(join(root, 'js'))
    writeFileSync(join(root, 'js', 'app.js'), 'console.log(1)')
    writeFileSync(join(root, 'js', 'mod.mjs'), 'export const x = 1')
    writeFileSync(join(root, 'style.css'), 'body{}')
    writeFileSync(join(root, 'data.json'), '{"a":1}')
    writeFileSync(join(root, 'my file.txt'), 'spaced')
    writeFileSync(join(root, '.env'), 'API_KEY=nope')
    mkdirSync(join(root, 'empty'))
    symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'))
    symlinkSync(outside, join(root, 'leakdir'))
    server = await startStaticServer(root)
  })

  afterAll(async () => {
    await server.close()
    rmSync(root, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 at a free port', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)
  })

  it.each([
    ['/index.html', 'text/html; charset=utf-8', '<h1>home</h1>'],
    ['/style.css', 'text/css; charset=utf-8', 'body{}'],
    ['/js/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/js/mod.mjs', 'text/javascript; charset=utf-8', 'export const x = 1'],
    ['/data.json', 'application/json; charset=utf-8', '{"a":1}'],
    ['/my%20file.txt', 'text/plain; charset=utf-8', 'spaced'],
  ])('serves %s as %s', async (path, type, body) => {
    const res = await get(server, path)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(type)
    expect(res.body).toBe(body)
  })

  it('serves index.html for directories and redirects a directory URL without its slash', async () => {
    expect((await get(server, '/')).body).toBe('<h1>home</h1>')
    expect((await get(server, '/blog/')).body).toBe('<h1>blog</h1>')
    const redirect = await get(server, '/blog?x=1')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.location).toBe('/blog/?x=1')
  })

  it('answers 404 for missing files and directories without index.html', async () => {
    expect((await get(server, '/nope.css')).status).toBe(404)
    expect((await get(server, '/js/nope.js')).status).toBe(404)
    expect((await get(server, '/empty/')).status).toBe(404)
  })

  it('ignores the query string', async () => {
    expect((await get(server, '/style.css?v=3')).body).toBe('body{}')
  })

  it.each([
    '/../' + 'etc/passwd',
    '/js/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/js/..%2f..%2fetc/passwd',
    '/..%5c..%5cetc%5cpasswd',
    '/index.html%00.css',
    '/.env',
    '/leak.txt',
    '/leakdir/secret.txt',
  ])('does not serve %s', async (path) => {
    const res = await get(server, path)
    expect(res.status).toBe(404)
    expect(res.body).not.toContain('outside the site')
    expect(res.body).not.toContain('root:')
    expect(res.body).not.toContain('API_KEY')
  })

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(server, '/style.css', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe('6')
    expect(head.body).toBe('')
    const post = await get(server, '/style.css', 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
  })

  it('builds URLs for site paths with each segment escaped', () => {
    expect(server.url('blog/my post.html')).toBe(`${server.origin}/blog/my%20post.html`)
  })

  it('marks responses uncacheable so a re-check sees edited files', async () => {
    expect((await get(server, '/style.css')).headers['cache-control']).toBe('no-store')
  })
})

describe('static server lifecycle', () => {
  let root: string
  const servers: StaticServer[] = []

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sitesmith-static-'))
    writeFileSync(join(root, 'index.html'), 'hi')
  })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('stops accepting connections once closed, also with a keep-alive connection open, and tolerates a second close', async () => {
    const server = await startStaticServer(root)
    servers.push(server)
    // A keep-alive request leaves a socket open, as Chromium's do.
    const agentRequest = await fetch(`${server.origin}/index.html`)
    expect(await agentRequest.text()).toBe('hi')
    await server.close()
    await server.close()
    await expect(get(server, '/index.html')).rejects.toThrow(/ECONNREFUSED/)
  })

  it('names the directory when it does not exist', async () => {
    await expect(startStaticServer(join(root, 'missing'))).rejects.toThrow(
      `cannot serve ${join(root, 'missing')}: no such directory`,
    )
  })

  it('refuses a file as the directory to serve', async () => {
    await expect(startStaticServer(join(root, 'index.html'))).rejects.toThrow('not a directory')
  })
})

describe('contentTypeFor', () => {
  it.each([
    ['a.HTML', 'text/html; charset=utf-8'],
    ['b.svg', 'image/svg+xml'],
    ['c.woff2', 'font/woff2'],
    ['d.webmanifest', 'application/manifest+json; charset=utf-8'],
    ['e.unknownext', 'application/octet-stream'],
    ['Makefile', 'application/octet-stream'],
  ])('%s → %s', (name, type) => {
    expect(contentTypeFor(name)).toBe(type)
  })
})
