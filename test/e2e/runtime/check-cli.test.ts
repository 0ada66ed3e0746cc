/**
 * `sitesmith check` as a person runs it (the built bin, issue #13): `--runtime` reports
 * what only real headless Chromium sees on a seeded broken site, a missing browser is an
 * error rather than a silent pass, and without `--runtime` the command loads neither a
 * model client nor Playwright (every module it resolves is recorded by a preload hook).
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it, onTestFinished } from 'vitest'

const REPO = join(import.meta.dirname, '..', '..', '..')
const BIN = join(REPO, 'dist', 'cli.js')
const BROKEN = join(REPO, 'test', 'fixtures', 'runtime', 'broken')

function cli(
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd,
      env: { PATH: process.env.PATH, ...opts.env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

type JsonFinding = { rule: string; file: string; line: number; message: string }

describe('sitesmith check --runtime', () => {
  it('reports the browser findings of a seeded broken site next to the static ones', async () => {
    const run = await cli(['check', 'test/fixtures/runtime/broken', '--runtime', '--format', 'json'], { cwd: REPO })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings
    const runtime = findings.filter((f) => f.rule === 'runtime-error' || f.rule === 'failed-request')
    // What a static check cannot know: errors thrown when the page loads and when it is clicked.
    expect(runtime).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'runtime-error',
          file: 'js/load-error.js',
          message: expect.stringMatching(/^uncaught TypeError/),
        }),
        expect.objectContaining({
          rule: 'runtime-error',
          file: 'index.html',
          message: 'clicking button#save: ReferenceError: saveItem is not defined',
        }),
        expect.objectContaining({
          rule: 'runtime-error',
          file: 'js/menu.js',
          message: expect.stringMatching(/^clicking button#show-specials: TypeError/),
        }),
        expect.objectContaining({
          rule: 'failed-request',
          file: 'js/menu.js',
          message: 'failed to load data/menu.json: 404 Not Found',
        }),
      ]),
    )
    // Without --runtime the same command reports none of them.
    const staticOnly = await cli(['check', 'test/fixtures/runtime/broken', '--format', 'json'], { cwd: REPO })
    const rules = new Set((JSON.parse(staticOnly.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.rule))
    expect(rules.has('runtime-error') || rules.has('failed-request')).toBe(false)
  })

  it('suppression comments and --ignore apply to browser findings too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitesmith-runtime-cli-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    cpSync(BROKEN, dir, { recursive: true })
    const page = readFileSync(join(dir, 'index.html'), 'utf8')
    const lines = page.split('\n')
    // The button spans two lines (its onclick is on the second): a region covers both.
    const at = lines.findIndex((l) => l.includes('id="save"'))
    lines.splice(at + 2, 0, '<!-- sitesmith-enable -->')
    lines.splice(
      at,
      0,
      '<!-- sitesmith-disable runtime-error unknown-handler -- saveItem ships in the next release -->',
    )
    writeFileSync(join(dir, 'index.html'), lines.join('\n'))
    const run = await cli(['check', '.', '--runtime', '--format', 'json', '--ignore', 'js/load-error.js'], { cwd: dir })
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings
    expect(findings.some((f) => f.message.includes('saveItem'))).toBe(false)
    expect(findings.some((f) => f.file === 'js/load-error.js')).toBe(false)
    expect(findings.some((f) => f.rule === 'runtime-error' && f.file === 'js/menu.js')).toBe(true)
  })

  it('without a browser it says so and exits 2 (never a silent pass)', async () => {
    const run = await cli(['check', BROKEN, '--runtime', '-f', 'json'], {
      cwd: REPO,
      env: { SITESMITH_CHROMIUM: '/nonexistent/chromium' },
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/browser check did not run to the end: no Chromium at \/nonexistent\/chromium/)
  })
})

describe('sitesmith check startup', () => {
  it('loads no model client, no Vite and no Playwright unless --runtime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitesmith-imports-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const log = join(dir, 'imports.log')
    const hook = ['--import', join(REPO, 'test', 'helpers', 'record-imports.mjs')]
    const plain = await cli(['check', 'test/fixtures/check/defects/bakery'], {
      cwd: REPO,
      env: { SITESMITH_IMPORT_LOG: log },
      nodeArgs: hook,
    })
    expect(plain.code).toBe(1)
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean)
    // The hook works: the checker's own parsers are in the log.
    expect(loaded.some((u) => u.includes('/node_modules/parse5/'))).toBe(true)
    for (const heavy of [
      '/node_modules/openai/',
      '/node_modules/ollama/',
      '/node_modules/playwright-core/',
      '/node_modules/vite/',
    ]) {
      expect(
        loaded.filter((u) => u.includes(heavy)),
        heavy,
      ).toEqual([])
    }
    const withRuntimeLog = join(dir, 'runtime.log')
    await cli(['check', 'test/fixtures/check/clean/landing', '--runtime'], {
      cwd: REPO,
      env: { SITESMITH_IMPORT_LOG: withRuntimeLog },
      nodeArgs: hook,
    })
    expect(readFileSync(withRuntimeLog, 'utf8')).toContain('/node_modules/playwright-core/')
  })
})
