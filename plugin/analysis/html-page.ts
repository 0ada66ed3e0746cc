import { defaultTreeAdapter, parse } from 'parse5'
import type { DefaultTreeAdapterMap, DefaultTreeAdapterTypes, TreeAdapter } from 'parse5'

import { htmlStringNames } from './html-strings.js'

type ParentNode = DefaultTreeAdapterTypes.ParentNode
type Element = DefaultTreeAdapterTypes.Element
type Template = DefaultTreeAdapterTypes.Template
type TextNode = DefaultTreeAdapterTypes.TextNode
type ChildNode = DefaultTreeAdapterTypes.ChildNode

/**
 * One HTML document parsed once with parse5 (source locations on): everything the rules
 * need from it, with offsets into the file so findings point at the attribute or script
 * that holds the broken reference.
 */
export interface PageFacts {
  /** id → offsets of each element carrying it in the live document (not `<template>`). */
  ids: Map<string, number[]>
  /** Ids inside `<template>` content and HTML-ish `<script type="text/…">` blocks: cloned in by JS. */
  templateIds: Set<string>
  /** `<a name>` targets: fragments may point at them too. */
  anchorNames: Set<string>
  /** `name` of form controls and named elements: reachable from handlers and `window`. */
  names: Set<string>
  /** Every class in the markup, templates included. */
  classes: Set<string>
  links: PageLink[]
  scripts: PageScript[]
  /** `<style>` contents. */
  styles: InlineCode[]
  /** `style=""` attribute values. */
  styleAttrs: InlineCode[]
  /** `on*` attributes and `javascript:` URLs. */
  handlers: (InlineCode & { attr: string })[]
  /** `<base href>`, if any: relative URLs resolve against it. */
  baseHref?: string
  /** Tokenizer errors that mean the text is cut off or malformed (for the integrity gate). */
  fatalErrors: { code: string; offset: number }[]
  /**
   * Where the page sends the visitor or their input without a link being followed: form
   * `action`/`formaction` and `<meta http-equiv="refresh">` URLs. Not link-checked (a form
   * posts to a backend the static site may not have); judged by `external-resource` (#10).
   */
  sends: PageLink[]
  /**
   * No doctype and no `<html>`, `<head>` or `<body>` tag: a snippet or partial that is pasted
   * or included into another page (#13), so its `#x` links may target that page's ids.
   */
  fragment: boolean
}

export interface InlineCode {
  code: string
  /** Offset of `code` in the page source. */
  offset: number
}

export interface PageLink {
  url: string
  offset: number
  tag: string
  attr: string
  /** `fragment-only`: SVG `<use href="#x">` (must be an element id in this page). */
  role: 'navigate' | 'resource' | 'fragment-only'
  /** `rel` of a `<link>` (lowercased), e.g. `stylesheet`. */
  rel?: string
}

export type PageScript =
  { kind: 'classic' | 'module'; src: string; offset: number } | { kind: 'classic' | 'module'; inline: InlineCode }

/** MIME types a browser runs as classic script (HTML spec, "JavaScript MIME type"). */
const JS_TYPES = new Set([
  '',
  'text/javascript',
  'application/javascript',
  'application/ecmascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
])

/**
 * How a browser runs a `<script type>`: as a module, as a classic script, or not at all (JSON,
 * templates: data, not code). The one list for the checker, the chunk editor and the Vite
 * adapter that copies classic scripts to `dist/` (#11: they used to disagree).
 */
export function scriptKindOfType(type: string | undefined): 'module' | 'classic' | null {
  const t = (type ?? '').split(';')[0].trim().toLowerCase()
  return t === 'module' ? 'module' : JS_TYPES.has(t) ? 'classic' : null
}

/** parse5 tokenizer errors that mean content is truncated, not just sloppy. */
const FATAL_ERRORS = new Set([
  'eof-in-tag',
  'eof-in-comment',
  'eof-in-doctype',
  'eof-in-cdata',
  'eof-in-script-html-comment-like-text',
])

/** Attributes holding URLs, by element. `srcset`-style lists are split separately. */
const URL_ATTRS: Record<string, { attr: string; role: PageLink['role'] }[]> = {
  a: [{ attr: 'href', role: 'navigate' }],
  area: [{ attr: 'href', role: 'navigate' }],
  link: [{ attr: 'href', role: 'resource' }],
  script: [{ attr: 'src', role: 'resource' }],
  img: [{ attr: 'src', role: 'resource' }],
  source: [{ attr: 'src', role: 'resource' }],
  video: [
    { attr: 'src', role: 'resource' },
    { attr: 'poster', role: 'resource' },
  ],
  audio: [{ attr: 'src', role: 'resource' }],
  track: [{ attr: 'src', role: 'resource' }],
  iframe: [{ attr: 'src', role: 'navigate' }],
  embed: [{ attr: 'src', role: 'resource' }],
  object: [{ attr: 'data', role: 'resource' }],
  input: [{ attr: 'src', role: 'resource' }],
  image: [{ attr: 'href', role: 'resource' }],
}

