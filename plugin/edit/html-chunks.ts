import type { Engine } from './engine.js'
import { buildDoc, type HtmlData, type HtmlDoc } from './html-document.js'
import { q } from './text.js'
import { reject } from './types.js'
import { check, identities } from './html-edit-checks.js'
import { shape } from './html-replacement-shaping.js'
import { listed, locate } from './html-target-locating.js'

/**
 * HTML chunks: an element named by a CSS-like selector (`head`, `body`, `#nav`,
 * `main > section.hero`), located by parse5 source offsets. The chunk is the whole
 * element, start tag to end tag. For `head` and `body` a replacement that does not start
 * with the tag is taken as the element's new content and the original start/end tags are
 * kept (small models often answer with the content only); every other element must come
 * back whole, because "content only" and "a different element" cannot be told apart.
 */

export { maskHtml, type HtmlData, type HtmlDoc } from './html-document.js'

export const htmlEngine: Engine<HtmlDoc, HtmlData> = {
  parse: (_path, source) => ({ ok: true, doc: buildDoc(source) }),
  reparse: (_original, _path, result) => ({ ok: true, doc: buildDoc(result) }),
  locate,
  list: listed,
  shape,
  check,
  identities,
  deletable: (chunk, ctx) =>
    chunk.kind === 'element'
      ? null
      : reject(
          'wrong-kind',
          `${ctx.path}: ${q(ctx.target)} cannot be deleted: a page keeps exactly one <head> and one <body>`,
        ),
}
