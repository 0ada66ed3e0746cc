import MagicString from 'magic-string'
import { positionAt } from '../diagnostics/line-index.js'

import { dropRepeatedLeadingComment, looksDoubleEscaped, unquoteTarget } from './clean.js'
import { cssEngine } from './css-chunks.js'
import type { Chunk, EditContext, Engine, Landed, ListedChunk } from './engine.js'
import { fenceLine, stripFences } from './fences.js'
import { htmlEngine } from './html-chunks.js'
import { jsEngine } from './js-chunks.js'
import { copiedChunks, repeatsRestOfFile } from './overreach.js'
import { findPlaceholder } from '../analysis/placeholders.js'
import { trimReplacement } from './reindent.js'
import { detectEol, listSome, q, toEol, toLf, type Eol } from './text.js'
import { reject, type ChunkEdit, type EditRejection, type EditResult, type LocateResult } from './types.js'

/**
 * Chunk editing (docs/ARCHITECTURE.md, "Editing in chunks"): replace one named region of a
 * file and keep every other byte identical. Updates and fixes use this instead of
 * whole-file rewrites. Every function here is pure (strings in, a result value out) and
 * never throws for bad model output; the caller writes the file only on `ok: true`, so a
 * rejected edit leaves the file untouched. Target syntax and policies: ./README.md.
 */

export type { ChunkEdit, ChunkLocation, EditRejection, EditRejectionCode, EditResult, LocateResult } from './types.js'
export type { ListedChunk } from './engine.js'
export { findPlaceholder } from '../analysis/placeholders.js'
export { stripFences } from './fences.js'

export type EditLanguage = 'html' | 'css' | 'js'

/** The chunk language a path is edited as, from its extension; null when chunk edits do not apply. */
export function editLanguage(path: string): EditLanguage | null {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase()
  if (ext === 'html' || ext === 'htm') return 'html'
  if (ext === 'css') return 'css'
  if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return 'js'
  return null
}

// Each engine is generic over its own document type; the orchestrator only passes them back.
type AnyEngine = Engine<unknown, unknown>
const ENGINES: Record<EditLanguage, AnyEngine> = {
  html: htmlEngine,
  css: cssEngine,
  js: jsEngine,
}

interface Prepared {
  engine: AnyEngine
  doc: unknown
  /** The source without a leading BOM; every engine offset is into this. */
  body: string
  /** 1 when a BOM was stripped: added back to offsets handed out and to the result. */
  bom: number
  eol: Eol
}

function prepare(path: string, source: string): Prepared | EditRejection {
  const language = editLanguage(path)
  if (!language)
    return reject(
      'unsupported-file',
      `${path}: chunk edits apply to .html, .css and .js files only; send the whole file for this one`,
    )
  const bom = source.startsWith('\uFEFF') ? 1 : 0
  const body = source.slice(bom)
  const engine = ENGINES[language]
  const parsed = engine.parse(path, body)
  if (!parsed.ok) return parsed
  return { engine, doc: parsed.doc, body, bom, eol: detectEol(body) }
}

/**
 * Find the region `target` names. `text` is exactly `source.slice(start, end)` — what a
 * model should be shown as "the chunk" and what its replacement stands for.
 */
export function locateChunk(path: string, source: string, target: string): LocateResult {
  const p = prepare(path, source)
  if (!('engine' in p)) return p
  const chunk = p.engine.locate(p.doc, { path, target: unquoteTarget(target), source: p.body })
  if (!('start' in chunk)) return chunk
  return {
    ok: true,
    start: chunk.start + p.bom,
    end: chunk.end + p.bom,
    text: p.body.slice(chunk.start, chunk.end),
    kind: chunk.kind,
  }
}

/**
 * The named chunks a file offers, in document order, each one a target that resolves to
 * exactly one region: HTML `head`, `body`, elements with ids, landmarks and the children
 * of `<body>`/`<main>`, inline scripts and styles; CSS rules and at-rules (nested ones as
 * paths); JS top-level declarations, class members, exported and default declarations,
 * top-level call statements, and uniquely named functions inside wrappers. Empty for a
 * file that is not .html/.css/.js or does not parse (see `listChunks` for the reason).
 */
export function listTargets(path: string, source: string): string[] {
  const chunks = listChunks(path, source)
  return Array.isArray(chunks) ? chunks.map((c) => c.target) : []
}

/** `listTargets` with each chunk's range and kind, or the reason the file offers none. */
export function listChunks(path: string, source: string): ListedChunk[] | EditRejection {
  const p = prepare(path, source)
  if (!('engine' in p)) return p
  return p.engine.list(p.doc).map((c) => ({ ...c, start: c.start + p.bom, end: c.end + p.bom }))
}

