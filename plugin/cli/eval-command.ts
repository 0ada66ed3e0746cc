import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import type { ModelOptions } from '../llm/types.js'
import { missingCredentials } from '../llm/create-client.js'
import { resolveOptions, type SitesmithOptions } from '../options.js'
import { defaultChromiumPath, launchChromium } from '../check/runtime/chromium.js'
import { closeCacheStore } from '../store/model-cache.js'
import { loadSitesmithOptions } from './load-options.js'
import { siteDirArg, type CliIo } from './cli-io.js'
import { DEFAULT_SUITE_DIR, SuiteError, loadSuite } from './eval-suite.js'
import { evalSpec } from './eval-run.js'
import { formatMarkdown, summarise, type EvalReport, type PairReport } from './eval-report.js'
import type { Price } from './eval-prices.js'

export const EVAL_USAGE = `Usage: sitesmith eval [dir] [options]

Runs the whole pipeline (plan, generate, check, review, fix) on every spec of a suite, each in
a fresh temp folder with an empty cache, then the spec's behaviour checks in Chromium, and
reports per planner/coder pair: plan valid first try, files through the gate first try,
repair turns, static- and browser-clean rates, behaviour checks passed, review rounds,
tokens, estimated cost and wall time. The models are those of dir's vite.config (or the
defaults); --planner / --coder replace them and may be repeated (every planner × every coder).
  --planner <provider:model>   e.g. openai:gpt-4o-mini
  --coder <provider:model>     e.g. ollama:qwen2.5-coder:7b
  --suite <folder>             default: the suite shipped with sitesmith (eval/suite)
  --only <name,name…>          run only these specs of the suite
  --json                       print the JSON report instead of the markdown table
  --out <file>                 also write the JSON report to file
  --prices <file>              JSON {"provider:model": {"input": usd, "output": usd}} per 1M tokens
  --no-review / --no-runtime   as for generate
  --keep                       keep the temp folders (their paths are in the JSON report)
Exit status: 0 every run ended clean, 1 some did not, 2 usage error.
`

const PricesSchema = z.record(
  z.string().regex(/^(openai|ollama):.+/, 'keys are provider:model'),
  z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
)

export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        planner: { type: 'string', multiple: true },
        coder: { type: 'string', multiple: true },
        suite: { type: 'string' },
        only: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        prices: { type: 'string' },
        'no-review': { type: 'boolean' },
        'no-runtime': { type: 'boolean' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    io.stderr.write(`sitesmith eval: ${(error as Error).message}\n\n${EVAL_USAGE}`)
    return 2
  }
  const v = parsed.values
  if (v.help) {
    io.stdout.write(EVAL_USAGE)
    return 0
  }
  const dir = siteDirArg('eval', parsed.positionals, io)
  if (!dir) return 2
  const usage = (m: string) => {
    io.stderr.write(`sitesmith eval: ${m}\n`)
    return 2
  }
  let suite
  const suiteDir = v.suite ? resolve(io.cwd, v.suite) : DEFAULT_SUITE_DIR
  let prices: Record<string, Price> = {}
  try {
    suite = loadSuite(
      suiteDir,
      v.only
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    if (v.prices) {
      const file = resolve(io.cwd, v.prices)
      const read = PricesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      if (!read.success)
        return usage(`${file}: ${read.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
      prices = read.data
    }
  } catch (error) {
    return usage(error instanceof SuiteError ? error.message : `${(error as Error).message}`)
  }

  const loaded = await loadSitesmithOptions(dir)
  const base: SitesmithOptions = {
    ...loaded.options,
    ...(v['no-review'] ? { review: { ...loaded.options.review, enabled: false } } : {}),
    ...(v['no-runtime'] ? { runtimeCheck: { ...loaded.options.runtimeCheck, enabled: false } } : {}),
  }
  // A keyv store from the config stays with the project: each eval run has its own folder cache.
  delete base.cache
  const project = resolveOptions({ ...base }, { root: dir, env: io.env })
  let planners: ModelOptions[]
  let coders: ModelOptions[]
  try {
    planners = v.planner?.length ? v.planner.map((s) => roleFlag(s, project.planner)) : [project.planner]
    coders = v.coder?.length ? v.coder.map((s) => roleFlag(s, project.coder)) : [project.coder]
  } catch (error) {
    return usage((error as Error).message)
  }

  // Said once, before any run: otherwise every spec of the suite fails on the same missing key.
  const missing = [...new Set([...planners, ...coders].map((o) => missingCredentials(o, io.env)).filter(Boolean))]
  if (missing.length) {
    for (const m of missing) io.stderr.write(`sitesmith eval: ${m}\n`)
    io.stderr.write('sitesmith eval: nothing was run (`sitesmith doctor` checks each role)\n')
    return 1
  }

  const executable = project.runtimeCheck.executablePath || defaultChromiumPath(io.env)
  const launched = await launchChromium(executable, 30_000)
  if (launched.skipped) io.stderr.write(`sitesmith eval: behaviour checks cannot run: ${launched.skipped}\n`)
  const report: EvalReport = { version: 1, suite: suiteDir, startedAt: new Date().toISOString(), pairs: [] }
  try {
    for (const planner of planners) {
      for (const coder of coders) {
        const pair: PairReport = { planner: id(planner), coder: id(coder), summary: summarise([]), specs: [] }
        for (const spec of suite) {
          io.stderr.write(`eval ${pair.planner} + ${pair.coder}: ${spec.name} …\n`)
          pair.specs.push(
            await evalSpec({
              spec,
              planner,
              coder,
              base,
              env: io.env,
              browser: launched.browser ?? null,
              prices,
              keep: !!v.keep,
              onLine: (l) => io.stderr.write(`  ${l}\n`),
            }),
          )
        }
        pair.summary = summarise(pair.specs)
        report.pairs.push(pair)
      }
    }
  } finally {
    await launched.browser?.close().catch(() => {})
    // A keyv store built by the config (Redis) would keep the command alive (#12).
    const store = loaded.options.cache
    if (store && typeof store !== 'string') await closeCacheStore(store, project.cacheTimeoutMs)
  }
  const json = `${JSON.stringify(report, null, 2)}\n`
  if (v.out) writeFileSync(resolve(io.cwd, v.out), json)
  io.stdout.write(v.json ? json : formatMarkdown(report))
  return report.pairs.every((p) => p.specs.every((s) => s.endedClean)) ? 0 : 1
}

/** `provider:model` (the model may itself hold colons: `ollama:qwen2.5-coder:7b`). */
function roleFlag(text: string, configured: ModelOptions): ModelOptions {
  const m = /^(openai|ollama):(.+)$/.exec(text.trim())
  if (!m) throw new Error(`--planner/--coder take provider:model with provider openai or ollama (got "${text}")`)
  const provider = m[1] as ModelOptions['provider']
  // The configured role's endpoint and limits still apply when the provider is the same.
  return provider === configured.provider ? { ...configured, model: m[2] } : { provider, model: m[2] }
}

const id = (m: ModelOptions) => `${m.provider}:${m.model}`
