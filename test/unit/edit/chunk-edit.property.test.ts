import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import * as acorn from 'acorn'
import fc from 'fast-check'
import { parse } from 'parse5'
import postcss from 'postcss'
import { describe, expect, it } from 'vitest'

import {
  applyChunkEdit,
  applyChunkEdits,
  listChunks,
  locateChunk,
  type ListedChunk,
} from '../../../plugin/edit/index.js'
import { cssReplacement, htmlReplacement, jsReplacement } from './generators.js'

/**
 * Acceptance 1 of issue 5: over real fixture files, for random valid targets (drawn from
 * listTargets) and random valid replacements, every byte outside the region is identical
 * after the edit and the result parses — checked with the parsers directly, not with the
 * editor's own verdict.
 */

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'edit')
/** `EDIT_PROPERTY_SCALE=20 npx vitest run test/unit/edit` for a long hunt; the default keeps the suite fast. */
const SCALE = Number(process.env.EDIT_PROPERTY_SCALE ?? '1')

interface Fixture {
  file: string
  lang: 'html' | 'css' | 'js'
  mode?: 'module' | 'script'
  crlf?: boolean
}

const FIXTURES: Fixture[] = [
  { file: 'landing.html', lang: 'html' },
  { file: 'events.crlf.html', lang: 'html', crlf: true },
  { file: 'styles.css', lang: 'css' },
  { file: 'app.js', lang: 'js', mode: 'module' },
  { file: 'events-legacy.crlf.js', lang: 'js', mode: 'script', crlf: true },
]

function load(f: Fixture): { source: string; chunks: ListedChunk[] } {
  const source = readFileSync(join(DIR, f.file), 'utf8')
  const chunks = listChunks(f.file, source)
  if (!Array.isArray(chunks)) throw new Error(chunks.reason)
  return { source, chunks }
}

function replacementFor(f: Fixture, source: string, chunk: ListedChunk, prefix: string): fc.Arbitrary<string> {
  const text = source.slice(chunk.start, chunk.end).replace(/\r\n/g, '\n')
  if (f.lang === 'html') return htmlReplacement(text, chunk.kind)
  if (f.lang === 'css') return cssReplacement(text, chunk.kind, prefix)
  return jsReplacement(text, chunk.kind, f.mode!)
}

/** Independent "does it parse" per language: parse5 tokenizer errors, postcss, acorn in the file's mode. */
function assertParses(f: Fixture, content: string): void {
  if (f.lang === 'html') {
    const errors: string[] = []
    const doc = parse(content, {
      sourceCodeLocationInfo: true,
      onParseError: (e) => errors.push(`${e.code}@${e.startOffset}`),
    })
    expect(errors).toEqual([])
    const html = doc.childNodes.find((n) => n.nodeName === 'html') as {
      childNodes: Array<{ nodeName: string; sourceCodeLocation?: unknown }>
    }
    expect(html.childNodes.filter((n) => n.nodeName === 'head' && n.sourceCodeLocation)).toHaveLength(1)
    expect(html.childNodes.filter((n) => n.nodeName === 'body' && n.sourceCodeLocation)).toHaveLength(1)
    expect(content.match(/<head[\s>]/gi)).toHaveLength(1)
    expect(content.match(/<body[\s>]/gi)).toHaveLength(1)
  } else if (f.lang === 'css') {
    expect(() => postcss.parse(content)).not.toThrow()
  } else {
    expect(() => acorn.parse(content, { ecmaVersion: 'latest', sourceType: f.mode! })).not.toThrow()
  }
}

function assertOutsideIdentical(source: string, content: string, start: number, end: number): void {
  expect(content.slice(0, start)).toBe(source.slice(0, start))
  const tail = source.length - end
  expect(content.slice(content.length - tail)).toBe(source.slice(end))
  expect(content.length - tail).toBeGreaterThanOrEqual(start)
}

function assertLineEndings(f: Fixture, inserted: string): void {
  if (f.crlf) expect(inserted.replace(/\r\n/g, '')).not.toContain('\n')
  else expect(inserted).not.toContain('\r')
}