/** Replace the chunk `target` names with `replacement`; every byte outside it stays identical. */
export function applyChunkEdit(path: string, source: string, target: string, replacement: string): EditResult {
  return applyChunkEdits(path, source, [{ target, replacement }])
}

interface Planned {
  ordinal: number
  target: string
  chunk: Chunk
  text: string
}

function labelFor(ordinal: number, total: number, target: string): string {
  return total > 1 ? `edit ${ordinal} of ${total} (${q(target)})` : `the replacement for ${q(target)}`
}

function withEditPrefix(r: EditRejection, ordinal: number, total: number, target: string): EditRejection {
  return total > 1 ? { ...r, reason: `edit ${ordinal} of ${total} (${q(target)}): ${r.reason}` } : r
}

/** Clean one replacement and turn it into the exact text to splice, or say why not. */
function plan(
  p: Prepared,
  path: string,
  edit: ChunkEdit,
  ordinal: number,
  total: number,
  listed: () => ListedChunk[],
): Planned | EditRejection {
  const target = typeof edit.target === 'string' ? unquoteTarget(edit.target) : ''
  const ctx: EditContext = { path, target, source: p.body }
  const fail = (r: EditRejection): EditRejection => withEditPrefix(r, ordinal, total, target)
  if (target === '') return fail(reject('invalid-target', `${path}: the edit has no target; name the chunk to replace`))
  const chunk = p.engine.locate(p.doc, ctx)
  if (!('start' in chunk)) return fail(chunk)
  const label = `the replacement for ${q(target)}`
  const original = p.body.slice(chunk.start, chunk.end)

  const raw = stripFences(typeof edit.replacement === 'string' ? edit.replacement : '')
  const clean = trimReplacement(dropRepeatedLeadingComment(raw, p.body, chunk.start))
  if (looksDoubleEscaped(clean, original)) {
    return fail(
      reject(
        'wrong-kind',
        `${path}: ${label} is one line full of literal "\\n" sequences, as if escaped twice; send the chunk with real line breaks`,
      ),
    )
  }
  if (clean.trim() === '') {
    return fail(
      reject(
        'empty-replacement',
        `${path}: ${label} is empty; send the complete new ${q(target)} chunk (to remove a chunk, the caller uses deleteChunk)`,
      ),
    )
  }
  const fence = fenceLine(clean)
  if (fence > 0)
    return fail(
      reject(
        'markdown-fence',
        `${path}: ${label} contains a markdown fence (line ${fence} of the replacement); send only the code`,
      ),
    )
  const placeholder = findPlaceholder(clean, toLf(original))
  if (placeholder) {
    return fail(
      reject(
        'placeholder',
        `${path}: ${label} contains the placeholder ${q(placeholder.text)} (line ${placeholder.line} of the replacement) ` +
          `instead of real code; send the complete chunk with nothing left out`,
      ),
    )
  }

  const whole = repeatsRestOfFile(clean, p.body, chunk)
  if (whole) {
    return fail(
      reject(
        'overreach',
        `${path}: ${label} is ${Math.round(clean.length / Math.max(1, chunk.end - chunk.start))}× the size of its target and repeats ${Math.round(whole.share * 100)}% of the rest of the file: ` +
          `it rewrites more than ${q(target)}. Send only that chunk`,
      ),
    )
  }
  const copies = copiedChunks(clean, p.body, chunk, listed())
  if (copies.length > 0) {
    const where = copies.map((c) => `${q(c.target)} (line ${positionAt(p.body, c.start).line})`)
    return fail(
      reject(
        'overreach',
        `${path}: ${label} also contains ${listSome(where, 4, false)} word for word, ` +
          `which ${copies.length === 1 ? 'lies' : 'lie'} outside the target; send only the ${q(target)} chunk`,
      ),
    )
  }

  const shaped = p.engine.shape(p.doc, chunk, clean, ctx)
  if (!shaped.ok) return fail(shaped)
  return { ordinal, target, chunk, text: toEol(toLf(shaped.text), p.eol) }
}

/**
 * Apply several chunk edits to one file, all or nothing. Each target is located in the
 * ORIGINAL source (so the edits do not depend on their order); edits whose regions
 * overlap are rejected; the result must parse and every edited region must still be a
 * whole chunk of its kind.
 */