/** `<link rel>` values whose href is a hint to another origin, never a local file. */
const HINT_RELS = /\b(preconnect|dns-prefetch)\b/i

/**
 * parse5's own tree, without end positions: the facts need only where elements, attributes
 * and text start, and rebuilding a node's location object each time its end moves (every
 * end tag, every run of text) was a quarter of the parse (#13, scale). Start positions are
 * set as usual; `endOffset`, `endTag` and the like stay as the start tag left them.
 */
const START_POSITIONS: TreeAdapter<DefaultTreeAdapterMap> = Object.freeze({
  ...defaultTreeAdapter,
  updateNodeSourceCodeLocation() {},
})

export function analyzePage(source: string): PageFacts {
  const facts: PageFacts = {
    ids: new Map(),
    templateIds: new Set(),
    anchorNames: new Set(),
    names: new Set(),
    classes: new Set(),
    links: [],
    scripts: [],
    styles: [],
    styleAttrs: [],
    handlers: [],
    fatalErrors: [],
    sends: [],
    fragment: false,
  }
  const doc = parse(source, {
    sourceCodeLocationInfo: true,
    treeAdapter: START_POSITIONS,
    onParseError: (err) => {
      if (FATAL_ERRORS.has(err.code)) facts.fatalErrors.push({ code: err.code, offset: err.startOffset })
    },
  })
  const walker = new PageWalker(source, facts)
  walker.children(doc, false)
  facts.fragment = isFragment(doc)
  return facts
}

/** parse5 implies `<html>`, `<head>` and `<body>` when the source has none: then they carry no start tag. */
function isFragment(doc: ParentNode): boolean {
  if (doc.childNodes.some((n) => n.nodeName === '#documentType')) return false
  const written = (n: ChildNode) => 'tagName' in n && n.sourceCodeLocation?.startTag != null
  const html = doc.childNodes.find((n) => n.nodeName === 'html')
  if (!html) return true
  if (written(html) || !('childNodes' in html)) return false
  return !html.childNodes.some((n) => (n.nodeName === 'head' || n.nodeName === 'body') && written(n))
}

class PageWalker {
  constructor(
    private readonly source: string,
    private readonly facts: PageFacts,
  ) {}

  children(node: ParentNode, inTemplate: boolean): void {
    for (const c of node.childNodes) {
      if ('tagName' in c) this.element(c, inTemplate)
    }
  }

  private element(el: Element, inTemplate: boolean): void {
    const f = this.facts
    const tag = el.tagName
    let srcsets = false
    for (const a of el.attrs) {
      const name = a.prefix ? `${a.prefix}:${a.name}` : a.name
      if (name === 'srcset' || name === 'imagesrcset') srcsets = true
      if (name === 'id' && a.value) {
        if (inTemplate) f.templateIds.add(a.value)
        else {
          const list = f.ids.get(a.value)
          const offset = this.attrOffset(el, name)
          if (list) list.push(offset)
          else f.ids.set(a.value, [offset])
        }
      } else if (name === 'class') {
        for (const c of a.value.split(/\s+/)) if (c) f.classes.add(c)
      } else if (name === 'name' && a.value) {
        f.names.add(a.value)
        if (tag === 'a' && !inTemplate) f.anchorNames.add(a.value)
      } else if (name === 'style' && !inTemplate) {
        f.styleAttrs.push({ code: a.value, offset: this.valueOffset(el, name) })
      } else if (name.startsWith('on') && name.length > 2 && !inTemplate && a.value.trim()) {
        f.handlers.push({ attr: name, code: a.value, offset: this.valueOffset(el, name) })
      }
    }
    if (!inTemplate) this.links(el, tag, srcsets)

    if (tag === 'script') this.script(el, inTemplate)
    else if (tag === 'style' && !inTemplate) {
      const text = textChild(el)
      if (text) f.styles.push(text)
    } else if (tag === 'base' && !inTemplate) {
      const href = attr(el, 'href')
      if (href !== undefined && f.baseHref === undefined) f.baseHref = href
    }

    if (tag === 'template') this.children((el as Template).content, true)
    this.children(el, inTemplate)
  }

