import { codeFrameColumns } from '@babel/code-frame'

export interface CodeFrameOptions {
  /** Colour the frame (ANSI). @default false */
  color?: boolean
  /** Lines of context above the location. @default 2 */
  linesAbove?: number
  /** Lines of context below the location. @default 2 */
  linesBelow?: number
  /** Shown next to the marker. @default undefined */
  message?: string
}

/**
 * A code frame (the lines around `line:column` with a `^` marker) for a finding or error.
 * Returns '' when the location is unknown (line 0) or outside the source, so callers can
 * append it unconditionally.
 */
export function codeFrame(source: string, line: number, column: number, options: CodeFrameOptions = {}): string {
  if (line < 1) return ''
  const lineCount = countLines(source)
  if (line > lineCount) return ''
  const color = options.color ?? false
  return codeFrameColumns(
    source,
    { start: { line, column: column > 0 ? column : undefined } },
    {
      highlightCode: color,
      forceColor: color,
      linesAbove: options.linesAbove ?? 2,
      linesBelow: options.linesBelow ?? 2,
      message: options.message,
    },
  )
}

/** `file:line:column` (or `file:line`, or `file` when unknown), the form editors jump to. */
export function formatLocation(file: string, line: number, column: number): string {
  if (line < 1) return file
  return column > 0 ? `${file}:${line}:${column}` : `${file}:${line}`
}

function countLines(s: string): number {
  let n = 1
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++
  return n
}