export function applyChunkEdits(path: string, source: string, edits: readonly ChunkEdit[]): EditResult {
  if (edits.length === 0) return reject('empty-replacement', `${path}: no edits were given`)
  const p = prepare(path, source)
  if (!('engine' in p)) return p
  let listedCache: ListedChunk[] | null = null
  const listed = (): ListedChunk[] => (listedCache ??= p.engine.list(p.doc))

  const planned: Planned[] = []
  for (const [i, edit] of edits.entries()) {
    const r = plan(p, path, edit, i + 1, edits.length, listed)
    if ('reason' in r) return r
    planned.push(r)
  }
  const sorted = [...planned].sort((a, b) => a.chunk.start - b.chunk.start)
  for (let i = 1; i < sorted.length; i++) {
    const [outer, inner] = [sorted[i - 1], sorted[i]]
    if (inner.chunk.start < outer.chunk.end) {
      const [first, second] = outer.ordinal < inner.ordinal ? [outer, inner] : [inner, outer]
      const advice =
        inner.chunk.start === outer.chunk.start && inner.chunk.end === outer.chunk.end
          ? `; both replace the same chunk, so send one edit for it`
          : inner.chunk.end <= outer.chunk.end
            ? `; ${q(inner.target)} lies inside ${q(outer.target)}, so fold it into that edit`
            : '; merge them into one edit'
      return reject(
        'overlap',
        `${path}: edits ${first.ordinal} (${q(first.target)}) and ${second.ordinal} (${q(second.target)}) overlap${advice}`,
      )
    }
  }

  const ms = new MagicString(p.body)
  const landed: Landed[] = []
  let delta = 0
  for (const e of sorted) {
    ms.overwrite(e.chunk.start, e.chunk.end, e.text)
    const start = e.chunk.start + delta
    landed.push({ ordinal: e.ordinal, target: e.target, chunk: e.chunk, start, end: start + e.text.length })
    delta += e.text.length - (e.chunk.end - e.chunk.start)
  }
  const result = ms.toString()

  const verdict = verify(p, path, result, landed, edits.length)
  if (verdict) return verdict
  return { ok: true, content: (p.bom ? '\uFEFF' : '') + result }
}

/** The checks that need the edited text: parse, chunk boundaries, names that became duplicates. */
function verify(p: Prepared, path: string, result: string, landed: Landed[], total: number): EditRejection | null {
  const edited = p.engine.reparse(p.doc, path, result)
  // The parse error carries the file position, which tells which edit broke it.
  if (!edited.ok) return edited
  const structural = p.engine.check(p.doc, edited.doc, landed, path)
  if (structural) return structural

  const before = p.engine.identities(p.doc)
  for (const [key, offsets] of p.engine.identities(edited.doc)) {
    if (offsets.length < 2 || offsets.length <= (before.get(key)?.length ?? 0)) continue
    const inside = (o: number): Landed | undefined => landed.find((l) => o >= l.start && o < l.end)
    const culprit = offsets.map(inside).find((l): l is Landed => !!l)
    const first = offsets.find((o) => !inside(o)) ?? offsets[0]
    const label = culprit ? labelFor(culprit.ordinal, total, culprit.target) : 'the edit'
    const { line, column } = positionAt(result, culprit ? offsets.find((o) => inside(o) === culprit)! : offsets[1])
    return reject(
      'overreach',
      `${path}:${line}:${column}: ${label} repeats ${q(key)}, which already exists at line ${positionAt(result, first).line}${culprit && !inside(first) ? ' outside the target' : ''}; ` +
        `edit that chunk instead of writing it again (or give the new one another name)`,
    )
  }
  return null
}

/**
 * Remove the chunk `target` names. An empty replacement is never taken to mean "delete"
 * (an empty model answer is a failure far more often than an intent), so deletion is its
 * own call. When the chunk is alone on its lines the lines go too; a JS declarator or
 * object member takes its separating comma with it. `head` and `body` cannot be deleted.
 */
export function deleteChunk(path: string, source: string, target: string): EditResult {
  const p = prepare(path, source)
  if (!('engine' in p)) return p
  const ctx: EditContext = { path, target: unquoteTarget(target), source: p.body }
  const chunk = p.engine.locate(p.doc, ctx)
  if (!('start' in chunk)) return chunk
  const refused = p.engine.deletable(chunk, ctx)
  if (refused) return refused

  let { start, end } = chunk
  const text = p.body
  if (p.engine.commaSeparated?.(chunk)) {
    const after = /^\s*,[ \t]*/.exec(text.slice(end))
    if (after) end += after[0].length
    else {
      const before = /,\s*$/.exec(text.slice(0, start))
      if (before) start -= before[0].length
    }
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const nl = text.indexOf('\n', end)
  const lineEnd = nl === -1 ? text.length : nl + 1
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*\r?\n?$/.test(text.slice(end, lineEnd))) {
    start = lineStart
    end = lineEnd
  }
  const result = text.slice(0, start) + text.slice(end)
  const edited = p.engine.reparse(p.doc, path, result)
  if (!edited.ok)
    return reject(
      'does-not-parse',
      `${path}: deleting ${q(target.trim())} would leave a file that does not parse: ${edited.reason}`,
    )
  return { ok: true, content: (p.bom ? '\uFEFF' : '') + result }
}
