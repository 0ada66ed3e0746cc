import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, taskOf } from '../../helpers/scripted-site.js'

/**
 * The `sitesmith` bin (dist/cli.js) as a person runs it: options come from the site's
 * vite.config, exit codes say what happened.
 */
const SPEC = `# Fern & Moss

## Look and feel
Moss green #4a6b3a.

## Home page
Houseplants and repotting.

## Care page
Watering guides for twenty common plants.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

function writeConfig(s: TempSite, extra = '') {
  s.write(
    'vite.config.mjs',
    `import sitesmith from ${JSON.stringify(join(REPO, 'dist', 'index.js'))}
export default {
  plugins: [sitesmith({
    planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: ${JSON.stringify(s.server.openaiBaseURL)}, timeoutMs: 10000 },
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ${JSON.stringify(s.server.url)}, timeoutMs: 10000, repairTurns: 1 },
    cache: ${JSON.stringify(s.cacheDir)},
    runtimeCheck: { enabled: false },${extra}
  })],
}
`,
  )
}

/** Run the CLI asynchronously: the loopback server lives in this process and must keep answering. */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH, SITESMITH_CACHE_MODE: 'auto' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('sitesmith CLI', () => {
  it('plan prints the tasks and writes nothing; generate writes the site; status reports hand edits', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    writeConfig(site)

    const plan = await cli(['plan'], site.dir)
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/^\+ care-page\s+create\s+care\.html\s+after style, main-js$/m)
    expect(plan.stdout).toContain('nothing was generated or written')
    expect(site.exists('care.html')).toBe(false)
    expect(site.exists('.sitesmith/tasks.json')).toBe(false)

    const gen = await cli(['generate'], site.dir)
    expect(gen.code, gen.stderr).toBe(0)
    expect(gen.stdout).toMatch(/model usage: \d+ calls/)
    expect(site.read('care.html')).toContain('Watering guides for twenty common plants.')

    site.write('care.html', site.read('care.html').replace('<h1>', '<h1 class="big">'))
    const status = await cli(['status'], site.dir)
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/edited by hand\s+care\.html/)
    expect(status.stdout).toMatch(/generated\s+index\.html/)
  })

  it('a task that keeps failing: exit 1 and the task named; the other files are written', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage, req) =>
          stage === 'generate' && taskOf(req).path === 'care.html' ? { content: 'I cannot do that.' } : undefined,
      }),
    })
    writeConfig(site)
    const gen = await cli(['generate', '--no-review'], site.dir)
    expect(gen.code).toBe(1)
    expect(gen.stdout + gen.stderr).toMatch(/task "care-page" \(care\.html\)/)
    expect(site.exists('care.html')).toBe(false)
    expect(site.exists('index.html')).toBe(true)
  })

  it('usage errors exit 2 with a message', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    const bad = await cli(['generate', '--cache-mode', 'sometimes'], site.dir)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--cache-mode must be auto, frozen or refresh/)
    const unknown = await cli(['deploy'], site.dir)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "deploy"/)
    const noDir = await cli(['generate', 'nope'], site.dir)
    expect(noDir.code).toBe(2)
  })
})
