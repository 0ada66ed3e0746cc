import MagicString from 'magic-string'
import { parse, type DefaultTreeAdapterMap } from 'parse5'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

/**
 * Vite bundles only `type="module"` scripts; a classic `<script src>` is left in the HTML
 * with a warning and its file never reaches `dist/`, so the built page breaks (brief:
 * "check dist/, not just the source"). Sitesmith's pages use classic scripts on purpose
 * (inline handlers need globals), so the build marks them `vite-ignore` (Vite then leaves
 * the tag alone and drops the attribute) and emits each file as an asset at the same
 * path, where the unchanged `src` still points.
 */
export interface ClassicScript {
  /** The `src` as written. */
  src: string
}

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i

export function markClassicScripts(html: string): { html: string; scripts: ClassicScript[] } {
  const doc = parse(html, { sourceCodeLocationInfo: true })
  const s = new MagicString(html)
  const scripts: ClassicScript[] = []
  walk(doc, (el) => {
    if (el.tagName !== 'script') return
    const attrs = new Map(el.attrs.map((a) => [a.name.toLowerCase(), a.value]))
    const src = attrs.get('src')
    if (!src || EXTERNAL.test(src) || attrs.has('vite-ignore')) return
    const type = (attrs.get('type') ?? '').trim().toLowerCase()
    if (type === 'module' || (type !== '' && type !== 'text/javascript' && type !== 'application/javascript')) return
    const loc = el.sourceCodeLocation?.startTag
    if (!loc) return
    // Insert before the closing `>` (or `/>`) of the start tag.
    const end = html[loc.endOffset - 2] === '/' ? loc.endOffset - 2 : loc.endOffset - 1
    s.appendLeft(end, ' vite-ignore')
    scripts.push({ src })
  })
  return { html: scripts.length ? s.toString() : html, scripts }
}

/** Resolve a script `src` from a page to a site-relative path (`blog/a.html` + `../js/x.js` → `js/x.js`). */
export function resolveFromPage(pagePath: string, src: string): string | null {
  const clean = src.split(/[?#]/)[0]
  if (!clean) return null
  const base = clean.startsWith('/') ? [] : pagePath.split('/').slice(0, -1)
  const parts = [...base]
  for (const seg of clean.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (parts.length === 0) return null
      parts.pop()
    } else parts.push(decodeURIComponent(seg))
  }
  return parts.length ? parts.join('/') : null
}

function walk(node: Node, visit: (el: Element) => void): void {
  if ('tagName' in node) visit(node as Element)
  const children = 'childNodes' in node ? (node.childNodes as Node[]) : []
  for (const c of children) walk(c, visit)
  if ('content' in node && node.content) walk(node.content as unknown as Node, visit)
}
