/**
 * Where a file refers to a URL. The browser tells us which file requested a missing
 * resource (the Referer) but not where in it; finding the reference text gives the
 * failed-request finding a line a person (or the fixer) can jump to.
 */
import { posix } from 'node:path'
import { positionAt } from '../../diagnostics/line-index.js'

import type { SourcePosition } from './inline-handler-location.js'

/**
 * First position in `source` (the text of `referrer`, a site-relative path) where the
 * site path `target` is written — as a path relative to the referrer, `./`-relative or
 * root-absolute, plain or percent-encoded. Undefined when it is not written literally
 * (built by a script, say).
 */
export function locateReference(source: string, referrer: string, target: string): SourcePosition | undefined {
  const fromDir = posix.relative(posix.dirname(referrer), target) || posix.basename(target)
  const spellings = [fromDir, `./${fromDir}`, `/${target}`]
  const tried = new Set<string>()
  let best: number | undefined
  for (const plain of spellings) {
    for (const spelling of [plain, encodeURI(plain)]) {
      if (tried.has(spelling)) continue
      tried.add(spelling)
      const at = indexAtBoundary(source, spelling)
      if (at !== undefined && (best === undefined || at < best)) best = at
    }
  }
  return best === undefined ? undefined : positionAt(source, best)
}

/** Index of `needle` not glued to a preceding path/name character (so `css/a.css` ≠ `mycss/a.css`). */
function indexAtBoundary(source: string, needle: string): number | undefined {
  for (let i = source.indexOf(needle); i >= 0; i = source.indexOf(needle, i + 1)) {
    const before = i === 0 ? '' : source[i - 1]
    const after = source[i + needle.length] ?? ''
    if (!/[\w.\-/%]/.test(before) && !/[\w.\-/%]/.test(after)) return i
  }
  return undefined
}
