/**
 * Chromium compiles an inline handler (`onclick="saveItem()"`) as a function whose source
 * position is the end of the element's start tag, not the attribute: the handler's first
 * line is reported on the line of the tag's `>` with the column shifted past it, later
 * lines keep their own column. This maps such a stack position back to the attribute text,
 * so `onclick="saveItem()"` is reported where `saveItem` is written.
 */
import { parse } from 'parse5'
import type { Position } from '../../diagnostics/line-index.js'
import type { DefaultTreeAdapterTypes } from 'parse5'

type Element = DefaultTreeAdapterTypes.Element
type ParentNode = DefaultTreeAdapterTypes.ParentNode

/** 1-based line and column: the line index's `Position` (#11, one of each idea). */
export type SourcePosition = Position

/** `HTMLButtonElement.onclick` → `click`; `onload` → `load`; anything else → undefined. */
export function inlineHandlerEvent(fn: string | undefined): string | undefined {
  if (!fn) return undefined
  const m = /^(?:[A-Za-z]+\.)?on([a-z]+)$/.exec(fn)
  return m?.[1]
}

/**
 * The position in `html` that Chromium's stack position `at` inside an inline `on<event>`
 * handler refers to, or undefined when no `on<event>` attribute explains it (the caller
 * then keeps Chromium's position: it is still the right line in most pages).
 */
export function locateInlineHandler(html: string, event: string, at: SourcePosition): SourcePosition | undefined {
  const attrName = `on${event}`
  const handlers: Array<{ el: Element; endLine: number; endCol: number; endOffset: number }> = []
  collect(parse(html, { sourceCodeLocationInfo: true }), (el) => {
    const loc = el.sourceCodeLocation
    const tag = loc?.startTag
    if (!tag || !loc.attrs?.[attrName]) return
    if (tag.endLine < at.line || (tag.endLine === at.line && tag.endCol <= at.column)) {
      handlers.push({ el, endLine: tag.endLine, endCol: tag.endCol, endOffset: tag.endOffset })
    }
  })
  // The nearest start tag before the position is the likeliest; an earlier one only when
  // the nearer handler is too short to contain the position.
  handlers.sort((a, b) => b.endOffset - a.endOffset)
  for (const h of handlers) {
    const bodyLine = at.line - h.endLine + 1
    const bodyCol = bodyLine === 1 ? at.column - h.endCol + 1 : at.column
    const value = attributeValue(html, h.el, attrName)
    if (!value) continue
    const lines = value.text.split(/\r\n|\r|\n/)
    const text = lines[bodyLine - 1]
    if (text === undefined || bodyCol < 1 || bodyCol > text.length + 1) continue
    return bodyLine === 1
      ? { line: value.line, column: value.column + bodyCol - 1 }
      : { line: value.line + bodyLine - 1, column: bodyCol }
  }
  return undefined
}

function collect(node: ParentNode, visit: (el: Element) => void): void {
  for (const child of node.childNodes) {
    if ('tagName' in child) {
      visit(child)
      // <template> children live in a separate fragment.
      if (child.tagName === 'template' && 'content' in child) collect(child.content, visit)
    }
    if ('childNodes' in child) collect(child, visit)
  }
}

/** Raw (undecoded) text of an attribute value and where it starts in the source. */
function attributeValue(
  html: string,
  el: Element,
  name: string,
): { text: string; line: number; column: number } | undefined {
  const loc = el.sourceCodeLocation?.attrs?.[name]
  if (!loc) return undefined
  const eq = html.indexOf('=', loc.startOffset)
  if (eq < 0 || eq >= loc.endOffset) return undefined
  let start = eq + 1
  while (start < loc.endOffset && /\s/.test(html[start])) start++
  const quoted = html[start] === '"' || html[start] === "'"
  if (quoted) start++
  const end = quoted ? loc.endOffset - 1 : loc.endOffset
  const before = html.slice(loc.startOffset, start)
  const newlines = before.split(/\r\n|\r|\n/)
  const line = loc.startLine + newlines.length - 1
  const column = newlines.length === 1 ? loc.startCol + before.length : newlines[newlines.length - 1].length + 1
  return { text: html.slice(start, end), line, column }
}
