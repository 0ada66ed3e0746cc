import { describe, expect, it } from 'vitest'
import { LineIndex, positionAt } from '../../../plugin/diagnostics/line-index.js'

/** The one offset ↔ line/column converter (#11, point 4): every parser offset goes through it. */
describe('positionAt / LineIndex', () => {
  it('gives 1-based line and column (UTF-16 units)', () => {
    expect(positionAt('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 })
    expect(positionAt('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 })
    expect(positionAt('€\nx', 2)).toEqual({ line: 2, column: 1 })
  })

  it('CRLF counts once; a lone CR is a line break too, as in browsers and the code frames', () => {
    expect(positionAt('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 })
    expect(positionAt('ab\rcd', 3)).toEqual({ line: 2, column: 1 })
  })

  it('an offset at or past the end is the end of the text (an unterminated input)', () => {
    expect(positionAt('ab\ncd', 5)).toEqual({ line: 2, column: 3 })
    expect(positionAt('ab\ncd', 99)).toEqual({ line: 2, column: 3 })
  })

  it('offset is the inverse of position', () => {
    const text = 'a\r\nbb\nccc\rd'
    const index = new LineIndex(text)
    for (let o = 0; o <= text.length; o++) {
      if (text[o - 1] === '\r' && text[o] === '\n') continue // inside a CRLF: no position of its own
      const { line, column } = index.position(o)
      expect(index.offset(line, column), `offset ${o}`).toBe(o)
    }
  })
})
