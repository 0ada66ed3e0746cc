import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { build } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { LoopbackRequest, Reply } from '../../loopback/server.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, type Stage } from '../../helpers/scripted-site.js'
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
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO, 'test', 'integration', 'pipeline', 'run-child.ts'),
      JSON.stringify({ root: site.dir, options: site.pluginOptions() }),
    ],
    {
      cwd: REPO,
      env: { ...site.env, SITESMITH_RETRY_BASE_MS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  killer.kill = () => child.kill('SIGKILL')
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
  return signal ?? String(code)
}

const review = (s: TempSite) => {
  const { run: _run, ...rest } = JSON.parse(readFileSync(join(s.dir, '.sitesmith', 'code_review.json'), 'utf8')) as {
    run: string
  }
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

/**
 * The last kill point of #12's acceptance: `vite build` SIGKILLed while its dist check waits
 * for the browser it started (a stand-in binary that reports its start over a socket), so
 * no dist-check.json is written; the next build must check dist/ and end as a build that
 * was never killed.
 */
describe('a vite build killed at the dist check is resumed by the next build', () => {
  const withBrowser = (s: TempSite) => s.pluginOptions({ runtimeCheck: { enabled: true } })
  const viteBuild = (s: TempSite) =>
    build({
      root: s.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [sitesmith(withBrowser(s))],
      build: { outDir: join(s.dir, 'dist') },
    })
  const distCheck = (s: TempSite) =>
    JSON.parse(readFileSync(join(s.dir, '.sitesmith', 'dist-check.json'), 'utf8')) as unknown
  const dist = (s: TempSite) => new Map([...s.snapshot()].filter(([p]) => p.startsWith('dist/')))
  const fresh = async () => {
    const s = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    sites.push(s)
    return s
  }

  it('the next build checks dist/ again; its code_review.json, dist/ and dist check match a build never killed', async () => {
    const ref = await fresh()
    await viteBuild(ref)

    const site = await fresh()
    // The site generated and reviewed; the killed build's own run is then a no-op, so the
    // only browser it starts is the dist check's.
    expect((await site.run({ runtimeCheck: { enabled: true } })).errors).toEqual([])

    const runLog = () => readFileSync(join(site.dir, '.sitesmith', 'run.jsonl'), 'utf8')
    const logged = runLog()
    // The dist check's "Chromium" says it was started, then waits: the kill lands there.
    const launched = createServer()
    await new Promise<void>((resolve) => launched.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => void launched.close())
    const port = (launched.address() as { port: number }).port
    const fake = join(site.dir, '..', `${site.dir.split('/').pop()}-chromium.mjs`)
    writeFileSync(
      fake,
      `#!${process.execPath}\nimport { connect } from 'node:net'\nconnect(${port}, '127.0.0.1').end('launched')\nsetInterval(() => {}, 1000)\n`,
    )
    chmodSync(fake, 0o755)
    onTestFinished(() => rmSync(fake, { force: true }))
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO, 'test', 'integration', 'faults', 'build-child.ts'),
        JSON.stringify({ root: site.dir, options: withBrowser(site) }),
      ],
      {
        cwd: REPO,
        env: { ...site.env, SITESMITH_CHROMIUM: fake },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    )
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    })
    await once(launched, 'connection')
    process.kill(-child.pid!, 'SIGKILL') // the build and its fake browser
    const [, signal] = (await once(child, 'exit')) as [number | null, string | null]
    expect(signal).toBe('SIGKILL')
    expect(() => distCheck(site)).toThrow(/ENOENT/)
    // The killed build's run was the no-op short cut (it logs nothing), so the browser it
    // started was the dist check's.
    expect(runLog()).toBe(logged)

    site.server.reset()
    await viteBuild(site)
    expect(site.server.requests).toEqual([])
    expect(distCheck(site)).toEqual(distCheck(ref))
    expect(review(site)).toEqual(review(ref))
    expect(dist(site)).toEqual(dist(ref))
  })
})
