/**
 * The in-page half of the layout check (issue #18): one expression evaluated in a loaded
 * page at one viewport width, returning what a person would see as broken — the page
 * scrolling sideways, a control covered by another element at its centre, a tap target
 * below 24×24 CSS px with a neighbour too close (WCAG 2.5.8 and its spacing exception),
 * text cut off at the left/top edge where no scrolling reaches it, text clipped by its box.
 *
 * Precision first (a page that looks right must come out clean), so each rule skips the
 * patterns that do this on purpose: visually-hidden text (1 px boxes, `clip`), closed
 * off-canvas menus (moved out of the viewport, never hit-tested), fixed and sticky headers
 * (not part of the scrollable overflow), scroll containers (`overflow-x: auto`), inline
 * links inside a sentence, `text-overflow: ellipsis` and line clamps.
 *
 * Kept as JavaScript source text for the same reason as the page agent: a TypeScript
 * function handed to Playwright is serialised after the build transform, which may add
 * helpers that do not exist inside the page.
 */
import type { ElementSignature } from './element-location.js'

export type LayoutRule =
  'layout-overflow' | 'layout-covered' | 'layout-tap-target' | 'layout-offscreen' | 'layout-clipped-text'

export interface LayoutIssue {
  rule: LayoutRule
  /** A short CSS selector for the element, for the message and the reviewer. */
  selector: string
  /** What is wrong, in a person's words, without the width (added by the caller). */
  detail: string
  /** The element's box in page coordinates (for the screenshot crop). */
  rect: { x: number; y: number; width: number; height: number }
  element: ElementSignature
}

/** Elements a person clicks or taps. */
const INTERACTIVE =
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [role=checkbox], [role=tab], [onclick]'

/**
 * Shared helpers of the in-page scripts: visibility, a readable selector and the element's
 * signature (tag, attributes as written, and its index among identical elements), which
 * `locateElement` finds again in the page source.
 */
export const ELEMENT_HELPERS = `
  const shown = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) return false
    if (el.closest('[inert], [aria-hidden="true"], template, dialog:not([open])')) return false
    const r = el.getBoundingClientRect()
    return r.width > 1 && r.height > 1
  }
  const cssIdent = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : s)
  const selectorOf = (el) => {
    const parts = []
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let part = e.localName
      if (e.id) { parts.unshift(part + '#' + cssIdent(e.id)); break }
      const classes = [...e.classList].slice(0, 2).map((c) => '.' + cssIdent(c)).join('')
      part += classes
      const parent = e.parentElement
      if (!classes && parent) {
        const same = [...parent.children].filter((c) => c.localName === e.localName)
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')'
      }
      parts.unshift(part)
      if (e.localName === 'body') break
    }
    return parts.join(' > ')
  }
  const signatureOf = (el) => {
    const attrs = [...el.attributes].map((a) => [a.name, a.value])
    const key = (e) => e.localName + '\\u0000' + [...e.attributes].map((a) => a.name + '=' + a.value).join('\\u0000')
    const mine = key(el)
    let nth = 0
    for (const other of document.getElementsByTagName(el.localName)) {
      if (other === el) break
      if (key(other) === mine) nth++
    }
    return { tag: el.localName, attrs, nth }
  }
  const pageRect = (el) => {
    const r = el.getBoundingClientRect()
    return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }
  }
`

