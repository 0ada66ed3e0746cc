import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createTempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import { FAULT_CASES, FAULT_SPEC, runFaultCase, type FaultCase } from './corpus.js'
import { DOTENV_SECRETS } from './site-state.js'

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
  it('a user file changed during the run, a file appearing outside the site, a torn generated file and a secret in .sitesmith/ are all reported', async () => {
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
          writeFileSync(join(ctx.site.dir, '.sitesmith', 'debug.log'), `token=${DOTENV_SECRETS.SECRET_TOKEN}\n`)
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
        "tracked menu.html differs from the tracker's hash",
        'secret leaked: SECRET_TOKEN (.env) in site/.sitesmith/debug.log',
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

describe('SITESMITH_RETRY_BASE_MS (how the corpus keeps retries fast)', () => {
  it('sets the first backoff delay of model retries; a bad value is refused naming the variable', async () => {
    let failed = false
    const site = await createTempSite({
      spec: FAULT_SPEC,
      respond: scriptedSite({
        override: (stage, req) => {
          if (stage !== 'generate' || taskOf(req).path !== 'menu.html' || failed) return undefined
          failed = true
          return { fault: 'status', status: 500 }
        },
      }),
    })
    try {
      const bad = await site.run({}, { env: { ...site.env, SITESMITH_RETRY_BASE_MS: 'fast' } }).catch((e: Error) => e)
      expect((bad as Error).message).toBe(
        'sitesmith option "SITESMITH_RETRY_BASE_MS": must be a whole number of milliseconds from 0 to 60000, got "fast"',
      )
      expect(site.server.requests).toEqual([])

      // 1500 ms base: the first retry waits at least half of it ("equal jitter"); the
      // default (500 ms) would have retried after 250–500 ms.
      const result = await site.run(
        { review: { enabled: false } },
        { env: { ...site.env, SITESMITH_RETRY_BASE_MS: '1500' } },
      )
      expect(result.errors).toEqual([])
      const [first, retry] = site.server.requests.filter(
        (r) => stageOf(r) === 'generate' && taskOf(r).path === 'menu.html',
      )
      expect(retry.receivedAt - first.respondedAt!).toBeGreaterThanOrEqual(740)
    } finally {
      await site.dispose()
    }
  })
})
