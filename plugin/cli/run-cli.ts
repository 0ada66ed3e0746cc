import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { resolveOptions, type CacheMode, type ResolvedOptions, type SitesmithOptions } from '../options.js'
import { runPipeline, type RunResult } from '../pipeline/run-pipeline.js'
import { failingFindings, formatRunFailure, formatRunSummary } from '../report/run-summary.js'
import type { Logger } from '../report/logger.js'
import { checkCommand } from '../check/command.js'
import { readCodeReview, readTasks, readTracker } from '../store/artifacts.js'
import { sha256 } from '../store/atomic-write.js'
import { loadSitesmithOptions } from './load-options.js'
import { initCommand } from './init.js'
import { doctorCommand } from './doctor.js'
import { evalCommand } from './eval-command.js'
import { planPreview } from './plan-preview.js'
import { MissingCredentialsError } from '../llm/errors.js'
import { CacheMissError } from '../store/cached-chat.js'
import { closeCacheStore } from '../store/model-cache.js'

import type { CliIo } from './cli-io.js'
import { adoptCommand, reviewCommand, undoCommand } from './maintain-commands.js'
import { diagnosticLine } from '../diagnostics/render-text.js'

export type { CliIo } from './cli-io.js'

const HELP = `sitesmith — turn spec.md into a working static site (the engine of vite-plugin-sitesmith)

Usage: sitesmith <command> [dir] [options]

Commands:
  init [dir]       start a project: spec.md, vite.config, package.json scripts, .gitignore
  generate [dir]   plan, generate, check, review and fix (what \`vite build\` runs first)
  plan [dir]       print the planned tasks and what changed since the last plan; writes nothing
  check <dir>      lint a site folder with the deterministic checkers (no models)
                   --format text|json|sarif  --runtime  --ignore <glob>  (sitesmith check -h)
  status [dir]     tasks, files (generated / edited by hand / missing), last review; no models
  adopt [dir]      track an existing site's files as yours, changing none  --draft-spec, --no-model
  undo [dir]       restore the files of yours the last run changed, byte for byte
  review [dir] [--since <git-ref> | <files…>] [--apply]
                   checks + the large model's review of the files you changed; fixes as a diff
  doctor [dir]     check each role's model: endpoint, model, context, JSON mode, a round trip, tokens/s
  eval [dir]       run a suite of specs through the whole pipeline and score the models (sitesmith eval -h)

Options (generate, plan):
  --cache-mode auto|frozen|refresh   default: frozen when CI is set, else auto (SITESMITH_CACHE_MODE)
  --overwrite-edits                  regenerate files edited by hand (default: keep them)
  --no-review                        skip the review–fix loop
  --no-runtime                       skip the headless-browser check
  --edit-user-files                  let plans and fixes change your (adopted) files in chunks
Options are read from the sitesmith plugin in dir's vite.config when there is one.

Exit status: 0 ok, 1 failed tasks or unresolved errors, 2 usage error.
\`sitesmith <command> --help\` shows one command's usage.
`

