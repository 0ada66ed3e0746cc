import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { LoopbackRequest, Reply } from '../../loopback/server.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { stageOf, type Stage } from '../../helpers/scripted-site.js'
import { seededSite } from '../../helpers/seeded-defects.js'

/**
 * Issue #12: every interruption is resumed. A run in a child process is SIGKILLed at a
 * deterministic point — while it waits for the model's answer to a given request — and the
 * next run must complete exactly the missing work: its code_review.json and the site equal
 * those of a run that was never killed.
 */
const SPEC = `# Harbour Books

## Look and feel
Warm paper tones.

## Behaviour
The header menu collapses on phones.

## Home page
An independent bookshop by the harbour.

## Events page
Readings every Thursday evening.
`

const sites: TempSite[] = []
afterEach(async () => {
  for (const s of sites.splice(0)) await s.dispose()
})

type Killer = { at?: (req: LoopbackRequest, n: number) => boolean; kill?: () => void }

async function seeded(killer: Killer = {}): Promise<TempSite> {
  const site = seededSite({ secondPage: 'events.html' })
  let n = 0
  const respond = (req: LoopbackRequest): Reply => {
    n++
    if (killer.at?.(req, n) && killer.kill) {
      killer.kill()
      killer.kill = undefined
      return { fault: 'hang' }
    }
    return site.respond(req)
  }
  const s = await createTempSite({ spec: SPEC, respond })
  sites.push(s)
  return s
}

/** One pipeline run in a child process, SIGKILLed by the loopback server when `killer.at` matches. */
async function killedRun(site: TempSite, killer: Killer): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test', 'integration', 'pipeline', 'run-child.ts'), JSON.stringify({ root: site.dir, options: site.pluginOptions() })], {
    cwd: REPO,
    env: { ...site.env, SITESMITH_RETRY_BASE_MS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  killer.kill = () => child.kill('SIGKILL')
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
  return signal ?? String(code)
}

const review = (s: TempSite) => {
  const { run: _run, ...rest } = JSON.parse(readFileSync(join(s.dir, '.sitesmith', 'code_review.json'), 'utf8')) as { run: string }
  return rest
}

let reference: { review: unknown; files: Map<string, string> } | undefined
async function unkilled() {
  if (reference) return reference
  const s = await seeded()
  const r = await s.run()
  expect(r.errors).toEqual([])
  reference = { review: review(s), files: s.snapshot() }
  return reference
}

const at = (stage: Stage, nth = 1) => {
  let seen = 0
  return (req: LoopbackRequest) => stageOf(req) === stage && ++seen === nth
}

describe('a run killed at a model request is resumed by the next run', () => {
  const points: Array<[string, Killer['at']]> = [
    ['plan', at('plan')],
    ['generate (the third file)', at('generate', 3)],
    ['review', at('review')],
    ['fix', at('fix')],
  ]
  for (const [name, point] of points) {
    it(`killed at ${name}: the next run's code_review.json and files match a run never killed`, async () => {
      const ref = await unkilled()
      const killer: Killer = { at: point }
      const site = await seeded(killer)
      expect(await killedRun(site, killer)).toBe('SIGKILL')
      expect(killer.kill).toBeUndefined() // the kill point was reached
      const next = await site.run()
      expect(next.errors).toEqual([])
      expect(review(site)).toEqual(ref.review)
      expect(site.snapshot()).toEqual(ref.files)
      // And then the site is done: nothing left to ask.
      site.server.reset()
      await site.run()
      expect(site.server.requests).toEqual([])
    })
  }
})

describe('a review that did not finish is not dropped', () => {
  it('out of budget at the review: the next run reviews those files (and only says "up to date" after)', async () => {
    const ref = await unkilled()
    const site = await seeded()
    const first = await site.run({ budget: { maxCalls: 5 } }) // plan + 4 files: the review is over budget
    expect(first.errors.join('\n')).toMatch(/budget|maxCalls/)
    site.server.reset()
    const next = await site.run()
    expect(next.errors).toEqual([])
    expect(site.server.requests.map(stageOf)).toContain('review')
    expect(review(site)).toEqual(ref.review)
  })
})
