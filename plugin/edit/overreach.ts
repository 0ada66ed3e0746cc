import type { ListedChunk } from './engine.js'
import { squash } from './text.js'

/**
 * "Rewrites more than its target": the whole-file rewrite that peer tools are known for,
 * arriving as a chunk edit. Two text-level signals, both independent of the language
 * (the engines add a precise one: a name that would exist twice after the edit):
 *
 * 1. Verbatim copies: the replacement contains another chunk of the file, one that lies
 *    outside the target, word for word (whitespace ignored). A model that repeats its
 *    neighbours would leave them in the file twice. Tiny chunks (< 80 characters once
 *    whitespace is squashed) are ignored: short snippets recur legitimately.
 * 2. The rest of the file: the replacement is much larger than its target (more than
 *    3× plus 400 characters) and reproduces at least half of the distinctive lines that
 *    exist only outside the target. A genuine expansion of one chunk writes new lines; it
 *    does not reproduce the file around it.
 */

/** Chunks squashed to fewer characters than this are too generic to count as copies. */
export const MIN_COPY_CHARS = 80
/** A replacement within this size of its target cannot be a rewrite of the whole file. */
export const SIZE_FACTOR = 3
export const SIZE_SLACK = 400
/** Share of the outside file's distinctive lines that marks a replacement as the whole file. */
export const REST_OF_FILE_SHARE = 0.5

export interface Region {
  start: number
  end: number
}

/** Listed chunks outside `region` that the replacement contains verbatim (outermost only). */
export function copiedChunks(
  replacement: string,
  source: string,
  region: Region,
  listed: readonly ListedChunk[],
): ListedChunk[] {
  const rep = squash(replacement)
  const copies = listed.filter((c) => {
    if (!(c.end <= region.start || c.start >= region.end)) return false
    const text = squash(source.slice(c.start, c.end))
    return text.length >= MIN_COPY_CHARS && rep.includes(text)
  })
  return copies.filter((c) => !copies.some((o) => o !== c && o.start <= c.start && o.end >= c.end))
}

function distinctiveLines(text: string): Set<string> {
  const out = new Set<string>()
  for (const line of text.split('\n')) {
    const t = squash(line)
    if (t.length >= 16 && /[A-Za-z]/.test(t)) out.add(t)
  }
  return out
}

/** Share of the file outside `region` that the replacement reproduces, when it looks like a rewrite; else null. */
export function repeatsRestOfFile(
  replacement: string,
  source: string,
  region: Region,
): { share: number; lines: number } | null {
  if (replacement.length <= SIZE_FACTOR * (region.end - region.start) + SIZE_SLACK) return null
  const own = distinctiveLines(source.slice(region.start, region.end))
  const outside = [...distinctiveLines(source.slice(0, region.start) + '\n' + source.slice(region.end))].filter(
    (l) => !own.has(l),
  )
  if (outside.length < 5) return null
  const rep = distinctiveLines(replacement)
  const lines = outside.filter((l) => rep.has(l)).length
  const share = lines / outside.length
  return share >= REST_OF_FILE_SHARE ? { share, lines } : null
}
