import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { DEFAULT_SUITE_DIR, loadSuite, parseChecks, SuiteError } from '../../../plugin/cli/eval-suite.js'
import { parseSpec } from '../../../plugin/spec/sections.js'
import { loadReferences } from '../../helpers/eval-reference.js'

/** Suite files of `sitesmith eval` (issue #15): checks are data, validated with errors naming file, check and step. */

const parse = (value: unknown) => () => parseChecks(JSON.stringify(value), 'suite/todo/checks.json')

describe('eval suite files', () => {
  it("the shipped suite loads: every spec has checks, and every reference plan names only its spec's sections", () => {
    const suite = loadSuite(DEFAULT_SUITE_DIR)
    expect(suite.length).toBeGreaterThanOrEqual(3)
    for (const s of suite) expect(s.checks.length, s.name).toBeGreaterThanOrEqual(2)
    const refs = loadReferences()
    expect(refs.map((r) => r.name)).toEqual(suite.map((s) => s.name))
    for (const r of refs) {
      const ids = new Set(parseSpec(r.spec).sections.map((s) => s.id))
      for (const t of r.plan.tasks) {
        for (const id of t.sections) expect(ids, `${r.name}: ${t.path}`).toContain(id)
        expect(r.files.has(t.path), `${r.name}: ${t.path}`).toBe(true)
      }
      for (const c of suite.find((s) => s.name === r.name)!.checks)
        expect(r.files.has(c.page), `${r.name}: ${c.page}`).toBe(true)
    }
  })

  it('reads steps of every action', () => {
    const checks = parseChecks(
      JSON.stringify([
        {
          name: 'all',
          page: 'index.html',
          clock: true,
          steps: [
            { goto: 'cart.html' },
            { fill: '#q', value: 'x' },
            { click: '#add' },
            { select: '#size', value: 'L' },
            { check: '#agree' },
            { press: 'Enter', on: '#q' },
            { tick: 1000 },
            { reload: true },
            { expect: '#list li', text: 'x', count: 1, visible: true },
            { expect: '#q', attr: 'aria-invalid', equals: 'true' },
            { url: 'cart.html' },
          ],
        },
      ]),
      'checks.json',
    )
    expect(checks[0].steps).toHaveLength(11)
    expect(checks[0].clock).toBe(true)
  })

  it('names the file, the check and the step of what is wrong', () => {
    expect(parse({})).toThrow(new SuiteError('suite/todo/checks.json: must be a non-empty JSON array of checks'))
    expect(() => parseChecks('[{', 'a/checks.json')).toThrow(/^a\/checks\.json: not valid JSON/)
    expect(parse([{ name: 'adds', page: 'index.html', steps: [{ click: '#add' }, { clik: '#x' }] }])).toThrow(
      'suite/todo/checks.json: check 1 ("adds") step 2: a step has exactly one action of goto, fill, click, select, check, press, tick, reload, expect, url; got clik',
    )
    expect(parse([{ name: 'two', page: 'index.html', steps: [{ click: '#a', fill: '#b' }] }])).toThrow(
      /check 1 \("two"\) step 1: a step has exactly one action .*; got click, fill$/,
    )
    expect(parse([{ name: 'fill', page: 'index.html', steps: [{ fill: '#a' }] }])).toThrow(
      /check 1 \("fill"\) step 1 \(fill\): value: /,
    )
    expect(parse([{ name: 'extra', page: 'index.html', steps: [{ click: '#a', text: 'x' }] }])).toThrow(
      /step 1 \(click\): .*text/,
    )
    expect(parse([{ name: 'attr', page: 'index.html', steps: [{ expect: '#a', attr: 'href' }] }])).toThrow(
      /step 1 \(expect\): "attr" and "equals" go together/,
    )
    expect(parse([{ name: 'out', page: '../etc/passwd', steps: [{ click: '#a' }] }])).toThrow(
      /check 1 \("out"\): page: must be a site-relative path/,
    )
    expect(parse([{ name: 'none', page: 'index.html', steps: [] }])).toThrow(
      /check 1 \("none"\): steps: a check needs at least one step/,
    )
    expect(parse([{ name: 'time', page: 'index.html', steps: [{ tick: 100 }] }])).toThrow(
      /check 1 \("time"\): a "tick" step needs "clock": true/,
    )
    expect(
      parse([
        { name: 'a', page: 'index.html', steps: [{ click: '#a' }] },
        { name: 'a', page: 'index.html', steps: [{ click: '#a' }] },
      ]),
    ).toThrow(/check 2 \("a"\): another check has the same name/)
  })

  it('a suite folder: a missing file or an unknown spec name is an error naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    mkdirSync(join(dir, 'one'))
    writeFileSync(join(dir, 'one', 'spec.md'), '# One\n')
    expect(() => loadSuite(dir)).toThrow(
      `${join(dir, 'one', 'checks.json')}: missing (each spec folder has spec.md and checks.json)`,
    )
    writeFileSync(
      join(dir, 'one', 'checks.json'),
      JSON.stringify([{ name: 'x', page: 'index.html', steps: [{ click: '#a' }] }]),
    )
    expect(loadSuite(dir).map((s) => s.name)).toEqual(['one'])
    expect(() => loadSuite(dir, ['two'])).toThrow(`${dir}: no spec named two (the suite has one)`)
  })
})
