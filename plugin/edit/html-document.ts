import { type DefaultTreeAdapterTypes, html, parse } from 'parse5'
import { positionAt } from '../diagnostics/line-index.js'
import { type ElementIndex, type IndexedElement, indexElements } from './html-selector.js'

/**
 * The parsed HTML document every step of an HTML edit reads: parse5's tree indexed for
 * selectors, the tokenizer errors, comment ranges, element starts and end-tag starts, plus
 * the tag tables (void, optional end tag, raw text, landmarks) and small facts about an
 * element (its line, chunk kind, whether it sits in the head). Kept apart so locating,
 * shaping and checking share one document without depending on each other.
 */

export type ParentNode = DefaultTreeAdapterTypes.ParentNode

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

export const VOID = new Set([
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
export const OPTIONAL_END = new Set([
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
export const RAW_TEXT = new Set([
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
export const TOLERATED_ERRORS = new Set([
  'missing-semicolon-after-character-reference',
  'unknown-named-character-reference',
])
export const LANDMARKS = new Set(['header', 'nav', 'main', 'footer', 'aside', 'section', 'article', 'form', 'dialog'])
export const HTML_NS = html.NS.HTML

export function buildDoc(source: string): HtmlDoc {
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

export function lineOf(doc: HtmlDoc, el: IndexedElement): number {
  return positionAt(doc.source, el.node.sourceCodeLocation!.startOffset).line
}

export function kindOf(el: IndexedElement): string {
  return (el.tag === 'head' || el.tag === 'body') && el.parent?.tag === 'html' ? el.tag : 'element'
}

export function insideHead(el: IndexedElement): boolean {
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
