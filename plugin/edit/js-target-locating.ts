import * as acorn from 'acorn'
import { positionAt } from '../diagnostics/line-index.js'

import type { Chunk, EditContext, ListedChunk } from './engine.js'
import { callKey, type JsChunk, type JsData, type JsDoc } from './js-chunk-listing.js'
import { listSome, nearMisses, q } from './text.js'
import { reject, type EditRejection } from './types.js'

/**
 * Locating a JS target: reading the target text (a name, a keyword-narrowed name,
 * `export default`, `A.b`, a call key) into a query, resolving it against the listed
 * chunks (top level first, then the nested fallback), the targets the file offers, and the
 * reasons given to the model when a target is missing or ambiguous.
 */

interface Query {
  text: string
  match: (c: JsChunk) => boolean
  /** Declarations inside functions are only searched for plain names. */
  nestedFallback: boolean
}

function readTarget(target: string): Query | string {
  const t = target
    .trim()
    .replace(/^js:\s*/i, '')
    .replace(/\s+/g, ' ')
    .replace(/;$/, '')
  if (/^(export )?default$/.test(t))
    return { text: t, match: (c: JsChunk) => c.kind === 'export-default', nestedFallback: false }
  const kw = /^(export )?(?:async )?(function\*?|class|const|let|var) ([\w$]+)$/.exec(t)
  if (kw) {
    const want = kw[2].replace('*', '')
    return {
      text: t,
      match: (c: JsChunk) =>
        c.keys.includes(kw[3]) &&
        c.level !== 'member' &&
        c.kind !== 'call' &&
        c.kind !== 'assignment' &&
        (c.declKind === want || (c.kind === 'export-default' && (want === 'function' || want === 'class'))) &&
        (!kw[1] || c.exported),
      nestedFallback: !kw[1],
    }
  }
  const exp = /^export ([\w$]+)$/.exec(t)
  if (exp)
    return {
      text: t,
      match: (c: JsChunk) => (c.exported || !!c.exportedVia) && c.keys.includes(exp[1]),
      nestedFallback: false,
    }
  if (/^[\w$]+$/.test(t))
    return {
      text: t,
      match: (c: JsChunk) => c.level !== 'member' && c.kind !== 'call' && c.kind !== 'assignment' && c.keys.includes(t),
      nestedFallback: true,
    }
  if (/^[\w$]+(?:\.#?[\w$]+)+$/.test(t))
    return {
      text: t,
      match: (c: JsChunk) => (c.level === 'member' || c.kind === 'assignment') && c.keys.includes(t),
      nestedFallback: false,
    }
  if (t.includes('(')) {
    let key: string | null = null
    try {
      key = callKey(acorn.parseExpressionAt(t, 0, { ecmaVersion: 'latest' }))
    } catch {
      key = null
    }
    if (!key)
      return `${JSON.stringify(t)} is not a call like ${q("document.addEventListener('DOMContentLoaded')")} or ${q('init()')}`
    return { text: t, match: (c: JsChunk) => c.kind === 'call' && c.keys.includes(key), nestedFallback: false }
  }
  return `${JSON.stringify(t)} is not a name, ${q('Class.method')}, ${q('export default')} or call`
}

function resolve(doc: JsDoc, query: Query): JsChunk[] {
  const unique = (cs: JsChunk[]): JsChunk[] =>
    cs.filter((c, i) => cs.findIndex((o) => o.start === c.start && o.end === c.end) === i)
  const direct = unique(doc.chunks.filter((c) => c.level !== 'nested' && query.match(c)))
  if (direct.length > 0 || !query.nestedFallback) return direct
  return unique(doc.chunks.filter((c) => c.level === 'nested' && query.match(c)))
}

export function list(doc: JsDoc): ListedChunk[] {
  const out: ListedChunk[] = []
  const seen = new Set<string>()
  for (const c of doc.chunks) {
    for (const key of c.keys) {
      if (seen.has(key)) continue
      const query = readTarget(key)
      if (typeof query === 'string') continue
      const hit = resolve(doc, query)
      if (hit.length !== 1 || hit[0].start !== c.start) continue
      seen.add(key)
      out.push({ target: key, start: c.start, end: c.end, kind: c.kind })
    }
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end)
}

export function locate(doc: JsDoc, ctx: EditContext): Chunk<JsData> | EditRejection {
  const query = readTarget(ctx.target)
  if (typeof query === 'string') {
    return reject('invalid-target', `${ctx.path}: target ${q(ctx.target.trim())} cannot be read: ${query}`)
  }
  const found = resolve(doc, query)
  if (found.length === 1) return { start: found[0].start, end: found[0].end, kind: found[0].kind, data: found[0] }
  const available = list(doc).map((c) => c.target)
  if (found.length === 0) {
    // `init()` for the function `init`, `let THEME_KEY` for a const: point at the name that exists.
    const bare = query.text
      .replace(/\(\)$/, '')
      .replace(/^(?:export )?(?:default )?(?:async )?(?:function\*?|class|const|let|var|export) /, '')
    const alt =
      bare !== query.text && available.includes(bare)
        ? ` ${q(bare)} exists but is not ${q(query.text)}; target ${q(bare)}.`
        : ''
    const near = nearMisses(query.text, available)
    const hint = near.length > 0 ? ` Did you mean ${listSome(near, 3)}?` : ''
    return reject(
      'target-missing',
      `${ctx.path}: nothing named ${q(ctx.target.trim())} is declared here.${alt}${hint} Available targets: ${listSome(available, 12)}`,
    )
  }
  const lines = found.slice(0, 6).map((c) => positionAt(doc.source, c.start).line)
  const owner = found.find((c) => c.owner)?.owner
  const hint = owner
    ? `a getter and setter (or two members) share that name; edit the whole ${owner.type} ${q(owner.name)} instead`
    : found.some((c) => c.kind === 'call')
      ? 'the same call appears more than once; edit the declaration it calls, or the function around the calls'
      : `narrow it with a keyword (${q('function ' + query.text)}, ${q('const ' + query.text)}) or ${q('export ' + query.text)}, or rename one of them`
  return reject(
    'target-ambiguous',
    `${ctx.path}: target ${q(ctx.target.trim())} matches ${found.length} chunks (lines ${lines.join(', ')}${found.length > 6 ? ', …' : ''}); ${hint}`,
  )
}
