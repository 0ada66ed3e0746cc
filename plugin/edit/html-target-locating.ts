import type { Chunk, EditContext, ListedChunk } from './engine.js'
import { type HtmlData, type HtmlDoc, kindOf, LANDMARKS, lineOf, VOID } from './html-document.js'
import { type IndexedElement, parseSelector, selectAll, uniqueSelector } from './html-selector.js'
import { listSome, nearMisses, q } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Locating an HTML target: the targets a page offers (head, body, elements with ids,
 * children of body/main, landmarks, inline scripts and styles, each under its shortest
 * unique selector) and resolving a selector to exactly one element, with the reasons given
 * to the model when it names nothing, too much, or an element whose end tag is implied.
 */

export function listed(doc: HtmlDoc): ListedChunk[] {
  const picked = new Set<IndexedElement>()
  for (const el of doc.index.all) {
    const loc = el.node.sourceCodeLocation
    if (!loc || el.inTemplate || !(VOID.has(el.tag) || loc.endTag)) continue
    const kind = kindOf(el)
    const parentTag = el.parent?.tag
    if (
      kind !== 'element' ||
      el.id ||
      parentTag === 'body' ||
      parentTag === 'main' ||
      LANDMARKS.has(el.tag) ||
      ((el.tag === 'script' || el.tag === 'style') && !el.attrs.has('src'))
    ) {
      picked.add(el)
    }
  }
  const out: ListedChunk[] = []
  const seen = new Set<string>()
  for (const el of picked) {
    const target = uniqueSelector(doc.index, el)
    if (seen.has(target)) continue
    seen.add(target)
    const loc = el.node.sourceCodeLocation!
    out.push({ target, start: loc.startOffset, end: loc.endOffset, kind: kindOf(el) })
  }
  return out
}

export function locate(doc: HtmlDoc, ctx: EditContext): Chunk<HtmlData> | EditRejection {
  const target = ctx.target.trim()
  if (/^html$/i.test(target) || /^:root$/.test(target)) {
    return reject(
      'invalid-target',
      `${ctx.path}: target ${q(target)} is the whole document; target ${q('head')}, ${q('body')} or an element inside them`,
    )
  }
  const parsed = parseSelector(target)
  if (!parsed.ok) {
    return reject(
      'invalid-target',
      `${ctx.path}: target ${q(target)} is not a selector this editor understands (${parsed.error}). ` +
        `Use ${q('head')}, ${q('body')}, ${q('#id')}, ${q('tag.class')}, ${q('main > section.hero')} or ${q('section:nth-of-type(2)')}`,
    )
  }
  const all = selectAll(doc.index, parsed.selector)
  const matches = all.filter((el) => el.node.sourceCodeLocation)
  if (matches.length === 0) {
    if (all.length > 0) {
      return reject(
        'target-missing',
        `${ctx.path}: the page has no <${all[0].tag}> tag of its own (the parser only implies one), ` +
          `so ${q(target)} cannot be replaced as a chunk; target an element inside it instead`,
      )
    }
    const available = listed(doc).map((c) => c.target)
    const near = nearMisses(target, available)
    const hint = near.length > 0 ? ` Did you mean ${listSome(near, 3)}?` : ''
    return reject(
      'target-missing',
      `${ctx.path}: no element matches ${q(target)}.${hint} Available targets: ${listSome(available, 12)}`,
    )
  }
  if (matches.length > 1) {
    const lines = matches.slice(0, 6).map((el) => lineOf(doc, el))
    const suggestions = matches.slice(0, 3).map((el) => uniqueSelector(doc.index, el))
    return reject(
      'target-ambiguous',
      `${ctx.path}: target ${q(target)} matches ${matches.length} elements (lines ${lines.join(', ')}${matches.length > 6 ? ', …' : ''}); ` +
        `name exactly one with a more specific selector, e.g. ${listSome(suggestions, 3)}`,
    )
  }
  const el = matches[0]
  const loc = el.node.sourceCodeLocation!
  if (!VOID.has(el.tag) && !loc.endTag) {
    const parent = el.parent?.node.sourceCodeLocation ? uniqueSelector(doc.index, el.parent) : 'its parent'
    return reject(
      'invalid-target',
      `${ctx.path}:${lineOf(doc, el)}: the <${el.tag}> matched by ${q(target)} has no closing tag in the source, ` +
        `so where it ends is only implied; target ${q(parent)} instead`,
    )
  }
  return { start: loc.startOffset, end: loc.endOffset, kind: kindOf(el), data: { el } }
}
