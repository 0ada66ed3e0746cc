/**
 * The runtime check's edges with real Chromium: no browser (skipped, one line, no throw),
 * a broken browser binary, a page that hangs, an abort mid-run (browser and server closed),
 * offline behaviour (no request leaves for another host) and screenshots.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitUntil } from '../../helpers/wait.js'

import { runRuntimeCheck, type RuntimeCheckResult } from '../../../plugin/check/runtime/index.js'

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'runtime')

/** Chromium processes this test process started that are still running (zombies excluded). */
/** Whether a Chromium we started runs a renderer (a descendant of this process), i.e. has a page open. */
function hasRenderer(): boolean {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
  const ours = new Set([String(process.pid)])
  for (let grew = true; grew;) {
    grew = false
    for (const [, pid, ppid] of rows) {
      if (ours.has(ppid) && !ours.has(pid)) {
        ours.add(pid)
        grew = true
      }
    }
  }
  return rows.some(([, pid, , args]) => ours.has(pid) && args.includes('--type=renderer'))
}

function liveChromiumChildren(): string[] {
  let out = ''
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' })
  } catch {
    return [] // ps exits 1 when there are no children
  }
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /chrom/i.test(l) && !/^\d+\s+Z/.test(l))
}

describe('runtime check without a usable Chromium', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sitesmith-nochrome-'))
    writeFileSync(join(dir, 'index.html'), '<button onclick="nothing()">x</button>')
    // Something that exists and runs but is not a browser.
    writeFileSync(join(dir, 'fake-chromium'), '#!/bin/sh\necho "fake-chromium: cannot open display" >&2\nexit 1\n')
    chmodSync(join(dir, 'fake-chromium'), 0o755)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is skipped with one line naming the path and the fix when the binary does not exist', async () => {
    const missing = join(dir, 'no-such-chromium')
    const result = await runRuntimeCheck({ dir, pages: ['index.html'], executablePath: missing })
    expect(result.skipped).toBe(
      `no Chromium at ${missing}; install it (apt install chromium) or set SITESMITH_CHROMIUM to a Chromium/Chrome binary`,
    )
    expect(result.findings).toEqual([])
    expect(result.pagesChecked).toBe(0)
  })

  it('is skipped, saying why, when the binary fails to start', async () => {
    const result = await runRuntimeCheck({ dir, pages: ['index.html'], executablePath: join(dir, 'fake-chromium') })
    expect(result.skipped).toMatch(
      new RegExp(
        `^Chromium at ${join(dir, 'fake-chromium')} failed to start \\(.+\\); install it \\(apt install chromium\\) or set SITESMITH_CHROMIUM`,
      ),
    )
    expect(result.skipped).not.toContain('\n')
    expect(result.findings).toEqual([])
    expect(liveChromiumChildren()).toEqual([])
  })

  it('is skipped when the path is not executable', async () => {
    writeFileSync(join(dir, 'not-executable'), 'x')
    const result = await runRuntimeCheck({ dir, pages: ['index.html'], executablePath: join(dir, 'not-executable') })
    expect(result.skipped).toMatch(/^Chromium is not executable at .*not-executable; install it/)
  })

  it('rejects a page outside the site and a missing site directory, naming them, before starting anything', async () => {
    await expect(runRuntimeCheck({ dir, pages: ['../etc/passwd'] })).rejects.toThrow(
      'page "../etc/passwd" must be a path relative to the site directory',
    )
    await expect(runRuntimeCheck({ dir: join(dir, 'gone'), pages: ['index.html'] })).rejects.toThrow(
      `cannot serve ${join(dir, 'gone')}`,
    )
  })
})

