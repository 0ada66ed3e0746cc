import type { DefaultTreeAdapterTypes } from 'parse5'

/**
 * The CSS-selector subset used to name HTML chunks: type and `*`, `#id`, `.class`,
 * `[attr]`, `[attr=v]` (also `~= |= ^= $= *=`), `:first-child`, `:last-child`,
 * `:only-child`, `:first-of-type`, `:last-of-type`, `:only-of-type`, `:nth-child(An+B)`,
 * `:nth-last-child()`, `:nth-of-type()`, `:nth-last-of-type()`, with descendant (space),
 * child `>`, adjacent `+` and sibling `~` combinators. One selector, no lists: a target
 * names one chunk. Matching runs over an index built once per parse, never over globals.
 */

type Element = DefaultTreeAdapterTypes.Element
type ParentNode = DefaultTreeAdapterTypes.ParentNode

export interface IndexedElement {
  node: Element
  /** Lower-case tag name. */
  tag: string
  parent: IndexedElement | null
  /** The parent's element children (shared array), this element at `index`. */
  siblings: IndexedElement[]
  index: number
  id: string | null
  classes: string[]
  attrs: Map<string, string>
  /** Position in document order. */
  order: number
  /** Inside a `<template>`'s content. */
  inTemplate: boolean
}

export interface ElementIndex {
  all: IndexedElement[]
  byNode: Map<Element, IndexedElement>
}

export function indexElements(root: ParentNode): ElementIndex {
  const all: IndexedElement[] = []
  const byNode = new Map<Element, IndexedElement>()
  const visit = (container: ParentNode, parent: IndexedElement | null, inTemplate: boolean): void => {
    const siblings: IndexedElement[] = []
    for (const child of container.childNodes) {
      if (!('tagName' in child)) continue
      const attrs = new Map(child.attrs.map((a) => [a.name, a.value]))
      const el: IndexedElement = {
        node: child,
        tag: child.tagName.toLowerCase(),
        parent,
        siblings,
        index: siblings.length,
        id: attrs.get('id') ?? null,
        classes: (attrs.get('class') ?? '').split(/\s+/).filter(Boolean),
        attrs,
        order: all.length,
        inTemplate,
      }
      siblings.push(el)
      all.push(el)
      byNode.set(child, el)
      visit(child, el, inTemplate)
      if (child.tagName === 'template' && 'content' in child) visit(child.content, el, true)
    }
  }
  visit(root, null, false)
  return { all, byNode }
}

interface AttrTest {
  name: string
  op: '' | '=' | '~=' | '|=' | '^=' | '$=' | '*='
  value: string
}
interface PseudoTest {
  name: string
  a: number
  b: number
}
interface Compound {
  tag: string | null
  ids: string[]
  classes: string[]
  attrs: AttrTest[]
  pseudos: PseudoTest[]
}
type Combinator = ' ' | '>' | '+' | '~'
export interface Selector {
  compounds: Compound[]
  /** combinators[i] joins compounds[i] and compounds[i + 1]. */
  combinators: Combinator[]
}

export type ParsedSelector = { ok: true; selector: Selector } | { ok: false; error: string }

const IDENT_CHAR = /[-\w\u00a0-\uffff]/

