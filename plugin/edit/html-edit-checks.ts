import type { Landed } from './engine.js'
import {
  HTML_NS,
  type HtmlData,
  type HtmlDoc,
  insideHead,
  OPTIONAL_END,
  RAW_TEXT,
  TOLERATED_ERRORS,
  VOID,
} from './html-document.js'
import type { IndexedElement } from './html-selector.js'
import { parseCssText } from '../analysis/css-sheet.js'
import { parseJs, scriptMode } from './syntax.js'
import { locatedAt, q, squash } from './text.js'
import { type EditRejection, reject } from './types.js'

/**
 * Validating an HTML file after the splice: no new tokenizer errors in a landed region,
 * every tag written there became an element start or end, elements opened there are
 * closed there, the region is still exactly the target's element, inline scripts and
 * styles in it parse; and the ids that must stay unique, for the orchestrator's count.
 */

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

export function check(
  original: HtmlDoc,
  edited: HtmlDoc,
  landed: Landed<HtmlData>[],
  path: string,
): EditRejection | null {
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

export function identities(doc: HtmlDoc): Map<string, number[]> {
  const ids = new Map<string, number[]>()
  for (const el of doc.index.all) {
    const loc = el.node.sourceCodeLocation
    if (!el.id || !loc) continue
    const key = `id="${el.id}"`
    ids.set(key, [...(ids.get(key) ?? []), loc.startOffset])
  }
  return ids
}
