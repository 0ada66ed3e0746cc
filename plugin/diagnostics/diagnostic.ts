/**
 * One diagnostic type for everything sitesmith reports (#11): checker rules, runtime
 * (browser) findings, integrity-gate rejections, plan problems, failed tasks and pipeline
 * errors are all a `Diagnostic` before they are printed, sent to Vite's overlay, thrown
 * to Rollup or written to `code_review.json`. Each output has one renderer in this folder
 * (render-text, render-json, render-overlay, render-rollup, format-sarif).
 * The JSON shape of `sitesmith check --format json` is a contract (docs/ARCHITECTURE.md);
 * the fields after `page` are optional and only ever added, so old readers keep working.
 */
export type Severity = 'error' | 'warning'

/** Which tool said so. Unset on checker findings: {@link sourceOf} derives it from the rule. */
export type DiagnosticSource = 'rule' | 'runtime' | 'gate' | 'plan' | 'task' | 'pipeline'

export interface Diagnostic {
  /** Rule id, e.g. `broken-link`, `runtime-error` (README, "Checker rules"), or an error code (`E_TASK`). */
  rule: string
  severity: Severity
  /** Path relative to the site root, posix separators; '' when the problem is in no file (a model outage). */
  file: string
  /** 1-based line. 0 when the location is unknown (e.g. a runtime error without a stack). */
  line: number
  /** 1-based column. 0 when unknown. */
  column: number
  message: string
  /** For runtime findings: the page (relative path) on which it happened. */
  page?: string
  /** 1-based line where the range ends, when the tool knows it. */
  endLine?: number
  /** 1-based column just past the range's last character (exclusive, as in SARIF). */
  endColumn?: number
  source?: DiagnosticSource
  /** The plan task the problem belongs to. */
  task?: string
  /**
   * A code frame made where the text was at hand (the rejected answer of a model, which
   * was never written). Renderers otherwise frame `line:column` of the file on disk.
   */
  frame?: string
}

/** The checker's name for a diagnostic; the same type (kept for the many rule modules). */
export type Finding = Diagnostic

/** Rules whose findings come from headless Chromium (check/runtime). */
const RUNTIME_RULES = /^(runtime-error|failed-request|a11y-|layout-)/

export function sourceOf(d: Pick<Diagnostic, 'rule' | 'source'>): DiagnosticSource {
  return d.source ?? (RUNTIME_RULES.test(d.rule) ? 'runtime' : 'rule')
}

/** Stable ordering so output and artifacts do not churn between runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  )
}

/** Identity of a finding for "is it fixed yet" comparisons: ignores line drift after edits. */
export function findingKey(f: Pick<Finding, 'rule' | 'file' | 'message'>): string {
  return `${f.rule}\u0000${f.file}\u0000${f.message}`
}

/** An error that knows where it happened: the classes of the stages implement it. */
export interface Diagnosable {
  toDiagnostics(): Diagnostic[]
}

function isDiagnosable(e: unknown): e is Diagnosable {
  return typeof e === 'object' && e !== null && typeof (e as Partial<Diagnosable>).toDiagnostics === 'function'
}

/**
 * Any thrown value as diagnostics: a {@link Diagnosable} says where; any other error
 * becomes one pipeline diagnostic with its `code` (or `E_RUN`) and message, in no file.
 */
export function diagnosticsOf(error: unknown): Diagnostic[] {
  if (isDiagnosable(error)) return error.toDiagnostics()
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  return [
    {
      rule: typeof code === 'string' ? code : 'E_RUN',
      severity: 'error',
      file: '',
      line: 0,
      column: 0,
      message,
      source: 'pipeline',
    },
  ]
}
