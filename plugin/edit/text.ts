import { codeFrameColumns } from '@babel/code-frame'
import { positionAt } from '../diagnostics/line-index.js'

/** Small text helpers shared by the three chunk engines. Pure functions only. */

export type Eol = '\n' | '\r\n'

/** The file's dominant line ending; inserted text is converted to it so a CRLF file stays CRLF. */
export function detectEol(source: string): Eol {
  const crlf = source.split('\r\n').length - 1
  const lf = source.split('\n').length - 1 - crlf
  return crlf > 0 && crlf >= lf ? '\r\n' : '\n'
}

export function toLf(text: string): string {
  return text.replace(/\r\n?/g, '\n')
}

export function toEol(lfText: string, eol: Eol): string {
  return eol === '\n' ? lfText : lfText.replace(/\n/g, '\r\n')
}

/** A plain (uncoloured) code frame around a 1-based line/column, for reasons fed to a model. */
export function codeFrame(source: string, line: number, column: number): string {
  return codeFrameColumns(
    toLf(source),
    { start: { line, column } },
    { highlightCode: false, linesAbove: 2, linesBelow: 2 },
  )
}

/** `path:line:col` plus a code frame, for a problem at `offset` of `source`. */
export function locatedAt(path: string, source: string, offset: number): { where: string; frame: string } {
  const { line, column } = positionAt(source, offset)
  return { where: `${path}:${line}:${column}`, frame: codeFrame(source, line, column) }
}

/** Collapse all whitespace runs to one space; used to compare chunks that were only reformatted. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** The whitespace between the start of `offset`'s line and `offset`, or null when other text precedes it. */
export function indentBefore(source: string, offset: number): string | null {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1
  const prefix = source.slice(lineStart, offset)
  return /^[ \t]*$/.test(prefix) ? prefix : null
}

/** Quote a target or name for a reason: backticks read well in prompts and logs. */
export function q(text: string): string {
  return '`' + text + '`'
}

/** "a, b, c and 4 more" — keeps reasons short when a file offers many targets. */
export function listSome(items: readonly string[], max = 8, quote = true): string {
  const shown = items.slice(0, max).map((i) => (quote ? q(i) : i))
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ')
}

/** Edit distance with adjacent transpositions ("crad" → "card" is 1), capped: only used to suggest near misses. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 0; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
      rowMin = Math.min(rowMin, d[i][j])
    }
    if (rowMin > cap) return cap + 1
  }
  return d[a.length][b.length]
}

/** Targets close to a missing one (typo, case), best first. */
export function nearMisses(target: string, available: readonly string[]): string[] {
  const t = target.toLowerCase()
  return available
    .map((a) => ({ a, d: a.toLowerCase() === t ? 0 : editDistance(t, a.toLowerCase(), 2) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)
    .map((x) => x.a)
}
