import { spawn, type ChildProcess } from 'node:child_process'
import { prng } from '../../helpers/seeded.js'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ContentReply, LoopbackRequest, Reply } from '../../loopback/server.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import { normalizeContent } from '../../../plugin/site-files/integrity.js'
import { resolveOptions } from '../../../plugin/options.js'
import { runPipeline } from '../../../plugin/pipeline/run-pipeline.js'
import { silentLogger } from '../../../plugin/report/logger.js'
import { killRunEnv, killRunOptions, type KillRunConfig } from './kill-options.js'
import {
  USER_FILES,
  checkSiteConsistent,
  checkTasksFile,
  hashTree,
  readTrackerFile,
  seedUserFiles,
  sha256,
  type TreeHashes,
} from './site-state.js'

/**
 * Crash safety (issue 7): a 20-task generation (18 pages, a stylesheet, a script; 20–60 ms
 * per model answer, concurrency 4) runs in a child process that is SIGKILLed at a random
 * moment of its run (seeded, so a failure can be replayed). After every kill:
 *
 * - every file of the site is absent (only if it was absent before), its version from
 *   before the run, or the version the run was writing — whole, byte for byte. "The version
 *   the run was writing" is what an uninterrupted run of the same spec leaves, which is
 *   known once the revision is finished (answers are deterministic), so states are recorded
 *   after each kill and judged then;
 * - `.sitesmith/file_tracker.json` and `tasks.json` parse, or are absent;
 * - the person's files (.env, package.json, a hand-written page…) are untouched.
 *
 * Each spec revision changes every page (and drops or restores one page, so deletions are
 * killed too) and is killed `killsPerRevision` times — later children of a revision pick up
 * what the killed ones left, so recovery itself gets killed — and then finished by a
 * normal run, which must complete with no errors, mistake no file for a hand edit, and
 * leave a tracker that agrees with disk.
 *
 * While one child runs, the next two are already loading their modules (they wait for
 * their config on stdin), so mostly the runs themselves cost time.
 */

export interface KillLoopOptions {
  /** SIGKILLs delivered to a running child. @default 30 */
  kills?: number
  /** @default 2 */
  killsPerRevision?: number
  /** PRNG seed for kill moments and answer latencies. @default 7 */
  seed?: number
  /** Upper bound on children started (a child that finishes before its kill moment does not count as a kill). @default 3 × kills */
  maxChildren?: number
}

export interface KillLoopReport {
  /** SIGKILLs delivered while the child was running. */
  killPointsTried: number
  childrenStarted: number
  /** Children that finished before their kill moment came. */
  completedBeforeKill: number
  revisions: number
  /** Files found in a state that is neither absent-as-before, old nor new, plus artifacts that did not parse. */
  filesCorrupted: number
  /** Everything that went wrong, with the seed and kill number. */
  problems: string[]
  /** Kill moments, ms after the child's `start` line. */
  killDelaysMs: number[]
  /** How long an uninterrupted child run of a whole revision took (kill moments are spread over it). */
  spanMs: number
}

export const PAGES = [
  'Home',
  'Menu',
  'Contact',
  'About',
  'Team',
  'Careers',
  'Events',
  'Blog',
  'Gallery',
  'Prices',
  'Catering',
  'Wholesale',
  'Press',
  'Faq',
  'Shop',
  'Gift cards',
  'Classes',
  'Location',
]
/** The page dropped from every third revision and restored in the next one. */
const DROPPED = 'Gift cards'

/** Revision `rev` of the 20-task spec: every section's text mentions the revision. */
export function killSpec(rev: number): string {
  const pages = PAGES.filter((p) => !(p === DROPPED && rev % 3 === 2))
  return [
    '# Harbour Bakery',
    '',
    '## Look and feel',
    `Warm and simple, accent colour #b5532a (revision ${rev}).`,
    '',
    '## Behaviour',
    `A menu button opens the navigation on small screens (revision ${rev}).`,
    '',
    ...pages.flatMap((p) => [`## ${p} page`, `All about ${p.toLowerCase()}, revision ${rev}.`, '']),
    '## Navigation',
    'Every page has the same header navigation.',
    '',
  ].join('\n')
}

interface Child {
  proc: ChildProcess
  out: () => string
  exited: Promise<number | string>
  waitFor(re: RegExp, ms: number): Promise<void>
}

const CHILD = join(REPO, 'test', 'integration', 'faults', 'kill-child.ts')