describe('runtime check offline, with screenshots', () => {
  let site: string
  let shots: string
  let elsewhere: Server
  let reachedElsewhere = 0
  let result: RuntimeCheckResult

  beforeAll(async () => {
    // Another local server standing in for "the internet": nothing may reach it.
    elsewhere = createServer((_req, res) => {
      reachedElsewhere++
      res.end('window.fromElsewhere = 1')
    })
    elsewhere.on('connection', () => reachedElsewhere++)
    await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done))
    const other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`

    site = mkdtempSync(join(tmpdir(), 'sitesmith-offline-'))
    shots = join(site, '.sitesmith', 'screenshots')
    mkdirSync(join(site, 'blog'))
    writeFileSync(
      join(site, 'index.html'),
      `<!doctype html><html><head><title>Offline</title>
<link rel="stylesheet" href="${other}/fonts.css">
<script src="${other}/widget.js" async></script>
</head><body style="background:#c33">
<h1>Hello</h1><img src="${other}/pixel.png" alt="">
<button id="load" onclick="fetch('${other}/api').catch(() => {})">Load</button>
<script>
  try { new WebSocket('${other.replace('http', 'ws')}/live') } catch {}
  navigator.sendBeacon && navigator.sendBeacon('${other}/beacon', 'x')
</script>
</body></html>`,
    )
    writeFileSync(
      join(site, 'blog', 'post.html'),
      '<!doctype html><title>Post</title><p style="height:2000px">A long post</p>',
    )
    result = await runRuntimeCheck({
      dir: site,
      pages: ['index.html', 'blog/post.html', 'missing.html'],
      screenshotsDir: shots,
    })
  })

  afterAll(async () => {
    await new Promise<void>((done) => {
      elsewhere.close(() => done())
      elsewhere.closeAllConnections()
    })
    rmSync(site, { recursive: true, force: true })
  })

  it('never lets a request leave for another host, and blocked externals are not findings', () => {
    expect(reachedElsewhere).toBe(0)
    expect(result.findings.filter((f) => f.page !== 'missing.html')).toEqual([])
  })

  it('reports a page that does not exist as a failed request of that page', () => {
    expect(result.findings).toEqual([
      {
        rule: 'failed-request',
        severity: 'error',
        file: 'missing.html',
        line: 0,
        column: 0,
        message: 'page could not be loaded: 404 Not Found',
        page: 'missing.html',
      },
    ])
  })

  it('writes a full-page PNG per page, mirroring the page path', () => {
    expect(result.screenshots).toEqual([join(shots, 'index.html.png'), join(shots, 'blog', 'post.html.png')])
    for (const file of result.screenshots) {
      const png = readFileSync(file)
      expect(png.subarray(1, 4).toString()).toBe('PNG')
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect(png.readUInt32BE(16)).toBe(1280)
    }
    // Full page, not just the 800px viewport.
    expect(readFileSync(result.screenshots[1]).readUInt32BE(20)).toBeGreaterThan(2000)
  })
})

describe('runtime check on a page that hangs', () => {
  // The budget is generous so that, on a loaded CI machine, only the stuck pages exceed it.
  it('reports where each page got stuck, what it threw before, and goes on with the next page in the same browser', async () => {
    const result = await runRuntimeCheck({
      dir: join(FIXTURES, 'hang'),
      pages: ['index.html', 'stuck.html', 'next.html'],
      timeoutMs: 4000,
    })
    expect(result.skipped).toBeUndefined()
    expect(result.pagesChecked).toBe(3)
    const lineOf = (file: string, needle: string) =>
      readFileSync(join(FIXTURES, 'hang', file), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(needle)) + 1
    expect(result.findings).toEqual([
      {
        rule: 'runtime-error',
        severity: 'error',
        file: 'index.html',
        line: 0,
        column: 0,
        message: 'clicking button#start did not return within 4000 ms (a script may be stuck in an endless loop)',
        page: 'index.html',
      },
      {
        rule: 'runtime-error',
        severity: 'error',
        file: 'next.html',
        line: lineOf('next.html', 'renderNext()'),
        column: 5,
        message: 'uncaught ReferenceError: renderNext is not defined',
        page: 'next.html',
      },
      {
        rule: 'runtime-error',
        severity: 'error',
        file: 'stuck.html',
        line: 0,
        column: 0,
        message: 'the page did not finish loading within 4000 ms (a script may be stuck in an endless loop)',
        page: 'stuck.html',
      },
      {
        rule: 'runtime-error',
        severity: 'error',
        file: 'stuck.html',
        line: lineOf('stuck.html', 'pageTitle'),
        column: expect.any(Number),
        message: 'uncaught ReferenceError: pageTitle is not defined',
        page: 'stuck.html',
      },
    ])
    expect(liveChromiumChildren()).toEqual([])
  })

  it('with the audit on, a stuck page is reported once and not audited again', async () => {
    const result = await runRuntimeCheck({
      dir: join(FIXTURES, 'hang'),
      pages: ['index.html', 'stuck.html', 'next.html'],
      timeoutMs: 4000,
      audit: { a11y: false, layout: true },
      auditTimeoutMs: 4000,
    })
    expect(result.skipped).toBeUndefined()
    const stuck = result.findings.filter((f) => f.message.includes('a script may be stuck in an endless loop'))
    expect(stuck.map((f) => f.file)).toEqual(['index.html', 'stuck.html'])
    // Auditing them would hang again and end as "incomplete"; the page check's flag skips them.
    expect(result.auditIncomplete).toEqual([])
    expect(liveChromiumChildren()).toEqual([])
  })
})

describe('runtime check when the browser dies', () => {
  it('returns what it found so far and says, in one line, that the check is incomplete', async () => {
    const result = await runRuntimeCheck({
      dir: join(FIXTURES, 'broken'),
      pages: ['about.html', 'index.html', 'menu.html'],
      concurrency: 1,
      onProgress: () => {
        // Kill the browser after the first page, as an OOM killer would.
        for (const line of liveChromiumChildren()) process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL')
      },
    })
    expect(result.skipped).toMatch(/^incomplete: .+ while checking index\.html; 1 of 3 pages checked$/)
    expect(result.pagesChecked).toBe(1)
    expect(new Set(result.findings.map((f) => f.page))).toEqual(new Set(['about.html']))
    expect(result.findings.length).toBeGreaterThan(0)
    expect(liveChromiumChildren()).toEqual([])
  })
})

describe('runtime check aborted', () => {
  const controllers: AbortController[] = []
  afterEach(() => {
    for (const c of controllers.splice(0)) c.abort()
  })

  it('rejects with the abort reason, stops before the next page and leaves no browser running', async () => {
    const controller = new AbortController()
    controllers.push(controller)
    const done: string[] = []
    const reason = new Error('user pressed Ctrl-C')
    const run = runRuntimeCheck({
      dir: join(FIXTURES, 'clean'),
      pages: ['index.html', 'about.html', 'contact.html', 'thanks.html'],
      signal: controller.signal,
      onProgress: (page) => {
        done.push(page)
        controller.abort(reason)
      },
    })
    await expect(run).rejects.toBe(reason)
    // The page checked alongside the first one is interrupted; no page is started after the abort.
    expect(done).toHaveLength(1)
    expect(liveChromiumChildren()).toEqual([])
  })

  it('rejects at once when already aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('too late'))
    await expect(
      runRuntimeCheck({ dir: join(FIXTURES, 'clean'), pages: ['index.html'], signal: controller.signal }),
    ).rejects.toThrow('too late')
  })

  it('interrupts a page in progress', async () => {
    const controller = new AbortController()
    controllers.push(controller)
    // The hanging page's budget is far beyond the test timeout: only the abort can end it.
    const run = runRuntimeCheck({
      dir: join(FIXTURES, 'hang'),
      pages: ['index.html'],
      timeoutMs: 3_600_000,
      signal: controller.signal,
    })
    // Aborted once Chromium runs the page (its renderer is up), not after a guessed time.
    await waitUntil('Chromium to open the hanging page', hasRenderer, { timeout: 30_000, interval: 50 })
    controller.abort(new Error('stop'))
    await expect(run).rejects.toThrow('stop')
    expect(liveChromiumChildren()).toEqual([])
  })
})
