import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { startLoopbackServer } from '../loopback/server.js'
import { scriptedSite } from '../helpers/scripted-site.js'
import { REPO } from '../helpers/temp-site.js'
import type { BenchResult } from './types.js'

/**
 * A newcomer's time (issue #14), measured, never asserted:
 * - `newcomer_readme_cmd1_s`: the README's command 1 (`npm install && npm run build:example`)
 *   in a fresh clone of this repository's HEAD, npm's cache preferred (as on a machine that
 *   has installed npm packages before);
 * - `newcomer_init_to_build_s`: in a new CommonJS project with vite and the packed tarball
 *   installed, `npx sitesmith init` then the first `npm run build` (both roles on the
 *   loopback server, answering at once, so this is sitesmith's and Vite's own time, the
 *   dist/ browser check included);
 * - `newcomer_install_s`: the `npm install -D vite@8 <tarball>` before it.
 */
function sh(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; seconds: number }> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out, seconds: (performance.now() - started) / 1000 })
    })
  })
}

function must(r: { code: number | null; out: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.out.slice(-4000)}`)
}

export async function run(): Promise<BenchResult> {
  mkdirSync(join(REPO, 'test', '.tmp'), { recursive: true })
  const work = mkdtempSync(join(REPO, 'test', '.tmp', 'bench-newcomer-'))
  const npmEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
  const server = await startLoopbackServer({ respond: scriptedSite() })
  try {
    must(await sh(`git clone -q --no-hardlinks ${JSON.stringify(REPO)} clone`, work, npmEnv), 'git clone')
    const clone = join(work, 'clone')
    // The machine is shared: the load at the start says how much these seconds are worth.
    const load = `load average ${loadavg()[0].toFixed(0)} on this machine at the start`
    const cmd1 = await sh('npm install && npm run build:example', clone, npmEnv)
    must(cmd1, 'README command 1')

    const version = (JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { version: string }).version
    mkdirSync(join(work, 'sitesmith'))
    must(await sh('npm pack --ignore-scripts --pack-destination ../sitesmith', clone, npmEnv), 'npm pack')
    mkdirSync(join(work, 'my-site'))
    const project = join(work, 'my-site')
    must(await sh('npm init -y', project, npmEnv), 'npm init')
    const install = await sh(`npm install -D vite@8 ../sitesmith/vite-plugin-sitesmith-${version}.tgz`, project, npmEnv)
    must(install, 'npm install')
    const keys = {
      OPENAI_API_KEY: 'sk-loopback-bench-0000',
      OPENAI_BASE_URL: server.openaiBaseURL,
      OLLAMA_HOST: server.url,
    }
    const initToBuild = await sh('npx sitesmith init && npm run build', project, { ...npmEnv, ...keys })
    must(initToBuild, 'init and first build')

    return {
      newcomer_readme_cmd1_s: {
        value: round(cmd1.seconds),
        unit: 's',
        note: `npm install && npm run build:example in a fresh clone (npm cache preferred; example built offline from cache/, dist/ checked in Chromium; ${load})`,
      },
      newcomer_install_s: {
        value: round(install.seconds),
        unit: 's',
        note: 'npm install -D vite@8 <packed tarball> in a new npm init -y project (npm cache preferred)',
      },
      newcomer_init_to_build_s: {
        value: round(initToBuild.seconds),
        unit: 's',
        note: `npx sitesmith init && npm run build: ${server.requests.length} model calls to the loopback server (no latency), dist/ checked in Chromium`,
      },
    }
  } finally {
    await server.close()
    rmSync(work, { recursive: true, force: true })
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
