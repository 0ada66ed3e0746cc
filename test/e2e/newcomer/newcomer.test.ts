import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRuntimeCheck } from '../../../plugin/check/runtime/index.js'
import { startLoopbackServer, type LoopbackServer } from '../../loopback/server.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { REPO } from '../../helpers/temp-site.js'

/**
 * Issue #14, acceptance 1: a newcomer's path from the packed package to a working dist/,
 * outside this repository, in a CommonJS package (`npm init -y` on npm 11) and in an ES
 * module package. The commands are the README's, read from it: if the README changes,
 * this test runs what it says. Both model roles point at the loopback server through
 * environment variables only; the projects' config is the one `sitesmith init` wrote.
 *
 * One install per package type (the slow part); every assertion reuses it.
 */
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version
const TARBALL = `vite-plugin-sitesmith-${VERSION}.tgz`

/** The fenced block after the README's `<!-- newcomer: … -->` marker, one command a line. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const at = readme.indexOf('<!-- newcomer:')
  expect(at, 'README.md has the newcomer marker').toBeGreaterThan(0)
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))
  return block![1].trim().split('\n')
}

const COMMANDS = readmeCommands()

let work: string
let server: LoopbackServer
let npmEnv: NodeJS.ProcessEnv

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  // Asynchronous: the loopback model server lives in this process and must keep answering.
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

beforeAll(async () => {
  mkdirSync(join(REPO, 'test', '.tmp'), { recursive: true })
  work = mkdtempSync(join(REPO, 'test', '.tmp', 'newcomer-'))
  // The README's first line (clone, install, pack): this checkout is the clone, and its dist/
  // is already built by the test setup, so pack it without running prepack's rebuild, which
  // would pull dist/ from under tests running in parallel.
  mkdirSync(join(work, 'sitesmith'))
  const pack = await sh(
    `npm pack --ignore-scripts --pack-destination ${JSON.stringify(join(work, 'sitesmith'))}`,
    REPO,
    { PATH: process.env.PATH, HOME: process.env.HOME },
  )
  expect(pack.code, pack.out).toBe(0)
  expect(existsSync(join(work, 'sitesmith', TARBALL))).toBe(true)
  server = await startLoopbackServer({ respond: scriptedSite() })
  // A newcomer's shell: no CI (which would freeze the cache), npm's cache preferred.
  npmEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // The planner's OpenAI-compatible server; the README's export line sets the rest.
    OPENAI_BASE_URL: server.openaiBaseURL,
  }
}, 120_000)

afterAll(async () => {
  await server?.close()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the README', () => {
  it('says exactly these commands, installing the packed tarball by its real name', () => {
    expect(COMMANDS).toEqual([
      'npm init -y',
      `npm install -D vite@8 ../sitesmith/${TARBALL}`,
      'npx sitesmith init',
      'export OPENAI_API_KEY=sk-... OLLAMA_HOST=http://127.0.0.1:11434',
      'npm run build',
    ])
  })
})

describe.each([
  { type: 'commonjs', config: 'vite.config.mts' },
  { type: 'module', config: 'vite.config.ts' },
])('a new "$type" project, following the README', ({ type, config }) => {
  let dir: string
  let first: { code: number | null; out: string }
  let firstCalls: number

  beforeAll(async () => {
    dir = join(work, type)
    mkdirSync(dir)
    const lines = COMMANDS.map((c) =>
      c.startsWith('export ') ? `export OPENAI_API_KEY=sk-loopback-newcomer-0000 OLLAMA_HOST=${server.url}` : c,
    )
    // The ES module variant: the one extra step a person takes for it.
    if (type === 'module') lines.splice(1, 0, 'npm pkg set type=module')
    server.reset()
    first = await sh(lines.join('\n'), dir, npmEnv)
    firstCalls = server.requests.length
  }, 400_000)

  it(`init writes ${config}, spec.md, the scripts and .gitignore`, () => {
    expect(first.code, first.out).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({
      type,
      scripts: { dev: 'vite', build: 'vite build' },
    })
    for (const f of [config, 'spec.md', '.gitignore']) expect(existsSync(join(dir, f)), f).toBe(true)
    expect(readdirSync(dir).filter((f) => f.startsWith('vite.config'))).toEqual([config])
    // No warning that the config is ESM loaded as CommonJS.
    expect(first.out).not.toMatch(/ESM syntax in a file loaded as CommonJS|ESM only/)
  })

  it('the first build asks both roles through the loopback server and builds every page into dist/', () => {
    expect(first.code, first.out).toBe(0)
    expect(firstCalls).toBeGreaterThan(3)
    expect(first.out).toMatch(/\[sitesmith\] \d+ file\(s\) changed/)
    // The first build runs the dist/ browser check: its cost is said once, no timing banner (#14).
    expect(first.out).toMatch(/sitesmith: dist\/ checked in \d+\.\ds/)
    expect(first.out).not.toMatch(/inside plugin hooks|PLUGIN_TIMINGS/)
    expect(
      readdirSync(join(dir, 'dist'))
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['about.html', 'index.html'])
    expect(existsSync(join(dir, 'dist', 'js', 'main.js'))).toBe(true)
  })

  it('dist/ works in Chromium: every page loads and its handlers run without an error', async () => {
    const result = await runRuntimeCheck({ dir: join(dir, 'dist'), pages: ['index.html', 'about.html'] })
    expect(result.skipped, 'Chromium is required for this test (.ci/run installs it)').toBeUndefined()
    expect(result.pagesChecked).toBe(2)
    expect(result.findings).toEqual([])
  })

  it('a second build with nothing changed makes 0 model calls and no slow-plugin banner', async () => {
    server.reset()
    const again = await sh('npm run build', dir, {
      ...npmEnv,
      OPENAI_API_KEY: 'sk-loopback-newcomer-0000',
      OLLAMA_HOST: server.url,
    })
    expect(again.code, again.out).toBe(0)
    expect(server.requests).toEqual([])
    expect(again.out).toMatch(/up to date \(\d+ files, 0 model calls/)
    expect(again.out).not.toMatch(/inside plugin hooks|PLUGIN_TIMINGS/)
  }, 120_000)

  it.runIf(type === 'commonjs')(
    "the README's vite.config.ts also loads in the CommonJS package (Vite bundles it as CJS and requires the plugin)",
    async () => {
      renameSync(join(dir, 'vite.config.mts'), join(dir, 'vite.config.ts'))
      server.reset()
      const cjs = await sh('npm run build', dir, {
        ...npmEnv,
        OPENAI_API_KEY: 'sk-loopback-newcomer-0000',
        OLLAMA_HOST: server.url,
      })
      expect(cjs.code, cjs.out).toBe(0)
      expect(cjs.out).not.toMatch(/ESM only/)
      expect(cjs.out).toMatch(/up to date \(\d+ files, 0 model calls/)
      expect(server.requests).toEqual([])
    },
    120_000,
  )
})
