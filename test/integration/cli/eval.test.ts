import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EvalReport } from '../../../plugin/cli/eval-report.js'
import { jsonReply, startLoopbackServer, type LoopbackServer, type Respond } from '../../loopback/server.js'
import { loadReferences, referenceProfile, type Reference } from '../../helpers/eval-reference.js'
import { everyShapeOnce } from '../../helpers/realistic-small-model.js'
import { stageOf } from '../../helpers/scripted-site.js'
import { REALISTIC_FAULTS } from '../../loopback/realistic-faults.js'
import { REPO } from '../../helpers/temp-site.js'

/**
 * `sitesmith eval` through the built bin (dist/cli.js) against the loopback server and the
 * real `openai` / `ollama` clients (issue #15): the scripted profile answers the suite with
 * the hand-written references; the figures of the report are checked against what the server
 * saw, and a broken reference file must fail its behaviour checks.
 */

async function serve(respond: Respond): Promise<LoopbackServer> {
  const server = await startLoopbackServer({ respond })
  onTestFinished(() => server.close())
  return server
}

function tempDir(): string {
  const dir = mkdtempSync(join(REPO, 'test', '.tmp', 'eval-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function evalCli(
  server: LoopbackServer,
  args: string[],
  cwd: string,
  without: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      OPENAI_API_KEY: 'sk-loopback-eval-0000',
      OPENAI_BASE_URL: server.openaiBaseURL,
      OLLAMA_HOST: server.url,
      SITESMITH_RETRY_BASE_MS: '2',
    }
    for (const name of without) delete env[name]
    const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), 'eval', ...args], { cwd, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    onTestFinished(() => void child.kill('SIGKILL'))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('sitesmith eval', () => {
  it('without credentials for the planner says so once and runs nothing', async () => {
    const server = await serve(referenceProfile(loadReferences(['todo', 'pricing'])))
    const run = await evalCli(server, [], tempDir(), ['OPENAI_API_KEY', 'OPENAI_BASE_URL'])
    expect(run.code).toBe(1)
    expect(run.stderr.match(/no credentials for openai model gpt-4o-mini/g)).toHaveLength(1)
    expect(run.stderr).toContain('nothing was run')
    expect(server.requests).toEqual([])
  })

  it(
    'scores the scripted profile on two specs: every figure matches what the model server saw',
    { timeout: 240_000 },
    async () => {
      const server = await serve(referenceProfile(loadReferences(['todo', 'pricing'])))
      const dir = tempDir()
      writeFileSync(join(dir, 'prices.json'), JSON.stringify({ 'openai:gpt-4o-mini': { input: 1, output: 4 } }))
      const run = await evalCli(
        server,
        ['--only', 'todo,pricing', '--out', 'report.json', '--prices', 'prices.json'],
        dir,
      )
      expect(run.code, run.stderr).toBe(0)
      expect(server.unmatched).toEqual([])
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as EvalReport
      expect(report.pairs).toHaveLength(1)
      const [pair] = report.pairs
      expect(pair).toMatchObject({ planner: 'openai:gpt-4o-mini', coder: 'ollama:qwen2.5-coder:7b' })
      expect(pair.specs.map((s) => s.spec)).toEqual(['pricing', 'todo'])
      expect(pair.summary).toMatchObject({
        specs: 2,
        endedClean: 1,
        planValidFirstTry: 1,
        files: 6,
        filesFirstTry: 1,
        repairTurns: 0,
        staticClean: 1,
        browserClean: 1,
        behaviourPassed: 7,
        behaviourTotal: 7,
        reviewRoundsMean: 1,
      })
      // Per spec: a plan, three files, one review — exactly the requests the server answered.
      const byRole = {
        planner: server.requests.filter((r) => r.protocol === 'openai'),
        coder: server.requests.filter((r) => r.protocol === 'ollama'),
      }
      expect(pair.specs.reduce((n, s) => n + s.calls, 0)).toBe(server.requests.length)
      expect(byRole.planner).toHaveLength(4)
      expect(byRole.coder).toHaveLength(6)
      for (const s of pair.specs) {
        expect(s.tokens.planner.prompt).toBeGreaterThan(0)
        expect(s.tokens.coder.completion).toBeGreaterThan(0)
        expect(s.tokens.total).toBe(s.tokens.prompt + s.tokens.completion)
        // The price file names the planner; a local Ollama coder costs no API money.
        expect(s.costUsd).toBeCloseTo((s.tokens.planner.prompt * 1 + s.tokens.planner.completion * 4) / 1e6, 6)
      }
      expect(pair.summary.tokens).toBe(pair.specs[0].tokens.total + pair.specs[1].tokens.total)
      // The markdown leaderboard on stdout carries the same figures.
      expect(run.stdout).toContain('| planner | coder | ended clean | plan valid 1st try | files 1st try |')
      expect(run.stdout).toMatch(
        /\| openai:gpt-4o-mini \| ollama:qwen2\.5-coder:7b \| 100% \| 100% \| 100% \(6 files\) \| 0 \| 100% \| 100% \| 7\/7 \| 1 \| \d+ \| \$\d\.\d{4} \|/,
      )
      expect(run.stdout).toMatch(/^\| todo \| yes \| yes \| 3\/3 \| 0 \| yes \| yes \| 4\/4 \|/m)
    },
  )

  it(
    'a broken reference fails its behaviour checks, and a repaired answer counts as a repair turn',
    { timeout: 240_000 },
    async () => {
      const [todo] = loadReferences(['todo'])
      // The counter always says "items": "1 items left" where the spec says "1 item left".
      const app = todo.files.get('js/app.js')!
      const brokenApp = app.replace("left === 1 ? 'item' : 'items'", "'items'")
      expect(brokenApp).not.toBe(app)
      const broken: Reference = { ...todo, files: new Map([...todo.files, ['js/app.js', brokenApp]]) }
      let emptied = false
      const server = await serve(
        referenceProfile([broken], {
          // The first answer for the stylesheet is `{}` (an output cap too small, issue #15): one repair turn.
          fileFault: (_good, path) => {
            if (path !== 'css/style.css' || emptied) return undefined
            emptied = true
            return jsonReply({})
          },
        }),
      )
      const dir = tempDir()
      const run = await evalCli(server, ['--only', 'todo', '--json'], dir)
      expect(run.code, run.stderr).toBe(1)
      expect(server.unmatched).toEqual([])
      const spec = (JSON.parse(run.stdout) as EvalReport).pairs[0].specs[0]
      expect(spec).toMatchObject({
        spec: 'todo',
        endedClean: false,
        staticClean: true,
        browserClean: true,
        files: 3,
        filesFirstTry: 2,
        repairTurns: 1,
        errors: [],
      })
      expect(spec.behaviour.passed).toBe(2)
      expect(spec.behaviour.failures).toHaveLength(2)
      expect(spec.behaviour.failures[0]).toMatch(
        new RegExp(
          '^adding a todo shows it and clears the input: step 5 \\{"expect":"#count","text":"1 item left"\\}: ' +
            'expected #count with text "1 item left"; 1 element\\(s\\) match; the first has text "1 items left"',
        ),
      )
      expect(spec.behaviour.failures[1]).toMatch(/^ticking a todo marks it done and updates the counter: step 8 /)
      expect(emptied).toBe(true)
      // Three files and the one repair turn; the review finds nothing to fix (the site is what its reference says).
      expect(server.requests.filter((r) => r.protocol === 'ollama')).toHaveLength(4)
    },
  )

  it(
    'every documented fault shape once over the suite: each is survived and each unusable answer costs one repair turn',
    { timeout: 400_000 },
    async () => {
      const model = everyShapeOnce(loadReferences())
      const server = await serve(model.respond)
      const dir = tempDir()
      // The browser pass is off to keep this quick (the faults are in the envelope, the file and
      // its links); the behaviour checks still run in Chromium.
      const run = await evalCli(server, ['--no-runtime', '--out', 'report.json'], dir)
      expect(run.code, run.stderr).toBe(1) // never "ended clean" without the browser pass
      expect(server.unmatched).toEqual([])
      expect(model.left()).toEqual([])
      const specs = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as EvalReport).pairs[0].specs
      expect(specs).toHaveLength(12)
      for (const s of specs) {
        expect(s, s.spec).toMatchObject({ errors: [], staticClean: true, browserClean: null, planValidFirstTry: true })
        expect(s.behaviour.failures, s.spec).toEqual([])
      }
      const unusable = REALISTIC_FAULTS.filter((f) => 'error' in f.outcome).length
      const files = specs.reduce((n, s) => n + s.files, 0)
      expect(specs.reduce((n, s) => n + s.repairTurns, 0)).toBe(unusable)
      expect(specs.reduce((n, s) => n + s.filesFirstTry, 0)).toBe(files - unusable)
      // The two cross-file defects (a wrong stylesheet name, a script nothing creates) each took one fix.
      expect(server.requests.filter((r) => stageOf(r) === 'fix')).toHaveLength(2)
    },
  )
})
