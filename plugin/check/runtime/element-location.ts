/**
 * Where an element the browser reported (an image without alt, a covered button) is written
 * in the page source, so accessibility and layout findings carry a line a person — or the
 * fixer — can jump to. parse5 implements the HTML parsing algorithm the browser uses, so an
 * element present when the page loaded appears in its tree with the same tag and the same
 * attributes; the in-page signature says which of several identical elements it was.
 */
import { parse } from 'parse5'
import type { DefaultTreeAdapterTypes } from 'parse5'

import type { SourcePosition } from './inline-handler-location.js'

type Element = DefaultTreeAdapterTypes.Element
type ParentNode = DefaultTreeAdapterTypes.ParentNode

/** What the page-side helpers record of an element (see `ELEMENT_HELPERS`). */
export interface ElementSignature {
  tag: string
  /** Attributes in DOM order, values as the DOM holds them (entities decoded). */
  attrs: [string, string][]
  /** How many elements with the same tag and attributes come before it in the document. */
  nth: number
}

/**
 * The position of the element's start tag in `html`, or undefined when the source holds no
 * such element (a script created it, or changed its attributes after load).
 */
export function locateElement(html: string, element: ElementSignature): SourcePosition | undefined {
  const wanted = keyOf(element.tag, element.attrs)
  const matches: Element[] = []
  const visit = (node: ParentNode): void => {
    for (const child of node.childNodes) {
      if (!('tagName' in child)) continue
      if (
        keyOf(
          child.tagName,
          child.attrs.map((a) => [a.name, a.value]),
        ) === wanted
      )
        matches.push(child)
      visit(child.tagName === 'template' ? (child as DefaultTreeAdapterTypes.Template).content : child)
    }
  }
  visit(parse(html, { sourceCodeLocationInfo: true }))
  const hit = matches[element.nth] ?? matches[0]
  const at = hit?.sourceCodeLocation
  return at ? { line: at.startLine, column: at.startCol } : undefined
}

function keyOf(tag: string, attrs: [string, string][]): string {
  // Attribute order in the DOM follows the source, but compare as a set: a script may have
  // re-set one, and duplicate attributes are dropped by both parsers alike.
  return `${tag.toLowerCase()}\u0000${attrs
    .map(([n, v]) => `${n.toLowerCase()}=${v}`)
    .sort()
    .join('\u0000')}`
}