const COMMAND_USAGE: Record<'generate' | 'plan' | 'status', string> = {
  generate: `Usage: sitesmith generate [dir] [options]

Plan, generate, check, review and fix the site in dir (default: the current directory), as
\`vite build\` does before it builds. Options are read from dir's vite.config when it uses
the sitesmith plugin; credentials from OPENAI_API_KEY / OPENAI_BASE_URL and OLLAMA_HOST.
  --cache-mode auto|frozen|refresh   default: frozen when CI is set, else auto (SITESMITH_CACHE_MODE)
  --overwrite-edits                  regenerate files edited by hand (default: keep them)
  --no-review                        skip the review–fix loop
  --no-runtime                       skip the headless-browser check
  --edit-user-files                  let plans and fixes change your (adopted) files in chunks
Exit status: 0 ok, 1 failed tasks or unresolved errors, 2 usage error.
`,
  plan: `Usage: sitesmith plan [dir] [--cache-mode auto|frozen|refresh]

Print the planned tasks and what changed in the spec since the last plan; writes nothing.
Without model credentials it still lists the changed sections and the tasks that serve them.
Exit status: 0 ok, 1 the planner could not be asked, 2 usage error.
`,
  status: `Usage: sitesmith status [dir]

Tasks, files (generated / edited by hand / missing) and the last review; asks no model.
`,
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(HELP)
    return command ? 0 : 2
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    io.stdout.write(`${pkg.version}\n`)
    return 0
  }
  if (command === 'init') return initCommand(rest, io)
  if (command === 'doctor') return doctorCommand(rest, io)
  if (command === 'eval') return evalCommand(rest, io)
  if (command === 'check') return checkCommand(rest, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, env: io.env })
  if (command === 'adopt') return adoptCommand(rest, io)
  if (command === 'undo') return undoCommand(rest, io)
  if (command === 'review') return reviewCommand(rest, io)
  if (command === 'generate' || command === 'plan' || command === 'status') {
    let parsed
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          'cache-mode': { type: 'string' },
          'overwrite-edits': { type: 'boolean' },
          'no-review': { type: 'boolean' },
          'no-runtime': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
          'edit-user-files': { type: 'boolean' },
        },
      })
    } catch (error) {
      io.stderr.write(`sitesmith ${command}: ${(error as Error).message}\n\n${COMMAND_USAGE[command]}`)
      return 2
    }
    if (parsed.values.help) {
      io.stdout.write(COMMAND_USAGE[command])
      return 0
    }
    if (parsed.positionals.length > 1) {
      io.stderr.write(`sitesmith ${command}: one directory at most, got ${parsed.positionals.join(' ')}\n`)
      return 2
    }
    const dir = resolve(io.cwd, parsed.positionals[0] ?? '.')
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      io.stderr.write(`sitesmith ${command}: ${dir} is not a directory\n`)
      return 2
    }
    const mode = parsed.values['cache-mode']
    if (mode !== undefined && !['auto', 'frozen', 'refresh'].includes(mode)) {
      io.stderr.write(`sitesmith ${command}: --cache-mode must be auto, frozen or refresh (got "${mode}")\n`)
      return 2
    }
    let options: ResolvedOptions | undefined
    const logger: Logger = {
      info: (m) => io.stdout.write(m + '\n'),
      warn: (m) => io.stderr.write(m + '\n'),
      error: (m) => io.stderr.write(m + '\n'),
    }
    try {
      const loaded = await loadSitesmithOptions(dir)
      const user: SitesmithOptions = {
        ...loaded.options,
        ...(mode ? { cacheMode: mode as CacheMode } : {}),
        ...(parsed.values['overwrite-edits'] ? { overwriteHandEdits: true } : {}),
        ...(parsed.values['edit-user-files'] ? { editUserFiles: 'chunks' as const } : {}),
        ...(parsed.values['no-review'] ? { review: { ...loaded.options.review, enabled: false } } : {}),
        ...(parsed.values['no-runtime'] ? { runtimeCheck: { ...loaded.options.runtimeCheck, enabled: false } } : {}),
      }
      // An explicit --cache-mode beats the environment.
      const env = mode ? { ...io.env, SITESMITH_CACHE_MODE: mode } : io.env
      options = resolveOptions(user, { root: dir, env })
      if (command === 'status') return await status(options.siteDir, io)
      const stream = (io.stdout as NodeJS.WriteStream).isTTY ? (io.stdout as NodeJS.WriteStream) : undefined
      const result = await runPipeline({ options, logger, env, stream, until: command === 'plan' ? 'plan' : undefined })
      if (command === 'plan') {
        io.stdout.write(await formatPlan(result, options.siteDir))
        return 0
      }
      io.stdout.write(formatRunSummary(result, options) + '\n')
      return result.errors.length || failingFindings(result.findings, options.failOn).length ? 1 : 0
    } catch (error) {
      io.stderr.write(formatRunFailure(error) + '\n')
      // Without a planner, `plan` still says what changed and which tasks it concerns.
      const cannotAsk = planBlocker(error)
      if (command === 'plan' && options && cannotAsk) io.stdout.write(await planPreview(options, cannotAsk))
      return 1
    } finally {
      // A keyv store from the config (Redis) would keep the command alive after it is done (#12).
      if (options && typeof options.cache !== 'string') await closeCacheStore(options.cache, options.cacheTimeoutMs)
    }
  }
  io.stderr.write(`sitesmith: unknown command "${command}"\n\n${HELP}`)
  return 2
}

