import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FAULT_CASES, runFaultCase, type FaultCase } from './corpus.js'

/**
 * Every fault of the corpus through the whole pipeline (see corpus.ts for the oracle): a
 * bounded retry that succeeds or a clear error naming the task or the plan stage, and every
 * pre-existing file — spec.md, .env, package.json, vite.config.ts, a hand-written page —
 * byte-identical afterwards, with nothing written outside the site.
 */
describe('fault corpus', () => {
  it.each(FAULT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outcome = await runFaultCase(c)
    expect(outcome.problems).toEqual([])
    if (c.expect === 'fails') expect(outcome.error).toMatch(c.error!)
    else expect(outcome.error).toBeUndefined()
  })
})

describe('the oracle itself (controls: damage it must notice)', () => {
  it('a user file changed during the run, a file appearing outside the site and a torn generated file are all reported', async () => {
    const control: FaultCase = {
      name: 'control',
      kind: 'content',
      expect: 'recovers',
      // Stands in for a broken writer: the damage happens while the review call is answered.
      fault: (ctx) => (stage) => {
        if (stage === 'review') {
          writeFileSync(join(ctx.site.dir, 'about-us.html'), 'clobbered')
          writeFileSync(join(ctx.outside, 'evil.html'), '<p>escaped</p>')
          writeFileSync(join(ctx.site.dir, 'menu.html'), '<!doctype html>\n<html><body><p>Sourd')
        }
        return undefined
      },
    }
    const outcome = await runFaultCase(control)
    expect(outcome.survived).toBe(false)
    expect(outcome.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^about-us\.html changed/),
        'outside/evil.html appeared',
        'tracked menu.html differs from the tracker\'s hash',
      ]),
    )
  })

  it('a fault that was expected to be survived by a retry but persists is reported', async () => {
    const persistent = FAULT_CASES.find((c) => c.name === '500 on every attempt (coder)')!
    const outcome = await runFaultCase({ ...persistent, expect: 'recovers' })
    expect(outcome.survived).toBe(false)
    expect(outcome.problems.join('\n')).toMatch(/expected recovery, got: task "contact-page" \(contact\.html\)/)
    expect(outcome.problems).toContain('contact.html was not generated')
  })
})
