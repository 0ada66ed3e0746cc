/**
 * Source locations inside JSON text, so an artifact that fails validation is reported as
 * `.sitesmith/tasks.json:14:17` with a code frame instead of "somewhere in the file".
 * `JSON.parse` keeps no positions; this is a tiny scanner over text already known to parse.
 */
import { positionAt } from '../diagnostics/line-index.js'

export interface TextLocation {
  /** 0-based character offset. */
  offset: number
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
}

export function locationOf(text: string, offset: number): TextLocation {
  const clamped = Math.max(0, Math.min(offset, text.length))
  return { offset: clamped, ...positionAt(text, clamped) }
}

/**
 * Where `JSON.parse` gave up, from its error message (`… at position 42`, plus
 * `(line 3 column 5)` on newer Node). A message without a position ("Unexpected end of
 * JSON input") means the text stopped early: the end of the text is returned.
 */
export function jsonParseErrorLocation(text: string, error: unknown): TextLocation {
  const message = error instanceof Error ? error.message : String(error)
  const position = /position (\d+)/.exec(message)
  if (position) return locationOf(text, Number(position[1]))
  return locationOf(text, text.length)
}

/**
 * Location of the value at `path` (zod issue path: keys and array indexes) in valid JSON
 * `text`. When the path leads to a member that does not exist (a missing required key),
 * the deepest existing ancestor is returned — that is where the member should be.
 */
export function locateJsonPath(text: string, path: readonly PropertyKey[]): TextLocation {
  let i = skipWs(text, 0)
  let found = i
  for (const segment of path) {
    const next = childValueStart(text, i, segment)
    if (next === undefined) break
    i = next
    found = next
  }
  return locationOf(text, found)
}

function childValueStart(text: string, start: number, segment: PropertyKey): number | undefined {
  const open = text[start]
  if (open === '{') {
    let i = skipWs(text, start + 1)
    while (i < text.length && text[i] !== '}') {
      const keyEnd = skipString(text, i)
      const key = JSON.parse(text.slice(i, keyEnd)) as string
      i = skipWs(text, keyEnd)
      i = skipWs(text, i + 1) // ':'
      if (key === String(segment)) return i
      const end = skipWs(text, skipValue(text, i))
      if (end <= i) return undefined // not JSON after all; never spin
      i = text[end] === ',' ? skipWs(text, end + 1) : end
    }
    return undefined
  }
  if (open === '[') {
    if (typeof segment !== 'number') return undefined
    let i = skipWs(text, start + 1)
    let index = 0
    while (i < text.length && text[i] !== ']') {
      if (index === segment) return i
      const end = skipWs(text, skipValue(text, i))
      if (end <= i) return undefined
      i = text[end] === ',' ? skipWs(text, end + 1) : end
      index++
    }
    return undefined
  }
  return undefined
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++
  return i
}

function skipString(text: string, i: number): number {
  // text[i] === '"'
  i++
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i + 1
}

function skipValue(text: string, i: number): number {
  const c = text[i]
  if (c === '"') return skipString(text, i)
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']'
    i = skipWs(text, i + 1)
    while (i < text.length && text[i] !== close) {
      const end = skipWs(text, skipValue(text, i))
      if (end <= i) return text.length
      i = text[end] === ':' || text[end] === ',' ? skipWs(text, end + 1) : end
    }
    return i + 1
  }
  // number, true, false, null
  while (i < text.length && !/[\s,}\]]/.test(text[i])) i++
  return i
}
