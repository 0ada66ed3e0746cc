import type { Diagnostic } from './diagnostic.js'
import { escapeTerminal } from './escape.js'
import { diagnosticLine, frameOf } from './render-text.js'
import type { SourceFiles } from './site-source.js'

/**
 * The Rollup error renderer (#11): what the Vite adapter passes to `this.error(…)` so a
 * failed `vite build` shows the problem the way Vite shows its own (compare Vite's
 * `formatParseError` in its html plugin): a message, the file as `id`, `loc` with
 * file/line/column and a code `frame`. The message lists every diagnostic, one per line;
 * `loc` and `frame` point at the first one with a known line. Without a line there is no
 * `loc` (Rollup would print `file:0:0`), without a file no `id`.
 */
export interface RollupErrorObject {
  message: string
  /** Rollup's error code (`RollupLog.code`): the first diagnostic's rule or error code. */
  code?: string
  id?: string
  loc?: { file: string; line: number; column: number }
  frame?: string
}

export interface RollupErrorOptions {
  /** First line, e.g. `sitesmith: 2 unresolved finding(s) (failOn: "error"):`. */
  heading: string
  /** List the diagnostics under the heading. False when the heading already says it all. @default true */
  list?: boolean
  files: SourceFiles
}

export function rollupError(diagnostics: readonly Diagnostic[], options: RollupErrorOptions): RollupErrorObject {
  const lines = options.list === false ? [] : diagnostics.map((d) => `  ${diagnosticLine(d)}`)
  const error: RollupErrorObject = { message: escapeTerminal([options.heading, ...lines].join('\n')) }
  if (diagnostics[0]) error.code = diagnostics[0].rule
  const at = diagnostics.find((d) => d.file !== '' && d.line > 0) ?? diagnostics.find((d) => d.file !== '')
  if (!at) return error
  const path = options.files.pathOf(at)
  error.id = path
  if (at.line < 1) return error
  // Rollup prints `file:line:column`; an unknown column is the start of the line.
  error.loc = { file: path, line: at.line, column: Math.max(at.column, 1) }
  const frame = frameOf(at, at.frame ? undefined : options.files.read(path))
  if (frame) error.frame = frame
  return error
}
