import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { startLoopbackServer } from '../../loopback/server.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import type { RunResult } from '../../../plugin/pipeline/run-pipeline.js'
import { FAULT_SPEC, PLANNED } from './corpus.js'
import { checkSiteConsistent, compareUnchanged, hashTree, readTrackerFile, seedUserFiles } from './site-state.js'

/**
 * Budget (issue 7): `budget: { maxCalls, maxTokens }` stops a run cleanly — the files
 * already written are kept whole and recorded in the tracker, the error says which limit
 * was reached, and the next run with a larger budget asks only for the rest.
 */

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const env = () => ({ ...site!.env, SITESMITH_RETRY_BASE_MS: '2' })
const pages = ['contact.html', 'index.html', 'menu.html']

async function settle(p: Promise<RunResult>): Promise<{ result?: RunResult; error?: Error }> {
  return p.then(
    (result) => ({ result }),
    (error: Error) => ({ error }),
  )
}

describe('per-run budget', () => {
  it.each([
    // plan + stylesheet + script + one of the three pages (they start together; which one is a race)
    ['maxCalls', { maxCalls: 4 }, /run budget exhausted: 4 of maxCalls 4 model calls used/, 1],
    // the plan (~780 tokens) and the two shared files (~310 and ~420) fit; no page prompt (~330) does
    [
      'maxTokens',
      { maxTokens: 1_700 },
      /run budget exhausted: \d+ of maxTokens 1700 tokens used and the next prompt needs about \d+/,
      0,
    ],
  ] as const)(
    '%s: written files kept whole and recorded, the limit named, the next run asks only for the rest',
    async (_limit, budget, message, pagesWritten) => {
      site = await createTempSite({ spec: FAULT_SPEC, respond: scriptedSite() })
      seedUserFiles(site.dir)
      const before = hashTree(site.dir)

      const first = await settle(site.run({ budget, review: { enabled: true } }, { env: env() }))
      const errors = first.error ? [first.error.message] : first.result!.errors
      // Each task the budget stopped says so, naming the limit; nothing else went wrong.
      const stopped = errors.filter((e) => message.test(e))
      expect(stopped.length, errors.join('\n')).toBeGreaterThan(0)
      expect(
        errors.filter((e) => !message.test(e)),
        errors.join('\n'),
      ).toEqual([])
      expect(first.error, 'the budget ends the run with its result, not an exception').toBeUndefined()

      const written = PLANNED.filter((p) => site!.exists(p))
      expect(written.filter((p) => pages.includes(p))).toHaveLength(pagesWritten)
      expect(written).toEqual(expect.arrayContaining(['css/style.css', 'js/main.js']))
      // One error per task not done, and one for the review the budget did not allow.
      expect(first.result!.errors).toHaveLength(PLANNED.length - written.length + 1)
      expect(first.result!.errors.at(-1)).toMatch(/^review:round-1: run budget exhausted/)
      // Kept whole and recorded; nothing the person owns changed.
      expect(compareUnchanged(before, hashTree(site.dir))).toEqual([])
      expect(checkSiteConsistent(site.dir, before)).toEqual([])
      expect(Object.keys(readTrackerFile(site.dir).tracker!.files).sort()).toEqual(written.sort())
      const firstBytes = hashTree(site.dir)

      // A larger budget: only what is missing is asked for; what was written stays as it is.
      site.server.reset(scriptedSite())
      const second = await site.run({ review: { enabled: false } }, { env: env() })
      expect(second.errors).toEqual([])
      const asked = site.server.requests.map((r) => (stageOf(r) === 'generate' ? taskOf(r).path : stageOf(r))).sort()
      expect(asked).toEqual(PLANNED.filter((p) => !written.includes(p)).sort())
      for (const p of written) expect(hashTree(site.dir).get(p)).toBe(firstBytes.get(p))
      for (const p of PLANNED) expect(site.exists(p)).toBe(true)
      expect(checkSiteConsistent(site.dir, before)).toEqual([])
    },
  )

  it('a budget too small for the plan stops before anything is written, naming the limit', async () => {
    site = await createTempSite({ spec: FAULT_SPEC, respond: scriptedSite() })
    seedUserFiles(site.dir)
    const before = hashTree(site.dir)
    const { error } = await settle(site.run({ budget: { maxCalls: 0 } }, { env: env() }))
    expect(error?.message).toMatch(/^plan: run budget exhausted: 0 of maxCalls 0 model calls used/)
    expect(site.server.requests).toEqual([])
    expect(hashTree(site.dir)).toEqual(before)
  })

  it('a coder whose connection is refused spends no call of the budget and is named, not "budget exhausted" (#12)', async () => {
    site = await createTempSite({ spec: FAULT_SPEC, respond: scriptedSite() })
    const dead = await startLoopbackServer({ respond: scriptedSite() })
    const deadURL = dead.url
    await dead.close()
    // The plan and the two files without dependencies, asked at once, fit; were each of their
    // refused attempts (3 with the retries) a call, the budget would stop them.
    const { result, error } = await settle(
      site.run(
        {
          budget: { maxCalls: 3 },
          review: { enabled: false },
          coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: deadURL, maxRetries: 2 },
        },
        { env: env() },
      ),
    )
    expect(error).toBeUndefined()
    expect(site.server.requests.map(stageOf)).toEqual(['plan'])
    const [refused, notRun] = [
      result!.errors.filter((e) => /connection refused/.test(e)),
      result!.errors.filter((e) => /not run: it depends on/.test(e)),
    ]
    expect(refused.map((e) => /^task "[^"]+" \(([^)]+)\)/.exec(e)?.[1]).sort()).toEqual(['css/style.css', 'js/main.js'])
    expect(refused.length + notRun.length).toBe(result!.errors.length)
    expect(notRun.length).toBe(PLANNED.length - 2)
    expect(result!.errors.join('\n')).not.toMatch(/budget/)
    expect(result!.usage.calls).toBe(1)
    expect(result!.usage.summary).toMatch(/^model usage: 1 call,/)
  })
})
