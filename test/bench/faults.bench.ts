import { FAULT_CASES, runFaultCase, type FaultOutcome } from '../integration/faults/corpus.js'
import { runKillLoop } from '../integration/faults/kill-loop.js'
import type { BenchResult } from './types.js'

/**
 * Reliability figures (issue 7), from real runs: the whole fault corpus through the pipeline
 * and the loopback model server (test/integration/faults/corpus.ts), and a kill loop of 30
 * SIGKILLs at seeded random moments of a 20-task generation in a child process
 * (test/integration/faults/kill-loop.ts). The oracles are the ones the tests assert; this
 * only counts. The kill loop uses another seed than the test, so the two together try 60
 * different moments.
 */
const KILL_SEED = 11
const ESCAPE_KINDS = ['path', 'protected', 'tool', 'secret', 'terminal'] as const

export async function run(): Promise<BenchResult> {
  const outcomes: FaultOutcome[] = []
  for (const c of FAULT_CASES) outcomes.push(await runFaultCase(c))
  const failed = outcomes.filter((o) => !o.survived)
  for (const o of failed) process.stdout.write(`  fault not survived: ${o.name}\n    ${o.problems.join('\n    ')}\n`)

  const kill = await runKillLoop({ kills: 30, seed: KILL_SEED })
  for (const p of kill.problems) process.stdout.write(`  kill loop: ${p}\n`)

  const kindOf = (o: FaultOutcome) => FAULT_CASES.find((c) => c.name === o.name)!.kind
  const escapes = outcomes.filter((o) => (ESCAPE_KINDS as readonly string[]).includes(kindOf(o)))
  const kinds = [...new Set(FAULT_CASES.map((c) => c.kind))]
    .map((k) => `${k} ${FAULT_CASES.filter((c) => c.kind === k).length}`)
    .join(', ')
  return {
    faults_tried: {
      value: outcomes.length,
      unit: 'faults',
      note: `whole-pipeline runs, one injected fault each (${kinds})`,
    },
    faults_survived: {
      value: outcomes.length - failed.length,
      unit: 'faults',
      target: `all (${outcomes.length})`,
      note: 'bounded retry that succeeds or a clear error naming the task/stage; every pre-existing file byte-identical; written files whole and tracked; no secret leaked',
    },
    // Issue #10: the cases where a hostile model or page tries to get out — a path outside the
    // site, a protected or tool-loaded file, a secret (also encoded), a terminal escape.
    escapes_tried: {
      value: escapes.length,
      unit: 'escapes',
      note: `corpus cases of kinds ${ESCAPE_KINDS.join(', ')} (${ESCAPE_KINDS.map((k) => `${k} ${escapes.filter((o) => kindOf(o) === k).length}`).join(', ')})`,
    },
    escapes_held: {
      value: escapes.filter((o) => o.survived).length,
      unit: 'escapes',
      target: `all (${escapes.length})`,
      note: 'refused with a clear error naming the task or stage; nothing outside the site or protected touched; no secret leaked; no raw escape printed',
    },
    kill_points_tried: {
      value: kill.killPointsTried,
      unit: 'kills',
      note: `SIGKILLs of a 20-task run (seed ${KILL_SEED}, ${kill.revisions} spec revisions, moments 0–${Math.max(...kill.killDelaysMs)} ms into a ~${kill.spanMs} ms run)`,
    },
    files_corrupted: {
      value: kill.filesCorrupted + outcomes.reduce((n, o) => n + o.filesDamaged, 0),
      unit: 'files',
      target: '0',
      note: 'kill loop: files neither old nor a whole answer, artifacts that do not parse; corpus: pre-existing files changed, outside files touched, written files not whole',
    },
    secrets_leaked: {
      value: outcomes.reduce((n, o) => n + o.leaks.length, 0),
      unit: 'leaks',
      target: '0',
      note: 'env key and .env values found in request bodies, site files, .sitesmith/, the cache, errors or output, over every corpus run',
    },
  }
}
