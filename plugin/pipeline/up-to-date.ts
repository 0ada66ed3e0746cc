/**
 * The result a run returns without running any stage: its inputs are exactly as the last
 * complete run left them (last-run.ts), so nothing is planned, generated or checked.
 */
import type { FileTracker } from '../store/artifact-schemas.js'
import type { LastRun } from './last-run.js'
import type { RunResult } from './run-result.js'

/** The result of a run that found its inputs exactly as the last complete run left them. */
export function upToDate(last: LastRun, started: number, tracker: FileTracker): RunResult {
  return {
    runId: 'up-to-date',
    plan: {
      kind: 'unchanged',
      tasks: [],
      deletes: [],
      replanned: [],
      sections: { added: [], changed: [], removed: [] },
    },
    tasks: Object.keys(tracker.files).map((path) => ({
      taskId: tracker.files[path].generatedBy.taskId,
      path,
      status: 'unchanged' as const,
    })),
    changed: [],
    findings: last.findings,
    errors: [],
    problems: [],
    kept: [],
    tracker,
    usage: { calls: 0, hits: 0, tokens: 0, summary: 'model usage: 0 calls (inputs unchanged since the last run)' },
    ...(last.runtimeSkipped ? { runtimeSkipped: last.runtimeSkipped } : {}),
    durationMs: Date.now() - started,
  }
}