async function formatPlan(result: RunResult, siteDir: string): Promise<string> {
  const previous = await readTasks(siteDir)
  const before = new Map(previous.tasks.map((t) => [t.path, t]))
  const p = result.plan
  const lines = [`plan: ${p.kind}${p.kind === 'unchanged' ? ' (the spec has not changed since the last plan)' : ''}`]
  const s = p.sections
  if (s.added.length || s.changed.length || s.removed.length) {
    const parts = [
      s.added.length && `new ${s.added.join(', ')}`,
      s.changed.length && `changed ${s.changed.join(', ')}`,
      s.removed.length && `removed ${s.removed.join(', ')}`,
    ]
    lines.push(`sections: ${parts.filter(Boolean).join('; ')}`)
  }
  for (const t of p.tasks) {
    const old = before.get(t.path)
    const mark = !old ? '+' : JSON.stringify(old) === JSON.stringify(t) ? ' ' : '~'
    lines.push(
      `${mark} ${t.id.padEnd(20)} ${t.action.padEnd(6)} ${t.path}${t.target ? ` [${t.target}]` : ''}${t.dependsOn.length ? `  after ${t.dependsOn.join(', ')}` : ''}`,
    )
  }
  for (const t of p.deletes) lines.push(`- ${t.id.padEnd(20)} delete ${t.path}`)
  lines.push(`(+ new, ~ changed, - deleted; nothing was generated or written)`, result.usage.summary)
  return lines.join('\n') + '\n'
}

async function status(siteDir: string, io: CliIo): Promise<number> {
  const [tasks, tracker, review] = await Promise.all([
    readTasks(siteDir),
    readTracker(siteDir),
    readCodeReview(siteDir),
  ])
  const out: string[] = [
    `site: ${siteDir}`,
    `tasks: ${tasks.tasks.length}${tasks.specHash ? ` (spec ${tasks.specHash.slice(0, 12)})` : ' (never planned)'}`,
  ]
  for (const [path, f] of Object.entries(tracker.files).sort(([a], [b]) => a.localeCompare(b))) {
    const abs = join(siteDir, path)
    const same = existsSync(abs) && sha256(readFileSync(abs)) === f.hash
    const state = !existsSync(abs)
      ? 'missing'
      : f.owner === 'user'
        ? same
          ? 'yours'
          : 'yours, changed'
        : same
          ? 'generated'
          : 'edited by hand'
    out.push(`  ${state.padEnd(15)} ${path}  (${f.generatedBy.stage} by ${f.generatedBy.model})`)
  }
  if (review.run)
    out.push(
      `last review: run ${review.run}, ${review.rounds} round(s), ${review.resolved.length} resolved, ${review.unresolved.length} unresolved`,
    )
  for (const f of review.unresolved) out.push(`  ${f.severity} ${diagnosticLine(f, { severity: false })}`)
  io.stdout.write(out.join('\n') + '\n')
  return 0
}

/** Why the planner could not be asked, when that is the reason a run failed. */
function planBlocker(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof MissingCredentialsError) return `no credentials: set ${e.variables.join(' or ')}`
    if (e instanceof CacheMissError) return 'the cache is frozen and has no answer for this plan'
  }
  return null
}
