import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runPipeline } from '../../../plugin/pipeline/run-pipeline.js'
import { silentLogger } from '../../../plugin/report/logger.js'
import { SiteLockedError, readSiteLockOwner } from '../../../plugin/store/site-lock.js'
import type { LoopbackRequest, Reply } from '../../loopback/server.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { FAULT_SPEC, PLANNED } from './corpus.js'
import { checkSiteConsistent, hashTree } from './site-state.js'
import { waitUntil } from '../../helpers/wait.js'

/**
 * One run per site (issue 7), through the real entry points: `node dist/cli.js generate` in
 * two processes, and `runPipeline` against a CLI process. The first run is held inside its
 * plan call by the loopback server, so it provably holds the lock while the second starts.
 */

interface Cli {
  proc: ChildProcess
  output: () => string
  exited: Promise<number | string>
}

let site: TempSite | undefined
let children: Cli[] = []
afterEach(async () => {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL')
    await c.exited
  }
  children = []
  await site?.dispose()
  site = undefined
})

/** `sitesmith generate <site>` with only the environment it needs (no CI: the cache must not be frozen). */
function cli(s: TempSite): Cli {
  const env = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: 'sk-loopback-lock-test-0000',
    OPENAI_BASE_URL: s.server.openaiBaseURL,
    OLLAMA_HOST: s.server.url,
    SITESMITH_RETRY_BASE_MS: '2',
  }
  const proc = spawn(
    process.execPath,
    [join(REPO, 'dist', 'cli.js'), 'generate', s.dir, '--no-runtime', '--no-review'],
    { cwd: s.dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
  const c: Cli = {
    proc,
    output: () => out,
    exited: once(proc, 'exit').then(([code, signal]) => (code ?? signal) as number | string),
  }
  children.push(c)
  return c
}

/** The first plan request waits until `release()`; everything else is answered at once. */
function heldPlan() {
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let held = false
  const scripted = scriptedSite()
  const respond = async (req: LoopbackRequest): Promise<Reply> => {
    if (stageOf(req) === 'plan' && !held) {
      held = true
      await gate
    }
    return scripted(req)
  }
  return { respond, release, isHeld: () => held }
}

describe('one run per site', () => {
  it('a second `sitesmith generate` waits for the first, says whose run it waits for, then finds nothing left to do', async () => {
    const held = heldPlan()
    site = await createTempSite({ spec: FAULT_SPEC, respond: held.respond })
    const first = cli(site)
    await waitUntil('the first run to hold its plan call', held.isHeld, { timeout: 15_000, describe: first.output })
    const holder = readSiteLockOwner(site.dir)
    expect(holder?.pid).toBe(first.proc.pid)

    const second = cli(site)
    await waitUntil('the second run to say it waits', () => /waiting for the run of pid \d+/.test(second.output()), {
      timeout: 15_000,
      describe: second.output,
    })
    expect(second.output()).toContain(`waiting for the run of pid ${first.proc.pid} on this site to finish`)
    expect(site.server.requests).toHaveLength(1) // the second run has asked nothing

    held.release()
    expect(await first.exited, first.output()).toBe(0)
    expect(await second.exited, second.output()).toBe(0)
    // The second run saw the first one's plan and files: no model call of its own.
    expect(site.server.requests.filter((r) => stageOf(r).startsWith('plan'))).toHaveLength(1)
    expect(second.output()).toMatch(/up to date/)
    for (const p of PLANNED) expect(site.exists(p)).toBe(true)
    expect(existsSync(join(site.dir, '.sitesmith', 'lock'))).toBe(false)
  })

  it('runPipeline with waitForLock: false refuses at once with a message naming the holder', async () => {
    const held = heldPlan()
    site = await createTempSite({ spec: FAULT_SPEC, respond: held.respond })
    const first = cli(site)
    await waitUntil('the first run to hold its plan call', held.isHeld, { timeout: 15_000, describe: first.output })

    const refused = await runPipeline({
      options: site.options(),
      logger: silentLogger,
      env: site.env,
      waitForLock: false,
    }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(SiteLockedError)
    // Refused at once: the message names the holder and does not claim a wait that did not happen.
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^Site .* is locked by another sitesmith run \\(pid ${first.proc.pid} on .*, running since .*\\)\\. Wait for that run to finish or stop it\\.`,
      ),
    )
    expect(site.server.requests).toHaveLength(1)

    held.release()
    expect(await first.exited, first.output()).toBe(0)
  })

  it('a lock left by a SIGKILLed run is taken over at once, and the run completes', async () => {
    const held = heldPlan()
    site = await createTempSite({ spec: FAULT_SPEC, respond: held.respond })
    const first = cli(site)
    await waitUntil('the first run to hold its plan call', held.isHeld, { timeout: 15_000, describe: first.output })
    const before = hashTree(site.dir)
    first.proc.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    expect(readSiteLockOwner(site.dir)?.pid).toBe(first.proc.pid) // the dead run's lock is still on disk

    const second = cli(site)
    expect(await second.exited, second.output()).toBe(0)
    expect(second.output()).toMatch(
      new RegExp(`took over the lock on .* from pid ${first.proc.pid} on .* \\(that process no longer exists\\)`),
    )
    // Nobody is waited for: the dead holder is recognised as dead, not announced as a run in progress.
    expect(second.output()).not.toMatch(/waiting for the run of pid/)
    for (const p of PLANNED) expect(site.exists(p)).toBe(true)
    expect(checkSiteConsistent(site.dir, before)).toEqual([])
    expect(existsSync(join(site.dir, '.sitesmith', 'lock'))).toBe(false)
  })
})
