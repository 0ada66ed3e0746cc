import { html, parse, type DefaultTreeAdapterTypes } from 'parse5'
import { positionAt } from '../diagnostics/line-index.js'

import type { Chunk, EditContext, Engine, Landed, ListedChunk } from './engine.js'
import {
  indexElements,
  parseSelector,
  selectAll,
  uniqueSelector,
  type ElementIndex,
  type IndexedElement,
} from './html-selector.js'
import { fitIndentation } from './reindent.js'
import { parseCssText } from '../analysis/css-sheet.js'
import { parseJs, scriptMode } from './syntax.js'
import { indentBefore, listSome, locatedAt, nearMisses, q, squash } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * HTML chunks: an element named by a CSS-like selector (`head`, `body`, `#nav`,
 * `main > section.hero`), located by parse5 source offsets. The chunk is the whole
 * element, start tag to end tag. For `head` and `body` a replacement that does not start
 * with the tag is taken as the element's new content and the original start/end tags are
 * kept (small models often answer with the content only); every other element must come
 * back whole, because "content only" and "a different element" cannot be told apart.
 */

type ParentNode = DefaultTreeAdapterTypes.ParentNode

export interface HtmlDoc {
  source: string
  /** Tokenizer errors (parse5 `onParseError`): broken tags, attributes, character references. */
  errors: Array<{ code: string; offset: number }>
  index: ElementIndex
  /** [start, end) of comments, for the stray-tag scan. */
  comments: Array<[number, number]>
  byStart: Map<number, IndexedElement>
  endTagStarts: Set<number>
}

export interface HtmlData {
  el: IndexedElement
}

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'param',
  'keygen',
  'basefont',
  'bgsound',
  'frame',
])
/** Elements whose end tag HTML lets authors omit: a missing one is not damage. */
const OPTIONAL_END = new Set([
  'html',
  'head',
  'body',
  'li',
  'dt',
  'dd',
  'p',
  'rt',
  'rp',
  'rb',
  'rtc',
  'optgroup',
  'option',
  'colgroup',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
])
/** Elements whose content is text to the tokenizer: a `<` inside is not a tag. */
const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
])
/** Tokenizer complaints browsers shrug off and hand-written pages are full of (`&copy` without `;`). */
const TOLERATED_ERRORS = new Set(['missing-semicolon-after-character-reference', 'unknown-named-character-reference'])
const LANDMARKS = new Set(['header', 'nav', 'main', 'footer', 'aside', 'section', 'article', 'form', 'dialog'])
const HTML_NS = html.NS.HTML

function buildDoc(source: string): HtmlDoc {
  const errors: HtmlDoc['errors'] = []
  const root = parse(source, {
    sourceCodeLocationInfo: true,
    onParseError: (e) => errors.push({ code: e.code, offset: e.startOffset }),
  })
  const index = indexElements(root)
  const comments: Array<[number, number]> = []
  const walk = (node: ParentNode): void => {
    for (const child of node.childNodes) {
      if (child.nodeName === '#comment' && child.sourceCodeLocation)
        comments.push([child.sourceCodeLocation.startOffset, child.sourceCodeLocation.endOffset])
      if ('childNodes' in child) walk(child)
      if ('content' in child) walk(child.content)
    }
  }
  walk(root)
  const byStart = new Map<number, IndexedElement>()
  const endTagStarts = new Set<number>()
  for (const el of index.all) {
    const loc = el.node.sourceCodeLocation
    if (!loc) continue
    byStart.set(loc.startOffset, el)
    if (loc.endTag) endTagStarts.add(loc.endTag.startOffset)
  }
  return { source, errors, index, comments, byStart, endTagStarts }
}

function lineOf(doc: HtmlDoc, el: IndexedElement): number {
  return positionAt(doc.source, el.node.sourceCodeLocation!.startOffset).line
}

function kindOf(el: IndexedElement): string {
  return (el.tag === 'head' || el.tag === 'body') && el.parent?.tag === 'html' ? el.tag : 'element'
}

function insideHead(el: IndexedElement): boolean {
  for (let p: IndexedElement | null = el; p; p = p.parent) if (p.tag === 'head') return true
  return false
}

/** Blank out comments and raw-text element bodies (same length) so tag scans only see markup. */
export function maskHtml(text: string): string {
  return text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, (m) => ' '.repeat(m.length))
    .replace(
      /(<(script|style|textarea|title|xmp|noscript)\b[^>]*>)([\s\S]*?)(<\/\2\s*>|$)/gi,
      (_m, open: string, _t, body: string, close: string) => open + body.replace(/[^\n]/g, ' ') + close,
    )
}

