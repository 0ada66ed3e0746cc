import pc from 'picocolors'

import { codeFrame, formatLocation } from './code-frame.js'
import type { Diagnostic, Finding } from './diagnostic.js'
import { escapeControl } from './escape.js'

/**
 * The terminal renderer (#11): diagnostics as a person reads them — `file:line:column`
 * (just `file` when the line is unknown, never `file:0:0`), severity, message, rule, and
 * a code frame. `sitesmith check`, the run summary and the build error all use it.
 */

export interface FormatTextOptions {
  /** ANSI colours. Decide with `shouldUseColor(stream)`. @default false */
  color?: boolean
  /** Source of a file for its code frames; undefined skips the frame. @default no frames */
  source?: (file: string) => string | undefined
  /** Code frames for at most this many findings; the rest are listed without. @default 50 */
  maxFrames?: number
  /** How a finding's site-relative `file` is shown (the CLI: relative to its cwd). @default the file as is */
  displayPath?: (file: string) => string
  /** What was checked, for the summary (`✔ no problems in 12 files (3 pages)`). @default not shown */
  checked?: { files: number; pages: number; suppressed?: number }
}

export function formatFindingsText(findings: readonly Finding[], options: FormatTextOptions = {}): string {
  const c = pc.createColors(options.color ?? false)
  const maxFrames = options.maxFrames ?? 50
  const sources = new Map<string, string | undefined>()
  const sourceOf = (file: string): string | undefined => {
    if (!options.source) return undefined
    if (!sources.has(file)) sources.set(file, options.source(file))
    return sources.get(file)
  }
  const blocks: string[] = []
  findings.forEach((f, i) => {
    const sev = f.severity === 'error' ? c.red('error') : c.yellow('warning')
    // A message may quote page console text or a model-chosen name: control bytes are shown escaped (issue #10).
    const where = escapeControl(locationOf(f, options.displayPath))
    const head = `${c.bold(where)}  ${sev}  ${escapeControl(f.message)}  ${c.dim(f.rule)}`
    const frame =
      i < maxFrames ? frameOf(f, f.frame || f.file === '' ? undefined : sourceOf(f.file), options.color) : ''
    blocks.push(frame ? `${head}\n${indent(frame)}` : head)
  })
  const summary = [summaryLine(findings, options.color ?? false, options.checked)]
  if (findings.length > 0) summary.push(c.dim(ruleCounts(findings)))
  blocks.push(summary.join('\n'))
  return blocks.join('\n\n') + '\n'
}

/**
 * `file:line:column` of a diagnostic, `file` alone when the line is unknown, and the task
 * (`task "about-page"`) when the diagnostic is in no file. Never `file:0:0`.
 */
export function locationOf(d: Diagnostic, displayPath?: (file: string) => string): string {
  if (d.file === '') return d.task ? `task "${d.task}"` : ''
  return formatLocation(displayPath?.(d.file) ?? d.file, d.line, d.column)
}

/** The diagnostic's own frame, or one made from the text of its file at its line; '' without either. */
export function frameOf(d: Diagnostic, fileText: string | undefined, color = false): string {
  if (d.frame) return d.frame
  if (d.line < 1 || fileText === undefined) return ''
  return codeFrame(fileText, d.line, d.column, { color })
}

/**
 * One line per diagnostic, `file:line:column severity [rule] message` (no location part
 * for an error in no file), control bytes escaped (issue #10).
 */
export function diagnosticLine(
  d: Diagnostic,
  options: { displayPath?: (file: string) => string; severity?: boolean } = {},
): string {
  const where = locationOf(d, options.displayPath)
  const parts = [where, options.severity === false ? '' : d.severity, `[${d.rule}]`, d.message].filter((p) => p !== '')
  return escapeControl(parts.join(' '))
}

/** `broken-link 3 · missing-anchor 1`: how many findings per rule, most first (issue #13). */
export function ruleCounts(findings: readonly Finding[]): string {
  const counts = new Map<string, number>()
  for (const f of findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1)
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([rule, n]) => `${rule} ${n}`)
    .join(' · ')
}

/** `✖ 3 problems (2 errors, 1 warning) in 2 files` or `✔ no problems` (`… in 12 files (3 pages)` when `checked` is given). */
export function summaryLine(
  findings: readonly Finding[],
  color = false,
  checked?: FormatTextOptions['checked'],
): string {
  const c = pc.createColors(color)
  const suppressed = checked?.suppressed ? `, ${checked.suppressed} suppressed` : ''
  if (findings.length === 0) {
    return c.green(
      `✔ no problems${checked ? ` in ${plural(checked.files, 'file')} (${plural(checked.pages, 'page')}${suppressed})` : ''}`,
    )
  }
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.length - errors
  const files = new Set(findings.map((f) => f.file)).size
  const text = `✖ ${plural(findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}${suppressed}) in ${plural(files, 'file')}`
  return errors > 0 ? c.red(c.bold(text)) : c.yellow(c.bold(text))
}

/**
 * Colour only for a terminal, and never when `NO_COLOR` is set to a non-empty value
 * (https://no-color.org).
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return stream.isTTY === true
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')
}
