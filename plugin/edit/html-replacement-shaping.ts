import { positionAt } from '../diagnostics/line-index.js'
import type { Chunk, EditContext } from './engine.js'
import { type HtmlData, type HtmlDoc, maskHtml, VOID } from './html-document.js'
import { fitIndentation } from './reindent.js'
import { indentBefore, q } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Shaping an HTML replacement before it is spliced: the seed-case guard against a second
 * head, html or doctype (and head-only elements in the body), content-only answers for
 * head and body wrapped in the original tags, the same-tag rule for every other element,
 * and reindenting to the region.
 */

const STRUCTURE = /<(\/?)(!doctype|html|head|body)(?=[\s/>])/gi

export function shape(
  doc: HtmlDoc,
  chunk: Chunk<HtmlData>,
  replacement: string,
  ctx: EditContext,
): { ok: true; text: string } | EditRejection {
  const el = chunk.data.el
  const tag = el.tag
  const landmark = chunk.kind === 'head' || chunk.kind === 'body' ? tag : null
  const masked = maskHtml(replacement)
  const full = new RegExp(`^<${tag}(?=[\\s/>])`, 'i').test(replacement)

  // The seed case: a body update must never bring a second head, html or doctype along.
  for (const m of masked.matchAll(STRUCTURE)) {
    const name = m[2].toLowerCase()
    const closing = m[1] === '/'
    const own =
      name === landmark &&
      full &&
      (closing ? new RegExp(`^</${name}\\s*>\\s*$`, 'i').test(masked.slice(m.index)) : m.index === 0)
    if (own) continue
    const line = positionAt(replacement, m.index).line
    const what = `<${closing ? '/' : ''}${name === '!doctype' ? '!DOCTYPE' : name}>`
    const expected = landmark ? `the <${tag}> element (or just its content)` : `only the <${tag}> element`
    return reject(
      'head-duplication',
      `${ctx.path}: the replacement for ${q(ctx.target)} contains ${what} (line ${line} of the replacement); ` +
        `${tag === 'head' ? 'a head update must not include the body or the document around it' : 'an update inside the page must not repeat the <head>, <html>, <!DOCTYPE> or a second <body>'}. Send ${expected}, nothing around it`,
    )
  }

  const source = doc.source
  const loc = el.node.sourceCodeLocation!
  if (!full) {
    if (!landmark) {
      const start = replacement.slice(0, 40).replace(/\s+/g, ' ')
      const comment = replacement.startsWith('<!--')
        ? ' (a comment outside the element stays where it is; do not send one)'
        : ''
      return reject(
        'wrong-kind',
        `${ctx.path}: the replacement for ${q(ctx.target)} must be the whole <${tag}> element, from <${tag} …> to </${tag}>; it starts with ${q(start)}${comment}`,
      )
    }
    // Content-only answer for head/body: keep the original tags and the whitespace around the content.
    const startTagEnd = loc.startTag!.endOffset
    const endTagStart = loc.endTag!.startOffset
    const inner = source.slice(startTagEnd, endTagStart)
    const lead = /^\s*/.exec(inner)![0]
    const trail = inner.trim() === '' ? '' : /\s*$/.exec(inner)![0]
    const indent = lead.includes('\n') ? lead.slice(lead.lastIndexOf('\n') + 1) : null
    return {
      ok: true,
      text:
        source.slice(chunk.start, startTagEnd) +
        lead +
        fitIndentation(replacement, indent) +
        trail +
        source.slice(endTagStart, chunk.end),
    }
  }
  if (!VOID.has(tag) && !new RegExp(`</${tag}\\s*>$`, 'i').test(masked.trimEnd())) {
    return reject(
      'wrong-kind',
      `${ctx.path}: the replacement for ${q(ctx.target)} must end with </${tag}> (one whole <${tag}> element); is it cut off, or followed by other markup?`,
    )
  }
  return { ok: true, text: fitIndentation(replacement, indentBefore(source, chunk.start)) }
}