/** Parse one selector; errors say where and what was expected. */
export function parseSelector(text: string): ParsedSelector {
  const s = text.trim()
  let i = 0
  const fail = (msg: string): ParsedSelector => ({
    ok: false,
    error: `${msg} at column ${i + 1} of ${JSON.stringify(s)}`,
  })
  const ident = (): string => {
    let out = ''
    while (i < s.length) {
      if (s[i] === '\\' && i + 1 < s.length) {
        out += s[i + 1]
        i += 2
      } else if (IDENT_CHAR.test(s[i])) out += s[i++]
      else break
    }
    return out
  }
  const compounds: Compound[] = []
  const combinators: Combinator[] = []
  if (s === '') return fail('empty selector')
  for (;;) {
    const c: Compound = { tag: null, ids: [], classes: [], attrs: [], pseudos: [] }
    if (s[i] === '*') {
      i++
      c.tag = '*'
    } else if (/[a-zA-Z]/.test(s[i] ?? '')) c.tag = ident().toLowerCase()
    let parts = c.tag ? 1 : 0
    for (;;) {
      const ch = s[i]
      if (ch === '#') {
        i++
        const id = ident()
        if (!id) return fail('expected an id after "#"')
        c.ids.push(id)
      } else if (ch === '.') {
        i++
        const cls = ident()
        if (!cls) return fail('expected a class name after "."')
        c.classes.push(cls)
      } else if (ch === '[') {
        i++
        while (s[i] === ' ') i++
        const name = ident().toLowerCase()
        if (!name) return fail('expected an attribute name after "["')
        while (s[i] === ' ') i++
        let op: AttrTest['op'] = ''
        let value = ''
        const m = /^(=|~=|\|=|\^=|\$=|\*=)/.exec(s.slice(i))
        if (m) {
          op = m[1] as AttrTest['op']
          i += m[1].length
          while (s[i] === ' ') i++
          const quote = s[i]
          if (quote === '"' || quote === "'") {
            const close = s.indexOf(quote, i + 1)
            if (close === -1) return fail('unterminated attribute value')
            value = s.slice(i + 1, close)
            i = close + 1
          } else value = ident()
          while (s[i] === ' ') i++
        }
        if (s[i] !== ']') return fail('expected "]"')
        i++
        c.attrs.push({ name, op, value })
      } else if (ch === ':') {
        i++
        if (s[i] === ':') return fail('pseudo-elements cannot be targeted')
        const name = ident().toLowerCase()
        let a = 0
        let b = 0
        if (/^nth-(last-)?(child|of-type)$/.test(name)) {
          if (s[i] !== '(') return fail(`expected "(" after :${name}`)
          const close = s.indexOf(')', i)
          if (close === -1) return fail('expected ")"')
          const nth = parseNth(s.slice(i + 1, close))
          if (!nth) return fail(`cannot read :${name}(${s.slice(i + 1, close)}); use a number, odd, even or An+B`)
          ;[a, b] = nth
          i = close + 1
        } else if (
          !['first-child', 'last-child', 'only-child', 'first-of-type', 'last-of-type', 'only-of-type'].includes(name)
        ) {
          return fail(
            `unsupported pseudo-class ":${name}" (supported: :nth-of-type(n), :nth-child(n), :first-/last-/only-child, :first-/last-/only-of-type)`,
          )
        }
        c.pseudos.push({ name, a, b })
      } else break
      parts++
    }
    if (parts === 0) return fail('expected a tag, "#id", ".class", "[attr]" or ":pseudo"')
    compounds.push(c)
    const before = i
    while (s[i] === ' ' || s[i] === '\t' || s[i] === '\n') i++
    if (i >= s.length) break
    const ch = s[i]
    if (ch === ',') return fail('a target names one chunk; selector lists ("a, b") are not allowed')
    if (ch === '>' || ch === '+' || ch === '~') {
      i++
      while (s[i] === ' ') i++
      combinators.push(ch)
    } else if (i > before) combinators.push(' ')
    else return fail(`unexpected ${JSON.stringify(ch)}`)
  }
  return { ok: true, selector: { compounds, combinators } }
}

function parseNth(raw: string): [number, number] | null {
  const t = raw.replace(/\s+/g, '').toLowerCase()
  if (t === 'odd') return [2, 1]
  if (t === 'even') return [2, 0]
  if (/^[+-]?\d+$/.test(t)) return [0, Number(t)]
  const m = /^([+-]?\d*)n([+-]\d+)?$/.exec(t)
  if (!m) return null
  const a = m[1] === '' || m[1] === '+' ? 1 : m[1] === '-' ? -1 : Number(m[1])
  return [a, m[2] ? Number(m[2]) : 0]
}

function nthMatches(a: number, b: number, position: number): boolean {
  if (a === 0) return position === b
  const n = (position - b) / a
  return Number.isInteger(n) && n >= 0
}

