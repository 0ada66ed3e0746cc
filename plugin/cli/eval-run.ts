import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { resolveOptions, type SitesmithOptions } from '../options.js'
import type { ModelOptions } from '../llm/types.js'
import { runPipeline, type RunResult } from '../pipeline/run-pipeline.js'
import { formatRunFailure } from '../report/run-summary.js'
import { RUN_LOG_FILE, readRunLog } from '../store/run-log.js'
import { SITESMITH_DIR } from '../store/artifacts.js'
import { runBehaviourChecks } from './eval-behaviour.js'
import { behaviourFigures, callFigures, cleanliness, type SpecFigures } from './eval-metrics.js'
import { costOf, priceOf, type Price } from './eval-prices.js'
import type { SuiteSpec } from './eval-suite.js'

/**
 * One spec of the suite through the real pipeline (`runPipeline`, as `sitesmith generate`
 * runs it) for one planner/coder pair, in a fresh temp folder with its own empty cache, then
 * its behaviour checks in Chromium (issue #15).
 */
export interface EvalRunInput {
  spec: SuiteSpec
  planner: ModelOptions
  coder: ModelOptions
  /** The project's other options (review, runtime check, budget…); spec, folders and cache are the eval's. */
  base: SitesmithOptions
  env: NodeJS.ProcessEnv
  /** Shared by every run; null when Chromium could not start (behaviour checks then fail, saying so). */
  browser: Browser | null
  prices: Readonly<Record<string, Price>>
  /** Keep the temp folder (its path is returned) instead of deleting it. */
  keep: boolean
  onLine?: (line: string) => void
}

export async function evalSpec(input: EvalRunInput): Promise<SpecFigures & { dir?: string }> {
  const { spec } = input
  const root = mkdtempSync(join(tmpdir(), `sitesmith-eval-${spec.name}-`))
  try {
    writeFileSync(join(root, 'spec.md'), spec.spec)
    const user: SitesmithOptions = {
      ...input.base,
      planner: input.planner,
      coder: input.coder,
      spec: 'spec.md',
      siteDir: '.',
      cache: join(SITESMITH_DIR, 'cache'),
      // A fresh folder has nothing cached: every answer comes from the models under test.
      cacheMode: 'auto',
      overwriteHandEdits: false,
      editUserFiles: false,
    }
    const options = resolveOptions(user, { root, env: { ...input.env, SITESMITH_CACHE_MODE: 'auto' } })
    const warnings: string[] = []
    const logger = { info: () => {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) }
    let result: RunResult | undefined
    let failure: string | undefined
    const started = Date.now()
    try {
      result = await runPipeline({
        options,
        logger,
        env: { ...input.env, SITESMITH_CACHE_MODE: 'auto' },
        waitForLock: false,
      })
    } catch (error) {
      failure = formatRunFailure(error)
    }
    const wallMs = result?.durationMs ?? Date.now() - started
    const logFile = join(root, SITESMITH_DIR, RUN_LOG_FILE)
    const calls = callFigures(existsSync(logFile) ? readRunLog(logFile) : [])
    const creates = result?.plan.tasks.filter((t) => t.action === 'create') ?? []
    const browserRan = !!result && options.runtimeCheck.enabled && !result.runtimeSkipped
    const clean = result ? cleanliness(result.findings, browserRan) : { staticClean: false, browserClean: null }
    const outcomes =
      result && input.browser ? await runBehaviourChecks(input.browser, options.siteDir, spec.checks) : null
    const behaviour = result
      ? behaviourFigures(outcomes, spec.checks.length)
      : { passed: 0, total: spec.checks.length, failures: ['behaviour checks not run: the run failed'] }
    const env = input.env
    const plannerCost = costOf(
      calls.tokens.planner,
      priceOf({ ...input.planner, baseURL: input.planner.baseURL ?? baseUrlFromEnv(input.planner, env) }, input.prices),
    )
    const coderCost = costOf(
      calls.tokens.coder,
      priceOf({ ...input.coder, baseURL: input.coder.baseURL ?? baseUrlFromEnv(input.coder, env) }, input.prices),
    )
    const prompt = calls.tokens.planner.prompt + calls.tokens.coder.prompt
    const completion = calls.tokens.planner.completion + calls.tokens.coder.completion
    const errors = failure ? [failure] : (result?.errors ?? [])
    const figures: SpecFigures = {
      spec: spec.name,
      planValidFirstTry: calls.planValidFirstTry,
      files: creates.length,
      filesFirstTry: creates.filter(
        (t) => calls.firstTry(t.id) && result!.tasks.some((r) => r.taskId === t.id && r.status === 'written'),
      ).length,
      repairTurns: calls.repairTurns,
      ...clean,
      behaviour,
      reviewRounds: result?.review?.rounds ?? 0,
      calls: result?.usage.calls ?? calls.calls,
      tokens: {
        prompt,
        completion,
        total: result?.usage.tokens ?? prompt + completion,
        planner: calls.tokens.planner,
        coder: calls.tokens.coder,
      },
      costUsd: plannerCost === undefined || coderCost === undefined ? null : round6(plannerCost + coderCost),
      wallMs,
      errors,
      endedClean:
        !!result &&
        errors.length === 0 &&
        clean.staticClean &&
        clean.browserClean === true &&
        behaviour.passed === behaviour.total,
    }
    const verdict = figures.endedClean ? 'clean' : 'NOT clean'
    const took = `${figures.calls} call(s), ${(wallMs / 1000).toFixed(1)} s`
    input.onLine?.(`${spec.name}: ${verdict}, behaviour ${behaviour.passed}/${behaviour.total}, ${took}`)
    for (const f of behaviour.failures) input.onLine?.(`  ${spec.name}: ${f}`)
    for (const e of errors) input.onLine?.(`  ${spec.name}: ${e.split('\n')[0]}`)
    return input.keep ? { ...figures, dir: root } : figures
  } finally {
    if (!input.keep) rmSync(root, { recursive: true, force: true })
  }
}

function baseUrlFromEnv(m: ModelOptions, env: NodeJS.ProcessEnv): string | undefined {
  return m.provider === 'openai' ? env.OPENAI_BASE_URL : env.OLLAMA_HOST
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6
