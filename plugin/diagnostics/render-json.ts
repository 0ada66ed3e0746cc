import type { Diagnostic } from './diagnostic.js'

/**
 * The JSON renderer: the `sitesmith check --format json` contract (docs/ARCHITECTURE.md,
 * Checkers), `{"findings":[{rule,severity,file,line,column,message}]}`. The optional
 * fields of a diagnostic (#11) are added only when set, so a checker finding prints exactly
 * the six fields it always did.
 */
// `page` stays out: the contract never had it and a checker finding must print the same six fields.
const OPTIONAL = ['endLine', 'endColumn', 'source', 'task'] as const

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: d.rule,
    severity: d.severity,
    file: d.file,
    line: d.line,
    column: d.column,
    message: d.message,
  }
  for (const key of OPTIONAL) if (d[key] !== undefined) out[key] = d[key]
  return out
}

/** The `--format json` document. */
export function formatFindingsJson(findings: readonly Diagnostic[]): string {
  return JSON.stringify({ findings: findings.map(diagnosticJson) })
}