function matchesCompound(el: IndexedElement, c: Compound): boolean {
  if (c.tag && c.tag !== '*' && c.tag !== el.tag) return false
  for (const id of c.ids) if (el.id !== id) return false
  for (const cls of c.classes) if (!el.classes.includes(cls)) return false
  for (const t of c.attrs) {
    const v = el.attrs.get(t.name)
    if (v === undefined) return false
    const ok =
      t.op === '' ||
      (t.op === '=' && v === t.value) ||
      (t.op === '~=' && v.split(/\s+/).includes(t.value)) ||
      (t.op === '|=' && (v === t.value || v.startsWith(t.value + '-'))) ||
      (t.op === '^=' && t.value !== '' && v.startsWith(t.value)) ||
      (t.op === '$=' && t.value !== '' && v.endsWith(t.value)) ||
      (t.op === '*=' && t.value !== '' && v.includes(t.value))
    if (!ok) return false
  }
  for (const p of c.pseudos) {
    const sameType = el.siblings.filter((x) => x.tag === el.tag)
    const typeIndex = sameType.indexOf(el)
    const pos = {
      'first-child': el.index === 0,
      'last-child': el.index === el.siblings.length - 1,
      'only-child': el.siblings.length === 1,
      'first-of-type': typeIndex === 0,
      'last-of-type': typeIndex === sameType.length - 1,
      'only-of-type': sameType.length === 1,
      'nth-child': nthMatches(p.a, p.b, el.index + 1),
      'nth-last-child': nthMatches(p.a, p.b, el.siblings.length - el.index),
      'nth-of-type': nthMatches(p.a, p.b, typeIndex + 1),
      'nth-last-of-type': nthMatches(p.a, p.b, sameType.length - typeIndex),
    }[p.name]
    if (!pos) return false
  }
  return true
}

function matchesFrom(el: IndexedElement, sel: Selector, k: number): boolean {
  if (!matchesCompound(el, sel.compounds[k])) return false
  if (k === 0) return true
  const comb = sel.combinators[k - 1]
  if (comb === '>') return el.parent !== null && matchesFrom(el.parent, sel, k - 1)
  if (comb === ' ') {
    for (let p = el.parent; p; p = p.parent) if (matchesFrom(p, sel, k - 1)) return true
    return false
  }
  if (comb === '+') return el.index > 0 && matchesFrom(el.siblings[el.index - 1], sel, k - 1)
  for (let j = el.index - 1; j >= 0; j--) if (matchesFrom(el.siblings[j], sel, k - 1)) return true
  return false
}

export function selectAll(index: ElementIndex, sel: Selector): IndexedElement[] {
  const last = sel.compounds.length - 1
  return index.all.filter((el) => matchesFrom(el, sel, last))
}

const SIMPLE_IDENT = /^-?[_a-zA-Z][-\w]*$/

function countMatches(index: ElementIndex, text: string): number {
  const p = parseSelector(text)
  return p.ok ? selectAll(index, p.selector).length : 0
}

/**
 * The shortest selector from a fixed ladder that matches `el` and nothing else: `#id`,
 * the tag, `tag.class`, a notable attribute (`script[src="app.js"]`), then the parent's
 * selector plus `> tag:nth-of-type(k)`. Always terminates: the last rung is unique by
 * construction (the document root is unique).
 */
export function uniqueSelector(index: ElementIndex, el: IndexedElement): string {
  const unique = (s: string): boolean => countMatches(index, s) === 1
  if (el.tag === 'html' || ((el.tag === 'head' || el.tag === 'body') && el.parent?.tag === 'html')) return el.tag
  if (el.id && SIMPLE_IDENT.test(el.id) && unique('#' + el.id)) return '#' + el.id
  if (unique(el.tag)) return el.tag
  const simpleClasses = el.classes.filter((c) => SIMPLE_IDENT.test(c))
  for (const c of simpleClasses) if (unique(`${el.tag}.${c}`)) return `${el.tag}.${c}`
  if (simpleClasses.length > 1 && unique(`${el.tag}.${simpleClasses.join('.')}`))
    return `${el.tag}.${simpleClasses.join('.')}`
  for (const attr of ['src', 'href', 'name', 'for', 'aria-label', 'type']) {
    const v = el.attrs.get(attr)
    if (v && !v.includes('"') && unique(`${el.tag}[${attr}="${v}"]`)) return `${el.tag}[${attr}="${v}"]`
  }
  const sameType = el.siblings.filter((x) => x.tag === el.tag)
  const step = sameType.length > 1 ? `${el.tag}:nth-of-type(${sameType.indexOf(el) + 1})` : el.tag
  if (!el.parent) return step
  const parentSel = uniqueSelector(index, el.parent)
  const byParent = `${parentSel} > ${step}`
  if (simpleClasses.length > 0) {
    const withClass = `${parentSel} > ${el.tag}.${simpleClasses[0]}`
    if (unique(withClass)) return withClass
  }
  return byParent
}