describe.each(FIXTURES)('chunk edits on $file', (f) => {
  const { source, chunks } = load(f)

  it('offers targets that each resolve to exactly their own region', () => {
    expect(chunks.length).toBeGreaterThan(8)
    for (const c of chunks) {
      const r = locateChunk(f.file, source, c.target)
      expect(r, c.target).toMatchObject({ ok: true, start: c.start, end: c.end, kind: c.kind })
    }
  })

  it('keeps every byte outside the edited region and the result parses (random targets, random replacements)', () => {
    const edit = fc
      .constantFrom(...chunks)
      .chain((c) => replacementFor(f, source, c, 'fc').map((replacement) => ({ c, replacement })))
    fc.assert(
      fc.property(edit, ({ c, replacement }) => {
        const r = applyChunkEdit(f.file, source, c.target, replacement)
        if (!r.ok) throw new Error(`${c.target} rejected: ${r.reason}\n--- replacement ---\n${replacement}`)
        assertOutsideIdentical(source, r.content, c.start, c.end)
        assertParses(f, r.content)
        const inserted = r.content.slice(c.start, r.content.length - (source.length - c.end))
        assertLineEndings(f, inserted)
        // What was spliced in is exactly one chunk of the edited file, at the same place.
        const after = listChunks(f.file, r.content)
        expect(
          Array.isArray(after) && after.some((ch) => ch.start === c.start && ch.end === c.start + inserted.length),
        ).toBe(true)
      }),
      { numRuns: 80 * SCALE },
    )
  })

  it('applies several disjoint edits at once exactly like one edit at a time, back to front', () => {
    const disjoint = fc
      .shuffledSubarray(chunks, { minLength: 2, maxLength: 3 })
      .filter((cs) => cs.every((a, i) => cs.every((b, j) => i === j || a.end <= b.start || b.end <= a.start)))
    const edits = disjoint.chain((cs) =>
      fc.tuple(...cs.map((c, i) => replacementFor(f, source, c, `fc${i}`).map((replacement) => ({ c, replacement })))),
    )
    fc.assert(
      fc.property(edits, (list) => {
        const batch = applyChunkEdits(
          f.file,
          source,
          list.map(({ c, replacement }) => ({ target: c.target, replacement })),
        )
        if (!batch.ok) throw new Error(batch.reason)
        let sequential = source
        for (const { c, replacement } of [...list].sort((a, b) => b.c.start - a.c.start)) {
          const r = applyChunkEdit(f.file, sequential, c.target, replacement)
          if (!r.ok) throw new Error(r.reason)
          sequential = r.content
        }
        expect(batch.content).toBe(sequential)
        const first = Math.min(...list.map((e) => e.c.start))
        const last = Math.max(...list.map((e) => e.c.end))
        assertOutsideIdentical(source, batch.content, first, last)
        assertParses(f, batch.content)
      }),
      { numRuns: 30 * SCALE },
    )
  })

  it('never throws on arbitrary replacements, and whatever it accepts keeps the outside bytes and parses', () => {
    const noise = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc
        .array(
          fc.constantFrom(
            '<',
            '>',
            '</div>',
            '<nav>',
            '<body>',
            '<head>',
            '{',
            '}',
            ';',
            '(',
            ')',
            '"',
            "'",
            '`',
            '/*',
            '*/',
            '<!--',
            '-->',
            '\n',
            '\r\n',
            '  ',
            'a',
            'x: y',
            '...',
            'function f',
            '=',
            ',',
            '.card',
            '@media',
            '<p>',
            '</p>',
            '</section>',
          ),
          { maxLength: 25 },
        )
        .map((parts) => parts.join('')),
    )
    fc.assert(
      fc.property(fc.constantFrom(...chunks), noise, (c, replacement) => {
        const before = source
        const r = applyChunkEdit(f.file, source, c.target, replacement)
        expect(source).toBe(before)
        if (!r.ok) {
          expect(r.reason.length).toBeGreaterThan(20)
          expect(r.reason).toContain(f.file)
          return
        }
        assertOutsideIdentical(source, r.content, c.start, c.end)
        assertParses(f, r.content)
      }),
      { numRuns: 100 * SCALE },
    )
  })
})
