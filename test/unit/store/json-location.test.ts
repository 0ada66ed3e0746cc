import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { jsonParseErrorLocation, locateJsonPath, locationOf } from '../../../plugin/store/json-location.js'

/** Every path to a primitive inside `v`, with the primitive. */
function leaves(v: unknown, path: PropertyKey[] = []): Array<[PropertyKey[], unknown]> {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...path, i]))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))
  return [[path, v]]
}

describe('locateJsonPath', () => {
  it('points at the value a zod path names, in compact and indented JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)
        // A JSON object with duplicate keys cannot come out of JSON.stringify, so the first match is the one.
        for (const [path, leaf] of leaves(JSON.parse(text))) {
          const at = locateJsonPath(text, path)
          expect(text.slice(at.offset).startsWith(JSON.stringify(leaf))).toBe(true)
          const line = text.split('\n')[at.line - 1]
          expect(line.slice(at.column - 1).startsWith(JSON.stringify(leaf).split('\n')[0])).toBe(true)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('stops at the deepest existing ancestor for a missing member', () => {
    const text = '{\n  "a": [\n    { "b": 1 }\n  ]\n}'
    expect(locateJsonPath(text, ['a', 0, 'missing'])).toMatchObject({ line: 3, column: 5 })
    expect(locateJsonPath(text, ['a', 5])).toMatchObject({ line: 2, column: 8 })
    expect(locateJsonPath(text, [])).toMatchObject({ line: 1, column: 1 })
  })

  it('keys with escapes and strings containing brackets do not confuse it', () => {
    const text = JSON.stringify({ 'we"ird': '}]', 'x\\y': { z: '[{' }, ok: true })
    expect(text.slice(locateJsonPath(text, ['ok']).offset)).toMatch(/^true/)
    expect(text.slice(locateJsonPath(text, ['x\\y', 'z']).offset)).toMatch(/^"\[\{"/)
  })
})

describe('JSON parse error positions', () => {
  it('maps the position in the message to line and column', () => {
    const text = '{\n  "a": 1,,\n}'
    let error: unknown
    try {
      JSON.parse(text)
    } catch (e) {
      error = e
    }
    expect(jsonParseErrorLocation(text, error)).toMatchObject({ line: 2, column: 10 })
    expect(jsonParseErrorLocation('{"a":', new SyntaxError('Unexpected end of JSON input'))).toEqual(
      locationOf('{"a":', 5),
    )
  })
})
