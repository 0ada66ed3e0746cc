import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { hasRedis, startRedis, type RedisServer } from '../../helpers/redis-server.js'
import type { Respond } from '../../loopback/server.js'

/**
 * Issue #12: the README's Redis snippet, `new Keyv({ store: new KeyvRedis(…) })`, in a real
 * vite.config run by the real `vite` and `sitesmith` bins. Before, the open connection kept
 * the process alive after "✓ built"; the child would never exit by itself.
 */
const SPEC = `# Lantern Café

## Look and feel
Amber light, dark wood.

## Home page
Coffee, cake, and a reading corner.

## Menu page
Espresso, filter, six cakes.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

async function redis(): Promise<RedisServer> {
  const r = await startRedis()
  onTestFinished(() => r.stop())
  return r
}

function writeConfig(s: TempSite, url: string) {
  // The snippet as the README prints it, plus the loopback models of this test.
  s.write(
    'vite.config.mjs',
    `import { Keyv } from 'keyv'
import KeyvRedis from '@keyv/redis'
import sitesmith from ${JSON.stringify(join(REPO, 'dist', 'index.js'))}
export default {
  logLevel: 'warn',
  plugins: [sitesmith({
    planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: ${JSON.stringify(s.server.openaiBaseURL)}, timeoutMs: 10000 },
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ${JSON.stringify(s.server.url)}, timeoutMs: 10000 },
    cache: new Keyv({ store: new KeyvRedis(${JSON.stringify(url)}), namespace: 'sitesmith' }),
    cacheTimeoutMs: 1000,
    runtimeCheck: { enabled: false },
  })],
}
`,
  )
}

/** Runs a bin until it exits by itself; a child still alive after 45 s is killed and reported as hung. */
function runUntilExit(args: string[], cwd: string): Promise<{ code: number | null; hung: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-loopback-test-key-0000', SITESMITH_CACHE_MODE: 'auto' },
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d))
    let hung = false
    const timer = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, 45_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, hung, output })
    })
  })
}

const VITE = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js')
const CLI = join(REPO, 'dist', 'cli.js')

describe.skipIf(!hasRedis)(
  `the README's Redis cache with the real bins${hasRedis ? '' : ' (skipped: /usr/bin/redis-server is not installed)'}`,
  () => {
    it('`vite build` exits 0 by itself, and a second build replays everything from Redis', async () => {
      const server = await redis()
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      writeConfig(site, server.url)
      const first = await runUntilExit([VITE, 'build'], site.dir)
      expect(first, first.output).toMatchObject({ hung: false, code: 0 })
      expect(existsSync(join(site.dir, 'dist', 'menu.html'))).toBe(true)
      const calls = site.server.requests.length
      expect(calls).toBeGreaterThan(3)
      site.write('dist-marker.txt', 'x') // any change to the site: the no-op fast path would skip the cache
      const second = await runUntilExit([VITE, 'build'], site.dir)
      expect(second, second.output).toMatchObject({ hung: false, code: 0 })
      expect(site.server.requests.length).toBe(calls)
    })

    it('`sitesmith generate` and `sitesmith status` exit by themselves', async () => {
      const server = await redis()
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      writeConfig(site, server.url)
      const generate = await runUntilExit([CLI, 'generate'], site.dir)
      expect(generate, generate.output).toMatchObject({ hung: false, code: 0 })
      const status = await runUntilExit([CLI, 'status'], site.dir)
      expect(status, status.output).toMatchObject({ hung: false, code: 0 })
    })

    it('redis-server killed during the build: `vite build` still exits 0 by itself, the outage warned', async () => {
      const server = await redis()
      const script = scriptedSite()
      let killed = false
      const respond: Respond = async (req) => {
        if (!killed && stageOf(req) === 'generate') {
          killed = true
          server.signal('SIGKILL')
          await server.exited
        }
        return script(req)
      }
      site = await createTempSite({ spec: SPEC, respond })
      writeConfig(site, server.url)
      const build = await runUntilExit([VITE, 'build'], site.dir)
      expect(killed).toBe(true)
      expect(build, build.output).toMatchObject({ hung: false, code: 0 })
      expect(build.output).toContain('treats the cache as misses')
      expect(existsSync(join(site.dir, 'dist', 'index.html'))).toBe(true)
    })
  },
)
