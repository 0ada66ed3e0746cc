/**
 * One diagnostic type for everything sitesmith reports: checker rules, runtime (browser)
 * findings, integrity-gate rejections and pipeline errors are all turned into a `Finding`
 * before they are printed, sent to Vite's overlay or written to `code_review.json`.
 * The JSON shape of `sitesmith check --format json` is a contract (docs/ARCHITECTURE.md).
 */
export type Severity = 'error' | 'warning'

export interface Finding {
  /** Rule id, e.g. `broken-link`, `unknown-handler`, `runtime-error` (README, "Checker rules"). */
  rule: string
  severity: Severity
  /** Path relative to the site root, posix separators. The file holding the broken reference. */
  file: string
  /** 1-based line. 0 when the location is unknown (e.g. a runtime error without a stack). */
  line: number
  /** 1-based column. 0 when unknown. */
  column: number
  message: string
  /** For runtime findings: the page (relative path) on which it happened. */
  page?: string
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
