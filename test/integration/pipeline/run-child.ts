/**
 * Runs one pipeline in its own process for multi-process tests:
 *   node --import tsx run-child.ts '<json: { root, options }>'
 * Prints the run's result summary as JSON on the last line; exit 1 on task errors.
 */
import { resolveOptions } from '../../../plugin/options.js'
import { runPipeline } from '../../../plugin/pipeline/run-pipeline.js'

const { root, options } = JSON.parse(process.argv[2]) as { root: string; options: Record<string, unknown> }
const lines: string[] = []
const logger = {
  info: (m: string) => lines.push(m),
  warn: (m: string) => lines.push(`warn: ${m}`),
  error: (m: string) => lines.push(`error: ${m}`),
}
const result = await runPipeline({ options: resolveOptions(options, { root, env: process.env }), logger })
process.stdout.write(
  `${JSON.stringify({ errors: result.errors, changed: result.changed, calls: result.usage.calls, log: lines })}\n`,
)
process.exitCode = result.errors.length ? 1 : 0