function startChild(): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: killRunEnv(),
  })
  let out = ''
  let err = ''
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = once(proc, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  return {
    proc,
    out: () => `${out}${err ? `\nstderr: ${err}` : ''}`,
    exited,
    waitFor: (re, ms) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`kill-child did not print ${re} within ${ms} ms: ${out} ${err}`)),
          ms,
        )
        const check = () => re.test(out) && done()
        const onExit = () =>
          setImmediate(() =>
            re.test(out) ? done() : done(new Error(`kill-child exited before printing ${re}: ${out} ${err}`)),
          )
        const done = (e?: Error) => {
          clearTimeout(timer)
          proc.stdout.off('data', check)
          proc.off('exit', onExit)
          if (e) reject(e)
          else resolve()
        }
        proc.stdout.on('data', check)
        proc.once('exit', onExit)
        check()
      }),
  }
}

async function stopChild(c: Child | undefined): Promise<void> {
  if (!c) return
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL')
  await c.exited
}

/** Every site file by hash (`undefined` = absent), from a tree hash. */
type FileStates = Map<string, string | undefined>

export async function runKillLoop(opts: KillLoopOptions = {}): Promise<KillLoopReport> {
  const kills = opts.kills ?? 30
  const perRevision = opts.killsPerRevision ?? 2
  const seed = opts.seed ?? 7
  const maxChildren = opts.maxChildren ?? kills * 3
  const random = prng(seed)
  const scripted = scriptedSite()
  // Every file body served this revision, by path: the whole versions a run may write.
  let served = new Map<string, Set<string>>()
  // A stand-in for a real model: each answer takes 20–60 ms.
  const respond = (req: LoopbackRequest): Reply => {
    const reply = scripted(req)
    if ('fault' in reply) return reply
    if (stageOf(req) === 'generate') {
      const { path } = taskOf(req)
      const content = (JSON.parse(reply.content) as { content: string }).content
      served.set(path, (served.get(path) ?? new Set()).add(`sha256:${sha256(normalizeContent(content))}`))
    }
    return { ...reply, latencyMs: 20 + Math.floor(random() * 40) } satisfies ContentReply
  }
  const site: TempSite = await createTempSite({ spec: killSpec(0), respond })
  const cfg: KillRunConfig = {
    root: site.dir,
    cacheDir: site.cacheDir,
    openaiBaseURL: site.server.openaiBaseURL,
    ollamaURL: site.server.url,
  }
  const env = killRunEnv()
  const report: KillLoopReport = {
    killPointsTried: 0,
    childrenStarted: 0,
    completedBeforeKill: 0,
    revisions: 0,
    filesCorrupted: 0,
    problems: [],
    killDelaysMs: [],
    spanMs: 0,
  }
  const fail = (what: string) => report.problems.push(`[seed ${seed}] ${what}`)
  const userFiles = Object.keys(USER_FILES)
  // Children load their modules ahead of use (two at a time), so a kill costs a run, not a start-up.
  const pool: Child[] = []
  const take = (): Child => {
    while (pool.length < 3) pool.push(startChild())
    return pool.shift()!
  }

  const finishRun = async (label: string, before: TreeHashes) => {
    const result = await runPipeline({
      options: resolveOptions(killRunOptions(cfg), { root: site.dir, env }),
      logger: silentLogger,
      env,
    })
    if (result.errors.length) fail(`${label}: the run after the kills reported errors: ${result.errors.join('; ')}`)
    if (result.kept.length) fail(`${label}: files mistaken for hand edits: ${result.kept.join(', ')}`)
    for (const p of checkSiteConsistent(site.dir, before)) fail(`${label}: ${p}`)
    return result
  }

  let rev = 0
  /** Runs one whole revision in a child without killing it; returns how long its run took. */
  const calibrate = async (): Promise<number> => {
    site.write('spec.md', killSpec(++rev))
    const before = hashTree(site.dir)
    const child = take()
    await child.waitFor(/^ready$/m, 30_000)
    report.childrenStarted++
    child.proc.stdin!.write(`${JSON.stringify(cfg)}\n`)
    await child.waitFor(/^start$/m, 30_000)
    const started = performance.now()
    await child.exited
    const ms = performance.now() - started
    if (!/^done \{"errors":\[\],"kept":\[\]\}/m.test(child.out())) fail(`calibration run: ${child.out().slice(-600)}`)
    for (const p of checkSiteConsistent(site.dir, before)) fail(`calibration run: ${p}`)
    report.spanMs = Math.round(ms)
    return ms
  }

  try {
    seedUserFiles(site.dir)
    const userHashes = hashTree(site.dir)
    await finishRun('revision 0', hashTree(site.dir))
    // Kill moments are spread over the length of a whole run in a child, measured once on a
    // revision of its own (every page changes). A child that finishes before its moment
    // (the children killed before it left little to do) just completes and is not counted.
    const span = await calibrate()

    for (rev++; report.killPointsTried < kills && report.childrenStarted < maxChildren; rev++) {
      report.revisions++
      site.write('spec.md', killSpec(rev))
      const before = hashTree(site.dir)
      served = new Map()
      const states: { label: string; files: FileStates }[] = []

      for (let k = 0; k < perRevision && report.killPointsTried < kills && report.childrenStarted < maxChildren; k++) {
        const child = take()
        await child.waitFor(/^ready$/m, 30_000)
        report.childrenStarted++
        child.proc.stdin!.write(`${JSON.stringify(cfg)}\n`)
        await child.waitFor(/^start$/m, 30_000)
        // The first child of a revision has all of it to do; later ones about half on average.
        const delay = Math.floor(random() * span * (k === 0 ? 1.1 : 0.6))
        const label = `revision ${rev} kill ${k + 1} (${delay} ms after start)`
        const exitedFirst = await Promise.race([
          child.exited.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), delay)),
        ])
        if (exitedFirst) {
          report.completedBeforeKill++
          if (!/^done /m.test(child.out()))
            fail(`${label}: the child ended on its own without finishing: ${child.out().slice(-600)}`)
        } else {
          child.proc.kill('SIGKILL')
          const how = await child.exited
          if (how === 'SIGKILL') {
            report.killPointsTried++
            report.killDelaysMs.push(delay)
          } else report.completedBeforeKill++
        }
        // Judge now what can be judged now; the rest once the revision's final bytes are known.
        const tree = hashTree(site.dir)
        const { problem } = readTrackerFile(site.dir)
        const artifactProblems = [...(problem ? [problem] : []), ...checkTasksFile(site.dir)]
        for (const p of artifactProblems) fail(`${label}: ${p}`)
        report.filesCorrupted += artifactProblems.length
        for (const p of userFiles) if (tree.get(p) !== userHashes.get(p)) fail(`${label}: the user's ${p} changed`)
        states.push({
          label,
          files: new Map([...new Set([...before.keys(), ...tree.keys()])].map((p) => [p, tree.get(p)])),
        })
      }

      await finishRun(`revision ${rev}`, before)
      const final = hashTree(site.dir)
      // A file may be its bytes from before the revision, or exactly one whole answer the
      // model gave for its path during the revision (normalised as the writer writes it).
      // Not "whatever the finishing run left": a torn file kept as a hand edit would pass that.
      // Absent only if it was absent before, or the revision deletes it.
      const legit = (path: string, hash: string | undefined) =>
        hash === undefined
          ? !before.has(path) || !final.has(path)
          : hash === before.get(path) || !!served.get(path)?.has(hash)
      const judged: { label: string; files: FileStates }[] = [
        ...states,
        { label: `revision ${rev} after the finishing run`, files: new Map(final) },
      ]
      for (const { label, files } of judged) {
        for (const [path, hash] of files) {
          if (userFiles.includes(path) || path === 'spec.md' || legit(path, hash)) continue
          // Temp files of an interrupted atomic write are expected; the next run removes them.
          if (hash !== undefined && /(^|\/)\.[^/]+\.sitesmith-tmp$/.test(path)) continue
          report.filesCorrupted++
          fail(
            `${label}: ${path} is ${hash === undefined ? 'missing' : 'neither its old version nor a whole answer'} (old ${before.get(path)?.slice(0, 19) ?? 'absent'}, found ${hash?.slice(0, 19)})`,
          )
        }
      }
    }
    // The last state must be a clean one: nothing pending, nothing locked.
    for (const leftover of ['pending.jsonl', 'lock'])
      if (existsSync(join(site.dir, '.sitesmith', leftover))) fail(`.sitesmith/${leftover} left after the final run`)
    if (site.server.unmatched.length)
      fail(`unmatched model requests: ${site.server.unmatched.map((u) => u.reason).join('; ')}`)
    return report
  } finally {
    for (const c of pool) await stopChild(c)
    await site.dispose()
  }
}
