import { locateChunk } from './index.js'

/**
 * The guarantee a person's file gets (issue 17): after a chunk edit, every byte outside the
 * edited chunks is what it was. The edit engine already splices only the located regions;
 * this re-checks the finished bytes independently of how they were produced, so no later
 * change to a caller can widen an edit of a person's file unnoticed.
 *
 * `targets` are located in `before`; nested targets fold into their outer one. Returns null
 * when `after` is `before` with only those regions replaced, else the reason.
 */
export function outsideChunksKept(
  path: string,
  before: string,
  after: string,
  targets: readonly string[],
): string | null {
  if (targets.length === 0) return `${path}: no chunk was named for the edit`
  const spans: { start: number; end: number }[] = []
  for (const t of new Set(targets)) {
    const c = locateChunk(path, before, t)
    if (!c.ok) return `${path}: chunk "${t}" cannot be located in the current file: ${c.reason}`
    spans.push({ start: c.start, end: c.end })
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: { start: number; end: number }[] = []
  for (const s of spans) {
    const last = merged[merged.length - 1]
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end)
    else merged.push({ ...s })
  }
  // The kept gaps between chunks, in order; `after` must contain them in order, the first
  // as its prefix and the last as its suffix. Leftmost matching decides existence.
  const gaps: string[] = []
  let at = 0
  for (const s of merged) {
    gaps.push(before.slice(at, s.start))
    at = s.end
  }
  gaps.push(before.slice(at))
  const first = gaps[0]
  const last = gaps[gaps.length - 1]
  if (!after.startsWith(first)) return `${path}: the bytes before the first edited chunk changed`
  let pos = first.length
  for (const gap of gaps.slice(1, -1)) {
    const found = after.indexOf(gap, pos)
    if (found < 0) return `${path}: the bytes between edited chunks changed`
    pos = found + gap.length
  }
  if (after.length - last.length < pos || !after.endsWith(last))
    return `${path}: the bytes after the last edited chunk changed`
  return null
}