  private script(el: Element, inTemplate: boolean): void {
    const kind = scriptKindOfType(attr(el, 'type'))
    const text = textChild(el)
    if (!kind) {
      // Client-side templates (`text/template`, `text/x-handlebars`, JSX in `text/babel`…)
      // hold markup that scripts render; JSON blocks (ld+json, importmap) do not.
      if (text && !/json|importmap|speculationrules/i.test(attr(el, 'type') ?? ''))
        htmlStringNames(text.code, { ids: this.facts.templateIds, classes: this.facts.classes })
      return
    }
    if (inTemplate) return
    const src = attr(el, 'src')
    if (src !== undefined) this.facts.scripts.push({ kind, src, offset: this.valueOffset(el, 'src') })
    else if (text) this.facts.scripts.push({ kind, inline: text })
  }

  private links(el: Element, tag: string, srcsets: boolean): void {
    const f = this.facts
    for (const { attr: name, role } of URL_ATTRS[tag] ?? []) {
      let value = attr(el, name)
      let attrName = name
      if (value === undefined && tag === 'image') {
        value = attr(el, 'xlink:href')
        attrName = 'xlink:href'
      }
      if (value === undefined || value.trim() === '') continue
      if (tag === 'link' && HINT_RELS.test(attr(el, 'rel') ?? '')) continue
      if (tag === 'script') continue // scripts are recorded (and link-checked) as scripts
      const rel = tag === 'link' ? (attr(el, 'rel') ?? '').toLowerCase() : undefined
      f.links.push({
        url: value,
        offset: this.valueOffset(el, attrName),
        tag,
        attr: attrName,
        role,
        ...(rel === undefined ? {} : { rel }),
      })
    }
    if (tag === 'use') {
      const name = attr(el, 'href') !== undefined ? 'href' : 'xlink:href'
      const value = attr(el, name)
      if (value)
        f.links.push({
          url: value,
          offset: this.valueOffset(el, name),
          tag,
          attr: name,
          role: value.trim().startsWith('#') ? 'fragment-only' : 'resource',
        })
    }
    for (const name of tag === 'form' ? ['action'] : tag === 'button' || tag === 'input' ? ['formaction'] : []) {
      const value = attr(el, name)
      if (value?.trim())
        f.sends.push({ url: value, offset: this.valueOffset(el, name), tag, attr: name, role: 'navigate' })
    }
    if (tag === 'meta' && (attr(el, 'http-equiv') ?? '').trim().toLowerCase() === 'refresh') {
      const content = attr(el, 'content') ?? ''
      const m = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)([^'"]+)\1\s*$/i.exec(content)
      if (m && m[2] && !/^[\d.]+$/.test(m[2].trim()))
        f.sends.push({
          url: m[2].trim(),
          offset: this.valueOffset(el, 'content') + content.indexOf(m[2]),
          tag,
          attr: 'content',
          role: 'navigate',
        })
    }
    // Most elements have neither: skip two attribute scans for each (#13, scale).
    for (const name of srcsets ? ['srcset', 'imagesrcset'] : []) {
      const value = attr(el, name)
      if (!value) continue
      const base = this.valueOffset(el, name)
      let at = 0
      for (const candidate of value.split(',')) {
        const m = /^\s*(\S+)/.exec(candidate)
        if (m)
          f.links.push({ url: m[1], offset: base + at + candidate.indexOf(m[1]), tag, attr: name, role: 'resource' })
        at += candidate.length + 1
      }
    }
  }

  private attrOffset(el: Element, name: string): number {
    return el.sourceCodeLocation?.attrs?.[name]?.startOffset ?? el.sourceCodeLocation?.startOffset ?? 0
  }

  /** Offset of an attribute's value (after `name=` and the quote) in the page source. */
  private valueOffset(el: Element, name: string): number {
    const loc = el.sourceCodeLocation?.attrs?.[name]
    if (!loc) return el.sourceCodeLocation?.startOffset ?? 0
    // Past `name`, `=`, white space and an opening quote; scanned in place, not on a copy (#13, scale).
    const src = this.source
    let at = src.indexOf('=', loc.startOffset)
    if (at < 0 || at >= loc.endOffset) return loc.endOffset
    at++
    while (at < loc.endOffset && /\s/.test(src[at])) at++
    if (at < loc.endOffset && (src[at] === '"' || src[at] === "'")) at++
    return at
  }
}

function attr(el: Element, name: string): string | undefined {
  for (const a of el.attrs) {
    const full = a.prefix ? `${a.prefix}:${a.name}` : a.name
    if (full === name) return a.value
  }
  return undefined
}

function textChild(el: Element): InlineCode | undefined {
  const t = el.childNodes.find((c): c is TextNode => c.nodeName === '#text')
  if (!t || !t.sourceCodeLocation) return undefined
  return { code: t.value, offset: t.sourceCodeLocation.startOffset }
}
