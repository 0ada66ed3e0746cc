import type * as acorn from 'acorn'

import type { Engine } from './engine.js'
import { collect, type JsData, type JsDoc } from './js-chunk-listing.js'
import { check, identities } from './js-edit-checks.js'
import { shape } from './js-replacement-shaping.js'
import { list, locate } from './js-target-locating.js'
import { parseJs, parseJsAnyMode, type JsMode } from './syntax.js'
import { locatedAt } from './text.js'
import { reject } from './types.js'

/**
 * JS chunks, located by acorn node ranges. Target syntax:
 * - a declared name: `init`, `renderCards`, `App`, `state` — top-level first; when no
 *   top-level declaration has the name, a function/class (or `const f = () => …`) declared
 *   inside another function that is the only one with that name (code wrapped in an IIFE
 *   or a `DOMContentLoaded` handler stays editable);
 * - with a keyword to narrow it: `function init`, `class App`, `const state`, `export init`;
 * - `export default` (or `default`);
 * - a member: `App.render` (class method/field), `app.save` (a function-valued property
 *   of a top-level object literal), `window.app` (a top-level `window.app = …` statement);
 * - a top-level call statement by callee and first string argument:
 *   `document.addEventListener('DOMContentLoaded')`, `init()`.
 * A declaration's chunk is the whole statement, `export` included, so the replacement is
 * written the way `locateChunk().text` shows it. The name of a declaration is its
 * interface (HTML handlers and other modules call it), so a replacement must keep it.
 */

export type { JsChunk, JsData, JsDoc } from './js-chunk-listing.js'

function parseDoc(source: string, program: acorn.Program, mode: JsMode): JsDoc {
  return { source, program, mode, chunks: collect(program) }
}

export const jsEngine: Engine<JsDoc, JsData> = {
  parse: (path, source) => {
    const r = parseJsAnyMode(source)
    if (r.ok) return { ok: true, doc: parseDoc(source, r.program, r.mode) }
    const at = locatedAt(path, source, r.problem.offset)
    return reject(
      'unparsable-source',
      `${at.where}: the script does not parse (${r.problem.message}), so its chunks cannot be located; fix the syntax error first\n${at.frame}`,
    )
  },
  reparse: (original, path, result) => {
    const r = parseJs(result, original.mode)
    if (r.ok) return { ok: true, doc: parseDoc(result, r.program, original.mode) }
    const at = locatedAt(path, result, r.problem.offset)
    return reject(
      'does-not-parse',
      `${at.where}: after the edit the script does not parse as a ${original.mode === 'module' ? 'module' : 'classic script'}: ${r.problem.message}\n${at.frame}`,
    )
  },
  locate,
  list,
  shape,
  check,
  identities,
  deletable: () => null,
  commaSeparated: (chunk) => chunk.data.declarator || chunk.data.owner?.type === 'object',
}
