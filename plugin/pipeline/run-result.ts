/**
 * What a run is given and what it returns, and the error a cancelled run ends with: the
 * contract the Vite plugin, the CLI and the tests program against, kept apart from the
 * stage sequence in run-pipeline.ts (which re-exports it).
 */
import type { Diagnostic, Finding } from '../diagnostics/diagnostic.js'
import type { TaskReport } from '../generate/generate-files.js'
import type { ResolvedOptions } from '../options.js'
import type { PlanOutcome } from '../plan/planner.js'
import type { Logger } from '../report/logger.js'
import type { CodeReview, FileTracker } from '../store/artifact-schemas.js'

export interface RunInput {
  options: ResolvedOptions
  logger: Logger
  /** Where the live progress line is drawn (a TTY), if anywhere. */
  stream?: NodeJS.WriteStream
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** `plan` stops after planning (nothing generated, nothing written but nothing else either). */
  until?: 'plan' | 'generate' | 'review'
  /**
   * Another run on the same site (another terminal, a CI job): wait for it (true, up to two
   * minutes, or ms) or fail at once with a message naming its pid. @default true
   */
  waitForLock?: boolean | number
}

export interface RunResult {
  runId: string
  plan: PlanOutcome
  tasks: TaskReport[]
  /** Files written or deleted by generation and fixes in this run (site-relative). */
  changed: string[]
  /** Unresolved findings after the run (static + runtime). */
  findings: Finding[]
  review?: CodeReview
  /** Task failures and refusals: each names the task and the path. */
  errors: string[]
  /** The same, as diagnostics (#11): task, file, source, and line and frame when the gate knew them. */
  problems: Diagnostic[]
  /** Hand-edited files kept as they are. */
  kept: string[]
  /**
   * Of `kept`, those this machine was already told about for the same bytes and task (#12):
   * the notice is given once, when it first becomes true, not on every run.
   */
  keptSaidBefore?: string[]
  /** Files that were missing and were written back from the cache, byte for byte as recorded (#12). */
  restored?: string[]
  /**
   * Chunks of a person's files this run would have changed had `editUserFiles` allowed it
   * (issue 17); nothing was written to them.
   */
  wouldChange?: { path: string; taskId: string; target: string; instructions: string }[]
  /** The file tracker after the run (what sitesmith generated, by path). */
  tracker: FileTracker
  usage: { calls: number; hits: number; tokens: number; summary: string }
  runtimeSkipped?: string
  durationMs: number
}

/** The run's AbortSignal fired (Ctrl-C, the dev server closing) after generation started. */
export class RunCancelledError extends Error {
  readonly code = 'E_ABORTED'
  constructor(
    readonly stage: string,
    /** Files finished before the cancel: written whole and recorded in the tracker. */
    readonly finished: string[],
    /** Tasks that did not finish; the next run does them (and only them). */
    readonly unfinished: number,
    cause?: unknown,
  ) {
    const shown =
      finished.length > 8 ? `${finished.slice(0, 8).join(', ')} and ${finished.length - 8} more` : finished.join(', ')
    super(
      `run cancelled during ${stage}: ${finished.length ? `${finished.length} finished file(s) kept, whole and recorded (${shown})` : 'no file was finished'}` +
        `${unfinished ? `; ${unfinished} task(s) did not finish — the next run does only those` : ''}`,
      { cause },
    )
    this.name = 'RunCancelledError'
  }
}
