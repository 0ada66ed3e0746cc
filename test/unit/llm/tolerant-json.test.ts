import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeBadAnswer, repetition } from '../../../plugin/llm/answer-shape.js'
import {
  completeThenWhitespace,
  escapeInnerQuotes,
  jsonCandidates,
  repairable,
} from '../../../plugin/llm/json-candidates.js'
import { coerceToSchema } from '../../../plugin/llm/json-coerce.js'
import { parseStructured } from '../../../plugin/llm/structured.js'

const File = z.object({ content: z.string(), summary: z.string().default('') })

describe('tolerant extraction (issue #15)', () => {
  it('never turns a cut-off answer into a complete-looking object (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.string({ maxLength: 40 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (content, summary, at) => {
          const full = JSON.stringify({ content, summary })
          const cut = full.slice(0, Math.max(1, Math.floor(full.length * at)))
          // Only prefixes that stop inside a string or after a separator are "obviously cut".
          if (repairable(cut)) return
          for (const c of jsonCandidates(cut)) expect(c.value).not.toHaveProperty('summary')
        },
      ),
      { numRuns: 300 },
    )
  })

  it('finds the same object a strict parse finds, for any valid answer (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), (content, summary) => {
        const r = parseStructured(JSON.stringify({ content, summary }), File)
        expect(r).toEqual({ ok: true, value: { content, summary } })
      }),
      { numRuns: 200 },
    )
  })

  it('escapes quotes inside a string only where JSON could not go on', () => {
    const text = '{"content": "<p class="x">a, b</p>", "summary": "s"}'
    expect(JSON.parse(escapeInnerQuotes(text))).toEqual({ content: '<p class="x">a, b</p>', summary: 's' })
  })

  it('a finished object padded with whitespace is complete; a cut one is not', () => {
    expect(completeThenWhitespace(`{"a": 1}${'\n \t'.repeat(20)}`)).toBe(true)
    expect(completeThenWhitespace('{"a": 1}')).toBe(false) // ending exactly at the limit stays a length failure
    expect(completeThenWhitespace('{"a": "x\n\n')).toBe(false)
    expect(completeThenWhitespace('{"a": 1} and more')).toBe(false)
  })

  it('decodes arrays sent as strings and unwraps tool calls, only when the result passes the schema', () => {
    const Plan = z.object({ tasks: z.array(z.object({ id: z.string(), dependsOn: z.array(z.string()) })) })
    const r = coerceToSchema({ tasks: JSON.stringify([{ id: 'a', dependsOn: '["b"]' }]) }, Plan)
    expect(r).toEqual({
      ok: true,
      value: { tasks: [{ id: 'a', dependsOn: ['b'] }] },
      how: ['decoded arrays/objects sent as strings'],
    })
    expect(coerceToSchema({ name: 'write_file', arguments: { content: 'x' } }, File)).toMatchObject({
      ok: true,
      value: { content: 'x', summary: '' },
    })
    expect(coerceToSchema({ name: 'write_file', arguments: { nope: 1 } }, File).ok).toBe(false)
    expect(coerceToSchema({ tasks: '[not json' }, Plan).ok).toBe(false)
  })

  it('names the shape of an answer that is no answer', () => {
    expect(describeBadAnswer("I'm sorry, but I can't do that.")).toMatch(/^an apology/)
    expect(describeBadAnswer('{}')).toMatch(/^an empty object/)
    expect(describeBadAnswer('la la la\n'.repeat(10))).toMatch(/^a repetition loop: "la la la" repeated 10 times/)
    const system = {
      role: 'system' as const,
      content:
        'You write one file of a static website in plain HTML, CSS or JavaScript (no frameworks, no external scripts).',
    }
    expect(describeBadAnswer(`Sure. ${system.content}`, [system])).toBe(
      'the instructions echoed back instead of an answer',
    )
    expect(describeBadAnswer('Here is a page with several sentences that differ.')).toBeUndefined()
    expect(repetition('<p>a</p><p>b</p><p>c</p>')).toBeUndefined()
  })
})
