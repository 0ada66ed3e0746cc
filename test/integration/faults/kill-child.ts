/**
 * A sitesmith run in its own process, for the kill loop (kill-loop.ts). It loads every
 * module first and prints `ready`, then waits for one line on stdin — the JSON
 * `KillRunConfig` — so the parent can start the next child while the current one runs and
 * only the run itself is timed. It prints `start` just before `runPipeline` and
 * `done <errors as JSON>` after; the parent SIGKILLs it somewhere in between.
 *
 * Run with: node --import tsx test/integration/faults/kill-child.ts
 */
import { createInterface } from 'node:readline'
import { resolveOptions } from '../../../plugin/options.js'
import { runPipeline } from '../../../plugin/pipeline/run-pipeline.js'
import { silentLogger } from '../../../plugin/report/logger.js'
import { killRunEnv, killRunOptions, type KillRunConfig } from './kill-options.js'

const lines = createInterface({ input: process.stdin })
console.log('ready')
const line = await new Promise<string | undefined>((resolve) => {
  lines.once('line', resolve)
  lines.once('close', () => resolve(undefined))
})
if (line === undefined) process.exit(0) // the parent is done with us without a run
lines.close()
const cfg = JSON.parse(line) as KillRunConfig
const env = killRunEnv()
const options = resolveOptions(killRunOptions(cfg), { root: cfg.root, env })
console.log('start')
try {
  const result = await runPipeline({ options, logger: silentLogger, env })
  console.log(`done ${JSON.stringify({ errors: result.errors, kept: result.kept })}`)
  process.exit(0)
} catch (error) {
  console.log(`failed ${JSON.stringify((error as Error).message)}`)
  process.exit(1)
}
