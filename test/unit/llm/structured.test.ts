import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { z } from 'zod'

import {
  describeIssues,
  extractJson,
  parseStructured,
  repairMessages,
  stripFences,
} from '../../../plugin/llm/structured.js'

const Envelope = z.object({ content: z.string().min(1), summary: z.string() })

describe('extractJson', () => {
  it('parses a plain JSON object', () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } })
  })

  it('finds a fenced ```json block after prose', () => {
    const text =
      'Sure! Here is the file:\n\n```json\n{"content": "<p>hi</p>", "summary": "x"}\n```\nLet me know if you need more.'
    expect(extractJson(text)).toMatchObject({ ok: true, value: { content: '<p>hi</p>', summary: 'x' } })
  })

  it('finds an object embedded in prose, braces inside strings included', () => {
    const text =
      'The answer is {"content": "function f() { return \\"}\\" }", "summary": "s"} — hope it helps {not json}'
    expect(extractJson(text)).toMatchObject({
      ok: true,
      value: { content: 'function f() { return "}" }', summary: 's' },
    })
  })

  it('keeps a content string that itself contains a markdown fence intact', () => {
    const value = { content: '# Title\n\n```js\nconsole.log(1)\n```\n', summary: 'readme' }
    expect(extractJson(`Here:\n${JSON.stringify(value)}`)).toMatchObject({ ok: true, value })
    expect(extractJson(JSON.stringify(value))).toEqual({ ok: true, value })
  })

  it('unwraps a double-encoded object', () => {
    expect(extractJson(JSON.stringify(JSON.stringify({ a: 1 })))).toMatchObject({ ok: true, value: { a: 1 } })
  })

  it('reports an empty answer', () => {
    expect(extractJson('  \n ')).toMatchObject({ ok: false, problem: 'the answer was empty' })
  })

  it('reports prose without JSON', () => {
    const r = extractJson('I cannot do that, sorry.')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.problem).toMatch(/no JSON object found; the answer starts with "I cannot do that/)
  })

  it('reports a truncated object with line and column and no echo of the input', () => {
    const text = '{\n  "content": "<html><body>lots of text'
    const r = extractJson(text)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problem).toMatch(/^not valid JSON: .*at line 2 column \d+ \(the answer stops mid-value: cut off\)$/)
    expect(r.problem).not.toContain('lots of text')
    expect(r.line).toBe(2)
  })

  it('repairs a trailing comma (a documented small-model habit) and says so', () => {
    expect(extractJson('{"a": 1,}')).toEqual({ ok: true, value: { a: 1 }, how: ['repaired JSON syntax'] })
  })

  it('reports an object cut off after a comma at its position instead of repairing it', () => {
    const r = extractJson('{"a": 1, "b": ')
    expect(!r.ok && r.problem).toMatch(
      /^not valid JSON: .* at line 1 column \d+ \(the answer stops mid-value: cut off\)$/,
    )
  })

  it('rejects top-level arrays and scalars as not an object', () => {
    expect(extractJson('[1,2]')).toMatchObject({ ok: false, problem: 'expected one JSON object, got an array' })
    expect(extractJson('42')).toMatchObject({ ok: false })
  })

  it('never throws, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (s) => {
        const r = extractJson(s)
        expect(typeof r.ok).toBe('boolean')
      }),
      { numRuns: 300 },
    )
  })

  it('recovers any object wrapped in prose and fences (property)', () => {
    const obj = fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()),
      { maxKeys: 5 },
    )
    const prose = fc.string({ maxLength: 40 }).filter((s) => !s.includes('{') && !s.includes('`'))
    fc.assert(
      fc.property(obj, prose, prose, fc.boolean(), (o, before, after, fenced) => {
        const json = JSON.stringify(o)
        const text = fenced ? `${before}\n\`\`\`json\n${json}\n\`\`\`\n${after}` : `${before} ${json} ${after}`
        const r = extractJson(text)
        expect(r).toMatchObject({ ok: true, value: o })
      }),
      { numRuns: 300 },
    )
  })
})

describe('stripFences', () => {
  it('removes one fence around the whole text', () => {
    expect(stripFences('```html\n<p>x</p>\n```')).toBe('<p>x</p>')
    expect(stripFences('\n```\nbody { }\n```\n')).toBe('body { }')
  })

  it('leaves text that only contains fences alone', () => {
    const md = '# Readme\n\n```sh\nnpm i\n```\n\nMore text.'
    expect(stripFences(md)).toBe(md)
    expect(stripFences('<p>no fences</p>')).toBe('<p>no fences</p>')
  })

  it('keeps inner fences when the outer one wraps everything', () => {
    expect(stripFences('````md\nA\n```js\nx\n```\n````')).toBe('A\n```js\nx\n```')
  })
})

describe('parseStructured', () => {
  it('returns the typed value', () => {
    expect(parseStructured('{"content":"x","summary":"y"}', Envelope)).toEqual({
      ok: true,
      value: { content: 'x', summary: 'y' },
    })
  })

  it('describes schema problems by path', () => {
    const r = parseStructured('{"content":"","extra":1}', Envelope)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problem).toContain('content: ')
    expect(r.problem).toContain('summary: ')
  })

  it('gives a code frame pointing at a syntax error', () => {
    const r = parseStructured('{\n  "content": "x",\n  "summary": "y",\n  "x": tru', Envelope)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.frame).toContain('> 4 |   "x": tru')
    expect(r.frame).toContain('^')
  })
})

describe('describeIssues', () => {
  it('limits the number of issues quoted', () => {
    const issues = Array.from({ length: 9 }, (_, i) => ({ path: ['tasks', i, 'path'], message: 'Required' }))
    const text = describeIssues(issues)
    expect(text).toContain('tasks.0.path: Required')
    expect(text).toContain('and 3 more')
    expect(text).not.toContain('tasks.8.path')
  })

  it('names the root when the path is empty', () => {
    expect(describeIssues([{ path: [], message: 'Invalid input: expected object, received array' }])).toContain(
      '(root): Invalid input',
    )
  })
})

describe('repairMessages', () => {
  it('echoes the bad answer and quotes the problem', () => {
    const [assistant, user] = repairMessages('{"a":', 'not valid JSON: Unexpected end of JSON input at line 1 column 6')
    expect(assistant).toEqual({ role: 'assistant', content: '{"a":' })
    expect(user.role).toBe('user')
    expect(user.content).toContain('not valid JSON: Unexpected end of JSON input at line 1 column 6')
    expect(user.content).toMatch(/only one JSON object/)
  })

  it('does not echo an empty answer', () => {
    const msgs = repairMessages('', 'the answer was empty')
    expect(msgs).toHaveLength(1)
    expect(msgs[0].content).toContain('the answer was empty')
  })
})
