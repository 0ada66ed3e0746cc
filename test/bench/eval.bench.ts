import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EvalReport } from '../../plugin/cli/eval-report.js'
import { startLoopbackServer, type Respond } from '../loopback/server.js'
import { loadReferences, referenceProfile } from '../helpers/eval-reference.js'
import { SMALL_MODEL_RATES, realisticSmallModel } from '../helpers/realistic-small-model.js'
import { REPO } from '../helpers/temp-site.js'
import type { BenchResult } from './types.js'

/**
 * `sitesmith eval` over the whole shipped suite (issue #15), through the built bin and the
 * loopback server with the real clients:
 * - `eval_behaviour_pass_ratio`: the scripted profile (the hand-written references);
 * - `realistic_small_model_success_ratio`: runs that ended clean (no error, static- and
 *   browser-clean, every behaviour check passed) with the documented small-model faults
 *   injected into the coder's answers at the rates of test/helpers/realistic-small-model.ts,
 *   over SEEDS × the suite.
 */
const SEEDS = [1, 2, 3]

async function evalSuite(respond: Respond): Promise<EvalReport> {
  const server = await startLoopbackServer({ respond })
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-eval-bench-'))
  try {
    const env = {
      PATH: process.env.PATH,
      OPENAI_API_KEY: 'sk-loopback-bench-0000',
      OPENAI_BASE_URL: server.openaiBaseURL,
      OLLAMA_HOST: server.url,
      SITESMITH_RETRY_BASE_MS: '2',
    }
    const out = join(dir, 'report.json')
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), 'eval', '--out', out], {
        cwd: dir,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      child.on('close', resolve)
    })
    if (server.unmatched.length)
      throw new Error(`eval bench: unanswered requests: ${server.unmatched.map((u) => u.reason).join('; ')}`)
    if (code !== 0 && code !== 1) throw new Error(`eval bench: sitesmith eval exited ${code}`)
    return JSON.parse(readFileSync(out, 'utf8')) as EvalReport
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<BenchResult> {
  const refs = loadReferences()
  const scripted = (await evalSuite(referenceProfile(refs))).pairs[0].summary

  const specs = []
  const injected = new Map<string, number>()
  let answers = 0
  for (const seed of SEEDS) {
    const model = realisticSmallModel(refs, { seed })
    specs.push(...(await evalSuite(model.respond)).pairs[0].specs)
    for (const [id, n] of model.injected) injected.set(id, (injected.get(id) ?? 0) + n)
    answers += model.answers()
  }
  const clean = specs.filter((s) => s.endedClean).length
  for (const s of specs.filter((x) => !x.endedClean))
    process.stdout.write(`  not clean: ${s.spec}: ${[...s.errors, ...s.behaviour.failures].join(' / ')}\n`)
  const faults = [...injected.values()].reduce((a, b) => a + b, 0)
  const shapes = [...injected.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, n]) => `${id} ${n}`)
    .join(', ')
  const never = SMALL_MODEL_RATES.filter((r) => !injected.has(r.id)).map((r) => r.id)
  const files = specs.reduce((n, s) => n + s.files, 0)
  const load = loadavg()[0].toFixed(1)
  return {
    eval_behaviour_pass_ratio: {
      value: scripted.behaviourPassed / scripted.behaviourTotal,
      unit: 'ratio',
      target: '1.0',
      note:
        `scripted profile, ${scripted.specs} specs: ` +
        `${scripted.behaviourPassed} of ${scripted.behaviourTotal} behaviour checks; ` +
        `${Math.round(scripted.endedClean * scripted.specs)} of ${scripted.specs} runs ended clean; ` +
        `${Math.round(scripted.wallMs / 1000)} s of pipeline time at load ${load}`,
    },
    realistic_small_model_success_ratio: {
      value: clean / specs.length,
      unit: 'ratio',
      target: '>= 0.9',
      note:
        `${clean} of ${specs.length} runs ended clean (${refs.length} specs x seeds ${SEEDS.join(', ')}); ` +
        `${faults} faults in ${answers} coder file answers ` +
        `(${shapes}${never.length ? `; never drawn: ${never.join(', ')}` : ''}); ` +
        'rates: test/helpers/realistic-small-model.ts, all but fenced-json assumed',
    },
    realistic_small_model_files_first_try_ratio: {
      value: specs.reduce((n, s) => n + s.filesFirstTry, 0) / files,
      unit: 'ratio',
      note: `${files} files; ${specs.reduce((n, s) => n + s.repairTurns, 0)} repair turns in all; review rounds mean ${(specs.reduce((n, s) => n + s.reviewRounds, 0) / specs.length).toFixed(2)}`,
    },
  }
}
