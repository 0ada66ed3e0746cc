import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { probeRole, type CheckResult } from '../llm/probe.js'
import type { ModelOptions } from '../llm/types.js'
import { resolveOptions } from '../options.js'
import { loadSitesmithOptions } from './load-options.js'

/**
 * `sitesmith doctor [dir]` (issue #15): checks each role's model before a run depends on it —
 * endpoint, model, context length, JSON mode, one tiny structured round trip, tokens/s — and
 * prints a table with the fix for every failure. Exit 1 when a check fails, 2 on usage errors.
 */

export const DOCTOR_USAGE = `Usage: sitesmith doctor [dir] [--format text|json]

Checks the planner and the coder configured in dir's vite.config (or the defaults): the
endpoint answers, the model is there (Ollama's tags / the OpenAI models list), its context
length (Ollama's /api/show), whether JSON mode is honoured, one tiny structured round trip and
tokens per second. Every failure names its fix. Sends one 64-token question per role.
Exit status: 0 all usable, 1 a check failed, 2 usage error.
`

export interface DoctorRow extends CheckResult {
  role: 'planner' | 'coder'
  model: string
}

export async function runDoctor(
  roles: { planner: ModelOptions; coder: ModelOptions },
  env: Record<string, string | undefined>,
): Promise<DoctorRow[]> {
  const rows: DoctorRow[] = []
  for (const role of ['planner', 'coder'] as const) {
    const o = roles[role]
    for (const r of await probeRole(o, env)) rows.push({ role, model: `${o.provider}:${o.model}`, ...r })
  }
  return rows
}

export function formatDoctor(rows: DoctorRow[]): string {
  const mark = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: '-' } as const
  const lines = ['| role | model | check | result | detail | fix |', '|---|---|---|---|---|---|']
  for (const r of rows)
    lines.push(`| ${r.role} | ${r.model} | ${r.check} | ${mark[r.status]} | ${cell(r.detail)} | ${cell(r.fix ?? '')} |`)
  const failed = rows.filter((r) => r.status === 'fail').length
  const warned = rows.filter((r) => r.status === 'warn').length
  lines.push(
    '',
    failed
      ? `${failed} check(s) failed: fix them before a run.`
      : warned
        ? `usable, with ${warned} warning(s).`
        : 'both roles are ready.',
  )
  return lines.join('\n') + '\n'
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export async function doctorCommand(
  args: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    io.stderr.write(`sitesmith doctor: ${(error as Error).message}\n\n${DOCTOR_USAGE}`)
    return 2
  }
  if (parsed.values.help) {
    io.stdout.write(DOCTOR_USAGE)
    return 0
  }
  const format = parsed.values.format ?? 'text'
  if ((format !== 'text' && format !== 'json') || parsed.positionals.length > 1) {
    io.stderr.write(
      `sitesmith doctor: ${parsed.positionals.length > 1 ? 'one directory at most' : `--format must be text or json (got "${format}")`}\n`,
    )
    return 2
  }
  const dir = resolve(io.cwd, parsed.positionals[0] ?? '.')
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.stderr.write(`sitesmith doctor: ${dir} is not a directory\n`)
    return 2
  }
  const loaded = await loadSitesmithOptions(dir)
  const options = resolveOptions(loaded.options, { root: dir, env: io.env })
  const rows = await runDoctor({ planner: options.planner, coder: options.coder }, io.env)
  io.stdout.write(format === 'json' ? `${JSON.stringify({ checks: rows }, null, 2)}\n` : formatDoctor(rows))
  return rows.some((r) => r.status === 'fail') ? 1 : 0
}
