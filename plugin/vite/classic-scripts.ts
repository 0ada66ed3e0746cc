import MagicString from 'magic-string'
import { scriptKindOfType } from '../analysis/html-page.js'
import { decodeUrlPath } from '../site-files/site-file-policy.js'

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
  // A tokenizer-level scan rather than a full parse: this runs for every page of every
  // build, and a no-op rebuild must cost about what a plain `vite build` costs (issue 4).
  // Comments and the contents of raw-text elements are skipped as the HTML tokenizer skips
  // them; test/unit/vite/classic-scripts.test.ts checks it against parse5 on real pages.
  const s = new MagicString(html)
  const scripts: ClassicScript[] = []
  for (const m of html.matchAll(TOKENS)) {
    if (m[1] === undefined) continue // a comment or another raw-text element
    const attrs = parseAttributes(m[1])
    const src = attrs.get('src')
    if (!src || EXTERNAL.test(src) || attrs.has('vite-ignore')) continue
    if (scriptKindOfType(attrs.get('type')) !== 'classic') continue
    const startTagEnd = m.index + '<script'.length + m[1].length // the offset of `>`
    s.appendLeft(
      m[1].trimEnd().endsWith('/') ? startTagEnd - (m[1].length - m[1].trimEnd().length) - 1 : startTagEnd,
      ' vite-ignore',
    )
    scripts.push({ src })
  }
  return { html: scripts.length ? s.toString() : html, scripts }
}

/**
 * Comments, then `<script …>…</script>` (group 1: its attributes), then the other raw-text
 * elements whose content is not markup. Attribute values may contain `>` inside quotes.
 */
const RAW_TEXT = '(?:style|textarea|title|xmp|noscript|iframe|noembed|noframes|plaintext)'
const TOKENS = new RegExp(
  [
    String.raw`<!--[\s\S]*?(?:-->|$)`,
    String.raw`<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>[\s\S]*?(?:<\/script\s*>|$)`,
    String.raw`<${RAW_TEXT}\b[^>]*>[\s\S]*?(?:<\/${RAW_TEXT}\s*>|$)`,
  ].join('|'),
  'gi',
)

const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g

function parseAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const a of text.matchAll(ATTRIBUTE)) {
    const name = a[1].toLowerCase()
    if (!out.has(name)) out.set(name, decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''))
  }
  return out
}

function decodeEntities(v: string): string {
  return v.replace(/&(amp|quot|apos|lt|gt|#\d+|#x[0-9a-f]+);/gi, (e, name: string) => {
    const n = name.toLowerCase()
    if (n === 'amp') return '&'
    if (n === 'quot') return '"'
    if (n === 'apos') return "'"
    if (n === 'lt') return '<'
    if (n === 'gt') return '>'
    return String.fromCodePoint(n.startsWith('#x') ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10))
  })
}

/**
 * Resolve a script `src` from a page to a site-relative path (`blog/a.html` + `../js/x.js` →
 * `js/x.js`). The src is decoded BEFORE `..` is judged (issue #10: `js/%2e%2e/.env` once
 * passed the check and decoded to `.env` afterwards); one that leaves the site or does not
 * decode cleanly resolves to null. Whether the result may be published is the site-file
 * policy's call, not this function's.
 */
export function resolveFromPage(pagePath: string, src: string): string | null {
  const decoded = decodeUrlPath(src.split(/[?#]/)[0])
  if (!decoded) return null
  const base = decoded.startsWith('/') ? [] : pagePath.split('/').slice(0, -1)
  const parts = [...base]
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (parts.length === 0) return null
      parts.pop()
    } else parts.push(seg)
  }
  return parts.length ? parts.join('/') : null
}
