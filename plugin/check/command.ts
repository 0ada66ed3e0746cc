import { readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

import { formatFindingsJson, formatFindingsText, shouldUseColor } from '../report/format-findings.js'
import { checkSite } from './index.js'

export interface CommandIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  /** Directory a relative `<dir>` is resolved against. */
  cwd: string
}

const USAGE = `Usage: sitesmith check <dir> [--format text|json]

Run the static cross-file checks on a site directory.
  --format, -f   text (default: findings with code frames) or json
                 ({"findings":[{rule,severity,file,line,column,message}]})
Exit code: 1 if any error-severity finding, 0 otherwise, 2 on usage error.
`

/**
 * `sitesmith check <dir> [--format json|text]`. `argv` is what follows `check`.
 * Returns the exit code: 1 on any error finding, 0 otherwise, 2 on a usage error (or
 * when the directory cannot be read, since nothing was checked).
 */
export async function checkCommand(argv: string[], io: CommandIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    })
  } catch (e) {
    return usageError(io, (e as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(USAGE)
    return 0
  }
  const format = values.format
  if (format !== 'text' && format !== 'json') return usageError(io, `--format must be "text" or "json", got "${format}"`)
  if (positionals.length === 0) return usageError(io, 'missing <dir>: which site directory to check')
  if (positionals.length > 1) return usageError(io, `expected one <dir>, got ${positionals.length}: ${positionals.join(' ')}`)

  const root = resolve(io.cwd, positionals[0])
  const info = await stat(root).catch(() => undefined)
  if (!info) return usageError(io, `directory not found: ${root}`)
  if (!info.isDirectory()) return usageError(io, `not a directory: ${root}`)

  let findings
  try {
    findings = await checkSite(root)
  } catch (e) {
    io.stderr.write(`sitesmith check: could not read ${root}: ${(e as Error).message}\n`)
    return 2
  }
  if (format === 'json') io.stdout.write(formatFindingsJson(findings) + '\n')
  else {
    io.stdout.write(
      formatFindingsText(findings, {
        color: shouldUseColor(io.stdout as { isTTY?: boolean }),
        source: (file) => {
          try {
            return readFileSync(join(root, file), 'utf8')
          } catch {
            return undefined
          }
        },
      }),
    )
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0
}

function usageError(io: CommandIO, message: string): number {
  io.stderr.write(`sitesmith check: ${message}\n\n${USAGE}`)
  return 2
}