function listed(doc: HtmlDoc): ListedChunk[] {
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

function locate(doc: HtmlDoc, ctx: EditContext): Chunk<HtmlData> | EditRejection {
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

const STRUCTURE = /<(\/?)(!doctype|html|head|body)(?=[\s/>])/gi

function shape(
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

/** Half-open ranges that hide markup-looking text: comments, start tags (attribute values), raw-text bodies. */
function maskRanges(doc: HtmlDoc, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = doc.comments.filter(([s, e]) => e > from && s < to)
  for (const el of doc.index.all) {
    const loc = el.node.sourceCodeLocation
    if (!loc || loc.endOffset <= from || loc.startOffset >= to) continue
    if (loc.startTag) out.push([loc.startTag.startOffset + 1, loc.startTag.endOffset])
    if (RAW_TEXT.has(el.tag) && loc.startTag)
      out.push([loc.startTag.endOffset, loc.endTag ? loc.endTag.startOffset : loc.endOffset])
  }
  return out
}

interface InlineProblem {
  offset: number
  message: string
  content: string
}

/** Inline scripts and styles inside [from, to) that do not parse. */
function inlineProblems(doc: HtmlDoc, from: number, to: number): InlineProblem[] {
  const out: InlineProblem[] = []
  for (const el of doc.index.all) {
    const loc = el.node.sourceCodeLocation
    if (!loc || loc.startOffset < from || loc.endOffset > to || !loc.startTag || !loc.endTag) continue
    if (el.node.namespaceURI !== HTML_NS) continue
    const start = loc.startTag.endOffset
    const content = doc.source.slice(start, loc.endTag.startOffset)
    if (el.tag === 'script' && !el.attrs.has('src')) {
      const mode = scriptMode(el.attrs.get('type'))
      if (!mode) continue
      const r = parseJs(content, mode)
      if (!r.ok)
        out.push({
          offset: start + r.problem.offset,
          message: `inline ${mode === 'module' ? 'module ' : ''}script: ${r.problem.message}`,
          content,
        })
    } else if (el.tag === 'style') {
      const r = parseCssText(content)
      if (!r.ok) out.push({ offset: start + r.problem.offset, message: `inline style: ${r.problem.message}`, content })
    }
  }
  return out
}

function describeTag(text: string, at: number): string {
  return /^<\/?[^\s>]*/.exec(text.slice(at))![0] + '>'
}

function check(original: HtmlDoc, edited: HtmlDoc, landed: Landed<HtmlData>[], path: string): EditRejection | null {
  const src = edited.source
  for (const l of landed) {
    const label = landed.length > 1 ? `edit ${l.ordinal} (${q(l.target)})` : `the replacement for ${q(l.target)}`
    const fail = (
      offset: number,
      message: string,
      code: 'does-not-parse' | 'head-duplication' = 'does-not-parse',
    ): EditRejection => {
      const at = locatedAt(path, src, offset)
      return reject(code, `${at.where}: after applying ${label}, ${message}\n${at.frame}`)
    }
    const tag = l.chunk.data.el.tag
    const inRegion = (el: IndexedElement): boolean => {
      const loc = el.node.sourceCodeLocation
      return !!loc && loc.startOffset >= l.start && loc.startOffset < l.end
    }
    const regionEls = edited.index.all.filter(inRegion)

    // Markup the tokenizer had to repair (a broken attribute, an unterminated tag) is damage
    // the browser hides; only errors the original chunk did not already have count.
    const known = new Set(
      original.errors.filter((e) => e.offset >= l.chunk.start && e.offset < l.chunk.end).map((e) => e.code),
    )
    const broken = edited.errors.find(
      (e) => e.offset >= l.start && e.offset < l.end && !known.has(e.code) && !TOLERATED_ERRORS.has(e.code),
    )
    if (broken) return fail(broken.offset, `the HTML tokenizer reports ${q(broken.code)} here`)

    // Every element opened inside the replacement must be closed inside it.
    for (const el of regionEls) {
      const loc = el.node.sourceCodeLocation!
      if (!VOID.has(el.tag) && !loc.endTag && !OPTIONAL_END.has(el.tag) && el.node.namespaceURI === HTML_NS) {
        return fail(loc.startOffset, `<${el.tag}> is never closed (missing </${el.tag}>)`)
      }
    }
    // Every tag written in the replacement must have become an element start or end: the
    // parser silently drops a misplaced <head>/<html>/<body> or a stray </div>.
    const masks = maskRanges(edited, l.start, l.end)
    const masked = (p: number): boolean => masks.some(([s, e]) => p >= s && p < e)
    const tagRe = /<\/?[a-zA-Z!]/g
    tagRe.lastIndex = l.start
    for (let m = tagRe.exec(src); m && m.index < l.end; m = tagRe.exec(src)) {
      const p = m.index
      if (edited.byStart.has(p) || edited.endTagStarts.has(p) || masked(p)) continue
      if (src.startsWith('<!--', p)) continue
      const t = describeTag(src, p)
      if (/^<\/?(head|html|body|!doctype)\b/i.test(t))
        return fail(
          p,
          `${t} is misplaced and would be dropped by the browser: the edit must not repeat the document structure`,
          'head-duplication',
        )
      return fail(
        p,
        m[0].startsWith('</')
          ? `${t} does not close any open element (unbalanced tags)`
          : `${t} is dropped by the parser here (it cannot appear at this position)`,
      )
    }
    const el = edited.byStart.get(l.start)
    if (!el || el.tag !== tag)
      return fail(l.start, `the text at the start of the replacement does not form a <${tag}> element`)
    const loc = el.node.sourceCodeLocation!
    const end = VOID.has(tag) ? loc.endOffset : loc.endTag?.endOffset
    if (end !== l.end) {
      return fail(
        Math.min(end ?? l.end, l.end),
        end !== undefined && end < l.end
          ? `the <${tag}> element closes before the replacement ends; the rest would land outside it`
          : `the <${tag}> element does not end where the replacement ends (unbalanced tags)`,
      )
    }

    // A body-side chunk must not carry head-only content or reload what <head> already loads.
    if (!insideHead(l.chunk.data.el)) {
      const headLoads = new Set<string>()
      const inlineText = (x: IndexedElement): string => {
        const loc = x.node.sourceCodeLocation
        return loc?.startTag && loc.endTag ? squash(src.slice(loc.startTag.endOffset, loc.endTag.startOffset)) : ''
      }
      for (const h of edited.index.all) {
        if (inRegion(h) || !h.parent || !insideHead(h)) continue
        if (h.tag === 'link' && h.attrs.get('href')) headLoads.add(`link ${h.attrs.get('href')}`)
        if (h.tag === 'script' && h.attrs.get('src')) headLoads.add(`script ${h.attrs.get('src')}`)
        if ((h.tag === 'style' || (h.tag === 'script' && !h.attrs.has('src'))) && inlineText(h))
          headLoads.add(`${h.tag} inline ${inlineText(h)}`)
      }
      for (const r of regionEls) {
        if (r.node.namespaceURI !== HTML_NS) continue
        const at = r.node.sourceCodeLocation!.startOffset
        const headOnly =
          r.tag === 'title' ||
          r.tag === 'base' ||
          (r.tag === 'meta' &&
            (r.attrs.has('charset') ||
              r.attrs.has('http-equiv') ||
              ['viewport', 'description'].includes(r.attrs.get('name') ?? '')))
        if (headOnly)
          return fail(
            at,
            `<${r.tag}> belongs in <head>, not in the body: the edit must not repeat head content`,
            'head-duplication',
          )
        const key =
          r.tag === 'link' ? `link ${r.attrs.get('href')}` : r.tag === 'script' ? `script ${r.attrs.get('src')}` : ''
        if (key && headLoads.has(key))
          return fail(
            at,
            `<${r.tag}> loads ${q(key.slice(key.indexOf(' ') + 1))} again, which <head> already loads: the edit must not repeat head content`,
            'head-duplication',
          )
        if (
          (r.tag === 'style' || (r.tag === 'script' && !r.attrs.has('src'))) &&
          headLoads.has(`${r.tag} inline ${inlineText(r)}`)
        ) {
          return fail(
            at,
            `this inline <${r.tag}> is a copy of one in <head>: the edit must not repeat head content`,
            'head-duplication',
          )
        }
      }
    }

    // Inline scripts/styles written by the edit must parse; ones that were already broken are not the edit's fault.
    const before = new Set(inlineProblems(original, l.chunk.start, l.chunk.end).map((p) => p.content))
    const bad = inlineProblems(edited, l.start, l.end).find((p) => !before.has(p.content))
    if (bad) return fail(bad.offset, `the ${bad.message}`)
  }
  return null
}

function identities(doc: HtmlDoc): Map<string, number[]> {
  const ids = new Map<string, number[]>()
  for (const el of doc.index.all) {
    const loc = el.node.sourceCodeLocation
    if (!el.id || !loc) continue
    const key = `id="${el.id}"`
    ids.set(key, [...(ids.get(key) ?? []), loc.startOffset])
  }
  return ids
}

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
