import pc from 'picocolors'
import type { FailOn, ResolvedOptions } from '../options.js'
import { diagnosticsOf, type Diagnostic, type Finding } from '../diagnostics/diagnostic.js'
import { rollupError, type RollupErrorObject } from '../diagnostics/render-rollup.js'
import { diagnosticLine } from '../diagnostics/render-text.js'
import type { SourceFiles } from '../diagnostics/site-source.js'
import { escapeControl, escapeTerminal } from '../site-files/site-file-policy.js'

/**
 * The part of a run's result a summary reads. Declared here rather than imported from the
 * pipeline so the report layer sits below it (docs/ARCHITECTURE.md); the pipeline's
 * `RunResult` satisfies it structurally.
 */
export interface RunOutcome {
  tasks: readonly unknown[]
  changed: string[]
  findings: Finding[]
  review?: { rounds: number; resolved: readonly unknown[] }
  errors: string[]
  /** The same failures as diagnostics (task, file, line when known), for the build error. */
  problems?: Diagnostic[]
  kept: string[]
  /** Of `kept`, those already said on this machine for the same bytes and task: not said again (#12). */
  keptSaidBefore?: string[]
  /** Missing files written back from the cache. */
  restored?: string[]
  usage: { calls: number; summary: string }
  wouldChange?: { path: string; taskId: string; target: string; instructions: string }[]
  runtimeSkipped?: string
  durationMs: number
}

/**
 * The lines a person reads after a run: what changed, what failed, what is left, and the
 * model usage (docs/ARCHITECTURE.md: "a usage line after every run"). A run that changed
 * nothing prints one quiet line.
 */
export function formatRunSummary(r: RunOutcome, options: Pick<ResolvedOptions, 'cacheMode'>): string {
  const errors = r.findings.filter((f) => f.severity === 'error')
  const warnings = r.findings.length - errors.length
  const lines: string[] = []
  const would = r.wouldChange ?? []
  const quiet = new Set(r.keptSaidBefore ?? [])
  const kept = r.kept.filter((k) => !quiet.has(k))
  const restored = r.restored ?? []
  // A run that restored a file did something: "up to date" right after it would be a lie (#12).
  if (
    r.changed.length === 0 &&
    restored.length === 0 &&
    r.errors.length === 0 &&
    errors.length === 0 &&
    kept.length === 0 &&
    would.length === 0
  ) {
    return `${pc.dim('[sitesmith]')} up to date (${r.tasks.length} files, ${r.usage.calls} model calls${warnings ? `, ${warnings} warning(s)` : ''})`
  }
  const back = restored.length ? `, ${restored.length} restored` : ''
  lines.push(
    `${pc.cyan('[sitesmith]')} ${r.changed.length} file(s) changed${back}` +
      (r.review ? `, review: ${r.review.rounds} round(s), ${r.review.resolved.length} resolved` : '') +
      (r.runtimeSkipped ? ', runtime check skipped' : ''),
  )
  for (const e of r.errors) lines.push(`  ${pc.red('✗')} ${e}`)
  for (const p of restored)
    lines.push(`  ${pc.green('↺')} restored ${p} (missing; written back from the cache as sitesmith last wrote it)`)
  for (const k of kept)
    lines.push(`  ${pc.yellow('!')} kept hand-edited ${k} (set SITESMITH_OVERWRITE_EDITS=1 to regenerate it)`)
  // A person's files are changed only with editUserFiles (issue 17); what was held back is listed.
  for (const w of would)
    lines.push(
      `  ${pc.yellow('!')} would change ${w.path} [${w.target}] (${w.taskId}): ` +
        `${escapeControl(w.instructions.split('\n')[0].slice(0, 160))} — ` +
        "yours; allow with editUserFiles: 'chunks' (--edit-user-files)",
    )
  for (const f of r.findings)
    lines.push(
      `  ${f.severity === 'error' ? pc.red('error') : pc.yellow('warning')} ${diagnosticLine(f, { severity: false })}`,
    )
  lines.push(`  ${pc.dim(`${r.usage.summary} · cache ${options.cacheMode} · ${(r.durationMs / 1000).toFixed(1)}s`)}`)
  return lines.join('\n')
}

/** A thrown error as a person should read it: message (with its own frame, if any), no stack noise. */
export function formatRunFailure(error: unknown): string {
  // Error messages can quote model output (issue #10): no raw escape reaches the terminal.
  if (error instanceof Error) return `sitesmith: ${escapeTerminal(error.message)}`
  return `sitesmith: ${escapeTerminal(String(error))}`
}

export function failingFindings(findings: Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'never') return []
  return findings.filter((f) => f.severity === 'error' || failOn === 'warning')
}

/** Why `vite build` fails: every unresolved finding at or above `failOn`, one per line, the first framed. */
export function failingFindingsError(failing: Finding[], failOn: FailOn, files: SourceFiles): RollupErrorObject {
  return rollupError(failing, {
    heading: `sitesmith: ${failing.length} unresolved finding(s) (failOn: "${failOn}"):`,
    files,
  })
}

/** A run that completed with failed tasks: each failure, one per line, naming its task and file. */
export function incompleteRunError(problems: Diagnostic[], files: SourceFiles): RollupErrorObject {
  return rollupError(problems, {
    heading: `sitesmith: the run did not complete (${problems.length} problem(s)):`,
    files,
  })
}

/** A run that threw: its message as {@link formatRunFailure} says it, located where the error knows. */
export function runFailureError(error: unknown, files: SourceFiles): RollupErrorObject {
  return rollupError(diagnosticsOf(error), { heading: formatRunFailure(error), list: false, files })
}