/** An expression that resolves to `LayoutIssue[]` for the page as it is now. */
export function layoutProbeExpression(opts: { phone: boolean; max: number }): string {
  return `(async () => {
  ${ELEMENT_HELPERS}
  const PHONE = ${JSON.stringify(opts.phone)}
  const MAX = ${JSON.stringify(opts.max)}
  const INTERACTIVE = ${JSON.stringify(INTERACTIVE)}
  await document.fonts.ready.catch(() => {})
  const out = []
  const add = (rule, el, detail) => {
    if (out.filter((o) => o.rule === rule).length >= MAX) return
    out.push({ rule, selector: selectorOf(el), detail, rect: pageRect(el), element: signatureOf(el) })
  }
  const startX = scrollX, startY = scrollY
  const vw = document.documentElement.clientWidth
  const vh = innerHeight
  const all = [...document.body.querySelectorAll('*')]
  const style = new Map()
  const cs = (el) => { let s = style.get(el); if (!s) { s = getComputedStyle(el); style.set(el, s) } return s }
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '')
  const inFixed = (el) => { for (let e = el; e && e !== document.body; e = e.parentElement) if (cs(e).position === 'fixed') return true; return false }
  const clippedByAncestor = (el) => {
    for (let e = el.parentElement; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
      if (cs(e).overflowX !== 'visible') return true
    }
    return false
  }

  // 1. The document scrolls sideways: a person on this width sees a horizontal scrollbar.
  scrollTo(1e6, startY)
  const sideways = scrollX > 0
  scrollTo(0, startY)
  if (sideways) {
    const width = document.scrollingElement.scrollWidth
    let named = 0
    for (const el of all) {
      if (!shown(el) || inFixed(el) || clippedByAncestor(el)) continue
      const r = el.getBoundingClientRect()
      if (r.right <= vw + 1) continue
      const parent = el.parentElement
      const pr = parent && parent !== document.body ? parent.getBoundingClientRect() : { right: vw }
      // Name where the overflow starts: an element that sticks out of a parent that fits.
      if (pr.right > vw + 1) continue
      add('layout-overflow', el, 'the page scrolls sideways (' + width + ' px wide in a ' + vw + ' px viewport): ' + selectorOf(el) + ' ends at ' + Math.round(r.right + scrollX) + ' px')
      named++
    }
    if (named === 0) add('layout-overflow', document.body, 'the page scrolls sideways (' + width + ' px wide in a ' + vw + ' px viewport)')
  }

  const targets = [...document.querySelectorAll(INTERACTIVE)].filter((el) => shown(el) && !el.querySelector(INTERACTIVE))
  const labelled = (el, other) => other.localName === 'label' && (other.control === el || other.contains(el))

  // 2. A control covered at its centre by an element that is neither its ancestor nor its child.
  for (const el of targets.slice(0, 200)) {
    el.scrollIntoView({ block: 'center', inline: 'center' })
    const r = el.getBoundingClientRect()
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2
    if (cx < 0 || cy < 0 || cx >= vw || cy >= vh) continue
    const hit = document.elementFromPoint(cx, cy)
    if (!hit || hit === el || el.contains(hit) || hit.contains(el) || labelled(el, hit) || (el.labels && [...el.labels].includes(hit))) continue
    if (!shown(hit)) continue
    add('layout-covered', el, selectorOf(el) + ' is covered by ' + selectorOf(hit) + ' at its centre, so it cannot be clicked')
  }
  scrollTo(startX, startY)

  // 3. Tap targets below 24×24 CSS px with another target within the WCAG 2.5.8 spacing circle.
  if (PHONE) {
    const boxes = targets.map((el) => ({ el, r: el.getBoundingClientRect() }))
    const small = (b) => b.r.width < 24 || b.r.height < 24
    const centre = (b) => ({ x: b.r.left + b.r.width / 2, y: b.r.top + b.r.height / 2 })
    const distToBox = (p, r) => Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom))
    for (const b of boxes) {
      if (!small(b)) continue
      const el = b.el
      // Inline links inside a sentence are exempt (WCAG 2.5.8 "inline").
      if (cs(el).display === 'inline' && el.parentElement && ownText(el.parentElement)) continue
      // Checkboxes and radios with a label: the label is the target a person uses.
      if (el.localName === 'input' && /^(checkbox|radio)$/.test(el.type) && el.labels && el.labels.length) continue
      const c = centre(b)
      const near = boxes.find((o) => o !== b && !o.el.contains(el) && !el.contains(o.el) &&
        (distToBox(c, o.r) < 12 || (small(o) && Math.hypot(centre(o).x - c.x, centre(o).y - c.y) < 24)))
      if (!near) continue
      add('layout-tap-target', el, selectorOf(el) + ' is ' + Math.round(b.r.width) + '×' + Math.round(b.r.height) + ' px (less than 24×24) and ' + selectorOf(near.el) + ' is too close to tap it reliably')
    }
  }

  // 4. Text cut off at the left or top edge, where no scrolling reaches.
  // 5. Text clipped by its own box (overflow hidden/clip) without an ellipsis or line clamp.
  for (const el of all) {
    if (!ownText(el) || !shown(el)) continue
    const r = el.getBoundingClientRect()
    const left = r.left + scrollX, top = r.top + scrollY
    if ((left < -1 && left + r.width > 0) || (top < -1 && top + r.height > 0)) {
      add('layout-offscreen', el, selectorOf(el) + ' starts ' + Math.round(-Math.min(left, top)) + ' px beyond the ' + (left < -1 ? 'left' : 'top') + ' edge of the page, where no one can scroll to it')
      continue
    }
    const s = cs(el)
    const clips = (v) => v === 'hidden' || v === 'clip'
    if (!clips(s.overflowX) && !clips(s.overflowY)) continue
    if (s.textOverflow === 'ellipsis' || (s.webkitLineClamp && s.webkitLineClamp !== 'none')) continue
    const overX = clips(s.overflowX) && el.scrollWidth > el.clientWidth + 2
    const overY = clips(s.overflowY) && el.scrollHeight > el.clientHeight + 2
    if (!overX && !overY) continue
    add('layout-clipped-text', el, 'text in ' + selectorOf(el) + ' is cut off: ' + (overY ? el.scrollHeight + ' px of text in a ' + el.clientHeight + ' px high box' : el.scrollWidth + ' px of text in a ' + el.clientWidth + ' px wide box'))
  }
  return out
})()`
}
