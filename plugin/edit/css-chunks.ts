import type { Engine } from './engine.js'
import type { CssData, CssDoc } from './css-node-identity.js'
import { list, locate } from './css-target-locating.js'
import { shape } from './css-replacement-shaping.js'
import { check, identities } from './css-edit-checks.js'
import { parseCssText } from '../analysis/css-sheet.js'
import { locatedAt } from './text.js'
import { reject } from './types.js'

/**
 * CSS chunks, located by postcss node offsets. Target syntax:
 * - a rule by its selector: `.card`, `.card:hover`, `:root`, `h1, h2`;
 * - an at-rule by name and prelude: `@media (max-width: 600px)`, `@keyframes fade`,
 *   `@font-face` (the prelude may be left out when only one at-rule has that name);
 * - a nested chunk as a path written like CSS: `@media (max-width: 600px) { .card }`;
 * - a declaration as the last path step: `.card { color }`;
 * - ` #N` after a step picks the Nth of several identical ones (`@font-face #2`) —
 *   `#2` can never be part of a real selector, so it cannot be misread.
 * An unqualified selector names the top-level rule; when no top-level rule has it, a
 * nested rule that is the only one with it is accepted too. Whitespace is not significant.
 */

export { normSelector, type CssData, type CssDoc } from './css-node-identity.js'

export const cssEngine: Engine<CssDoc, CssData> = {
  parse: (path, source) => {
    const r = parseCssText(source)
    if (r.ok) return { ok: true, doc: { source, root: r.root, ids: new Map() } }
    const at = locatedAt(path, source, r.problem.offset)
    return reject(
      'unparsable-source',
      `${at.where}: the stylesheet does not parse (${r.problem.message}), so its chunks cannot be located; fix the syntax error first\n${at.frame}`,
    )
  },
  reparse: (_original, path, result) => {
    const r = parseCssText(result)
    if (r.ok) return { ok: true, doc: { source: result, root: r.root, ids: new Map() } }
    const at = locatedAt(path, result, r.problem.offset)
    return reject(
      'does-not-parse',
      `${at.where}: after the edit the stylesheet does not parse: ${r.problem.message}\n${at.frame}`,
    )
  },
  locate,
  list,
  shape,
  check,
  identities,
  deletable: () => null,
}
