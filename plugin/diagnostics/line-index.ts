/**
 * Offset ↔ line/column for one file. Parsers give us offsets (acorn `start`, parse5
 * `startOffset`, postcss `offset`); inline scripts and styles are parsed on their own, so
 * their offsets are shifted by where they sit in the page and converted here once, which
 * keeps every finding in the coordinates of the file the user opens.
 */
export interface Position {
  /** 1-based line. */
  line: number
  /** 1-based column (UTF-16 code units, as editors and browsers count). */
  column: number
}

export class LineIndex {
  /** Offset at which each line starts; `starts[0] === 0`. */
  private readonly starts: number[]

  constructor(private readonly text: string) {
    const starts = [0]
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 10) starts.push(i + 1)
      else if (c === 13) {
        // CRLF counts once; a lone CR is a line break too (as in browsers' HTML tokenizer).
        if (text.charCodeAt(i + 1) === 10) i++
        starts.push(i + 1)
      }
    }
    this.starts = starts
  }

  /** Position of a 0-based offset; offsets past the end clamp to the last character. */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length))
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid] <= o) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 }
  }

  /** 0-based offset of a 1-based line/column (clamped into the text). */
  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length))
    return Math.min(this.text.length, this.starts[l - 1] + Math.max(0, column - 1))
  }
}

/**
 * Position of one offset, for a single lookup (#11: the one offset → line/column converter;
 * build a {@link LineIndex} once when converting many offsets of the same text).
 */
export function positionAt(text: string, offset: number): Position {
  return new LineIndex(text).position(offset)
}
