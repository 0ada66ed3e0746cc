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
  /** Longer lines (minified code) are cut to a window around the column. @default 160 */
  maxLineLength?: number
}

/**
 * A code frame (the lines around `line:column` with a `^` marker) for a finding or error.
 * Returns '' when the location is unknown (line 0) or outside the source, so callers can
 * append it unconditionally.
 */
export function codeFrame(source: string, line: number, column: number, options: CodeFrameOptions = {}): string {
  if (line < 1) return ''
  const lines = source.split(/\r\n|\r|\n/)
  if (line > lines.length) return ''
  const color = options.color ?? false
  const above = options.linesAbove ?? 2
  const below = options.linesBelow ?? 2
  const max = options.maxLineLength ?? 160
  // Only the framed lines matter; cut long ones to a window around the column so a
  // finding in minified code prints one screen, not a megabyte.
  const from = column > max / 2 ? column - Math.floor(max / 2) : 1
  const windowed = lines.map((text, i) => {
    const n = i + 1
    if (n < line - above || n > line + below) return ''
    if (text.length <= max && from === 1) return text
    const cut = text.slice(from - 1, from - 1 + max)
    return (from > 1 ? '…' : '') + cut + (from - 1 + max < text.length ? '…' : '')
  })
  const shownColumn = column > 0 ? column - from + 1 + (from > 1 ? 1 : 0) : undefined
  return codeFrameColumns(
    windowed.join('\n'),
    { start: { line, column: shownColumn } },
    {
      highlightCode: color,
      forceColor: color,
      linesAbove: above,
      linesBelow: below,
      message: options.message,
    },
  )
}

/** `file:line:column` (or `file:line`, or `file` when unknown), the form editors jump to. */
export function formatLocation(file: string, line: number, column: number): string {
  if (line < 1) return file
  return column > 0 ? `${file}:${line}:${column}` : `${file}:${line}`
}
