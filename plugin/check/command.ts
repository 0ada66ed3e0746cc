import { readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'

import { compareFindings, type Finding } from '../diagnostics/diagnostic.js'
import { formatFindingsText, shouldUseColor } from '../diagnostics/render-text.js'
import { formatFindingsJson } from '../diagnostics/render-json.js'
import { formatFindingsSarif } from '../diagnostics/format-sarif.js'
import { IgnoreGlobError, ignoreMatcher, type IgnoreMatcher } from '../analysis/ignore-globs.js'
import { checkSiteDetailed, KNOWN_RULES, type SiteCheck } from './index.js'
import { applySuppressions } from './suppressions.js'

export interface CommandIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  /** Directory a relative `<dir>` is resolved against, and printed paths are relative to. */
  cwd: string
  /** For `SITESMITH_CHROMIUM` and `NO_COLOR`. @default process.env */
  env?: NodeJS.ProcessEnv
}

const FORMATS = ['text', 'json', 'sarif'] as const
type Format = (typeof FORMATS)[number]

const USAGE = `Usage: sitesmith check <dir> [--format text|json|sarif] [--runtime] [--ignore <glob>]…

Check a site folder (HTML/CSS/JS) with the static cross-file rules; no model is involved.
  --format, -f   text (default: findings with code frames, paths relative to the current
                 directory), json ({"findings":[{rule,severity,file,line,column,message}]},
                 files relative to <dir>) or sarif (SARIF 2.1.0, for code scanning)
  --runtime      also open every page in headless Chromium (the build's browser check):
                 uncaught errors, console errors, failed local requests, broken handlers.
                 Chromium: SITESMITH_CHROMIUM or /usr/bin/chromium
  --ignore, -i   glob of files not to check (repeatable): "vendor/**", "*.min.js"
Silence one finding with a comment naming its rule (no rule = every rule):
  <!-- sitesmith-disable-next-line missing-element -->      (HTML)
  // sitesmith-disable-next-line undefined-reference        (JS)
  /* sitesmith-disable-line unknown-css-property */          (CSS, JS)
  /* sitesmith-disable broken-link */ … /* sitesmith-enable */   (a region)
Exit code: 1 if any error-severity finding, 0 otherwise, 2 on usage error, when <dir>
holds no HTML page, or when --runtime could not run the browser.
`

/**
 * `sitesmith check <dir> …` (`argv` is what follows `check`). Returns the exit code.
 * Loads no model client and no browser driver unless `--runtime` (issue #13: the linter
 * starts in a fraction of a second).
 */
export async function checkCommand(argv: string[], io: CommandIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        runtime: { type: 'boolean', default: false },
        ignore: { type: 'string', short: 'i', multiple: true, default: [] },
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
  const format = values.format as Format
  if (!FORMATS.includes(format))
    return usageError(io, `--format must be "text", "json" or "sarif", got "${values.format}"`)
  if (positionals.length === 0) return usageError(io, 'missing <dir>: which site directory to check')
  if (positionals.length > 1)
    return usageError(io, `expected one <dir>, got ${positionals.length}: ${positionals.join(' ')}`)

  const root = resolve(io.cwd, positionals[0])
  const info = await stat(root).catch(() => undefined)
  if (!info) return usageError(io, `directory not found: ${root}`)
  if (!info.isDirectory()) return usageError(io, `not a directory: ${root}`)

  let checked: SiteCheck
  try {
    checked = await checkSiteDetailed(root, { ignore: values.ignore, suppressions: true })
  } catch (e) {
    if (e instanceof IgnoreGlobError) return usageError(io, `--ignore: ${e.message}`)
    io.stderr.write(`sitesmith check: could not read ${root}: ${(e as Error).message}\n`)
    return 2
  }
  // Nothing checked is not a pass: a wrong folder (the repo root of a built site, `src/`
  // of a bundled app) would otherwise print ✔ and exit 0.
  if (checked.pages.length === 0) {
    const what = checked.files.size ? `only ${checked.files.size} CSS/JS file(s)` : 'no HTML, CSS or JS file'
    io.stderr.write(
      `sitesmith check: no HTML page in ${displayDir(io.cwd, root)} (${what}${values.ignore.length ? ' not ignored' : ''}); nothing to check — is it the site folder?\n`,
    )
    return 2
  }

  let findings = checked.findings
  let suppressed = checked.suppressed
  let runtimeFailure: string | undefined
  if (values.runtime) {
    const runtime = await runtimePass(root, checked, ignoreMatcher(values.ignore), io)
    findings = [...findings, ...runtime.findings].sort(compareFindings)
    suppressed += runtime.suppressed
    runtimeFailure = runtime.skipped
  }

  const displayPath = (file: string) => displayFile(io.cwd, root, file)
  if (format === 'json') io.stdout.write(formatFindingsJson(findings) + '\n')
  else if (format === 'sarif') {
    io.stdout.write(
      formatFindingsSarif(findings, { root, cwd: io.cwd, toolVersion: packageVersion(), rules: KNOWN_RULES }) + '\n',
    )
  } else {
    io.stdout.write(
      formatFindingsText(findings, {
        color: shouldUseColor(io.stdout as { isTTY?: boolean }, io.env),
        displayPath,
        checked: { files: checked.files.size, pages: checked.pages.length, suppressed },
        source: (file) => checked.files.get(file) ?? readText(join(root, file)),
      }),
    )
  }
  if (runtimeFailure !== undefined) {
    io.stderr.write(`sitesmith check: the browser check did not run to the end: ${runtimeFailure}\n`)
    return 2
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0
}

/** The headless-Chromium pass over every checked page, loaded only when asked for. */
async function runtimePass(
  root: string,
  checked: SiteCheck,
  isIgnored: IgnoreMatcher,
  io: CommandIO,
): Promise<{ findings: Finding[]; suppressed: number; skipped?: string }> {
  const { runRuntimeCheck } = await import('./runtime/runtime-check.js')
  const { defaultChromiumPath } = await import('./runtime/chromium.js')
  const env = io.env ?? process.env
  const result = await runRuntimeCheck({ dir: root, pages: checked.pages, executablePath: defaultChromiumPath(env) })
  // Browser findings land in site files too; ignored files and suppression comments apply to them alike.
  const kept = result.findings.filter((f) => !isIgnored(f.file))
  const { findings, suppressed } = applySuppressions(kept, checked.files, KNOWN_RULES)
  // The static pass already reported invalid suppressions.
  return {
    findings: findings.filter((f) => f.rule !== 'invalid-suppression'),
    suppressed,
    ...(result.skipped ? { skipped: result.skipped } : {}),
  }
}

/** Like eslint: paths relative to where the command runs; absolute when outside it. */
function displayFile(cwd: string, root: string, file: string): string {
  const abs = join(root, ...file.split('/'))
  const rel = relative(cwd, abs)
  return rel.startsWith('..') ? abs : rel.split(sep).join('/')
}

function displayDir(cwd: string, root: string): string {
  const rel = relative(cwd, root)
  return rel === '' ? '.' : rel.startsWith('..') ? root : rel
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

function usageError(io: CommandIO, message: string): number {
  io.stderr.write(`sitesmith check: ${message}\n\n${USAGE}`)
  return 2
}
