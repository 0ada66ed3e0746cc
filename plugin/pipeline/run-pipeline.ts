import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { diagnosticsOf, type Diagnostic, type Finding } from '../diagnostics/diagnostic.js'
import { Progress } from '../report/progress.js'
import { parseSpec, sectionHashes, type SpecSection } from '../spec/sections.js'
import { readSpec } from '../spec/read-spec.js'
import {
  SITESMITH_DIR,
  readCodeReview,
  readTasks,
  readTracker,
  sitesmithDir,
  writeCodeReview,
  writeTasks,
  writeTracker,
} from '../store/artifacts.js'
import { removeAtomicTempFiles } from '../store/atomic-write.js'
import { realSiteFolder } from '../site-files/paths.js'
import { acquireSiteLock, isLockOwnerDead, readSiteLockOwner } from '../store/site-lock.js'
import type { CodeReview, Task } from '../store/artifact-schemas.js'
import { plan } from '../plan/planner.js'
import { singleCallSections } from '../plan/shard-size.js'
import { generateFiles } from '../generate/generate-files.js'
import { SiteWriter } from '../site-files/site-writer.js'
import { reviewLoop } from '../review/review-loop.js'
import { BudgetExceededError } from '../llm/errors.js'
import { roleLimits } from '../llm/context-budget.js'
import { createModelSession, type ModelSession } from './model-session.js'
import { checkSiteNow, visualShots, type SiteChecker } from './site-checks.js'
import { fingerprint, readLastRun, writeLastRun } from './last-run.js'
import { loadTracker } from './tracker-recovery.js'
import { readKeptNotices, recordKeptNotices } from './kept-notices.js'
import { ensureStateGitignore } from './state-gitignore.js'
import {
  carriedRuntimeFindings,
  emptyReview,
  recordRuntimeFindings,
  reviewedAfter,
  unreviewedFiles,
} from './verdicts.js'
import { existingPaths, generatedPaths, protectedPaths, userPaths } from './run-paths.js'
import { planSummary } from './plan-summary.js'
import { upToDate } from './up-to-date.js'
import { RunCancelledError, type RunInput, type RunResult } from './run-result.js'

export { RunCancelledError, type RunInput, type RunResult } from './run-result.js'
export { SpecError, SpecNotFoundError } from '../spec/read-spec.js'

/**
 * One run of the whole pipeline (docs/ARCHITECTURE.md, "Data flow"):
 * spec → plan → generate → check → review → fix → report. Every stage is a function of its
 * inputs; only the site writer touches the user's files; every model call goes through the
 * cache. The Vite plugin and the CLI both call this.
 */
export async function runPipeline(input: RunInput): Promise<RunResult> {
  const { options, logger } = input
  const env = input.env ?? process.env
  const started = Date.now()
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`
  const progress = new Progress({ logger, stream: input.stream, env })
  // Validated before anything is created or the lock, the cache or a model is touched: a run
  // without a usable spec leaves the folder as it was (#14) and costs nothing (#12).
  const specText = readSpec(options.specPath, relative(options.root, options.specPath) || options.specPath)
  const stateDir = sitesmithDir(options.siteDir)
  mkdirSync(stateDir, { recursive: true })
  ensureStateGitignore(stateDir)

  if (input.until === undefined) {
    const last = readLastRun(options)
    if (last && last.fingerprint === fingerprint(options, specText))
      return upToDate(last, started, await readTracker(options.siteDir))
  }

  // One run per site at a time (issue 7): a second process waits for, or is refused by, the lock.
  const holder = readSiteLockOwner(options.siteDir)
  // A killed run's lock is taken over at once (the lock says so); announcing a wait for it would mislead.
  if (holder && holder.pid !== process.pid && input.waitForLock !== false && !isLockOwnerDead(holder))
    progress.line(`waiting for the run of pid ${holder.pid} on this site to finish…`)
  const release = await acquireSiteLock(options.siteDir, {
    wait: input.waitForLock ?? true,
    signal: input.signal,
    logger: { warn: (m: string) => progress.line(m, 'warn') },
  })
  let session: ModelSession | undefined
  try {
    const models = await createModelSession({ options, env, runId, progress, signal: input.signal })
    session = models
    const previous = await readTasks(options.siteDir)
    // Ids of repeated headings follow their text from the last plan (#12).
    const spec = parseSpec(specText, previous.sectionHashes)
    const sections = new Map<string, SpecSection>(spec.sections.map((s) => [s.id, s]))
    const tracker = await loadTracker({
      siteDir: options.siteDir,
      previous,
      blobs: models.blobs,
      coderId: models.coderId,
      warn: (m) => progress.line(m, 'warn'),
    })
    const guarded = protectedPaths(options)
    const writer = new SiteWriter({
      siteDir: options.siteDir,
      protectedPaths: guarded,
      tracker,
      overwriteHandEdits: options.overwriteHandEdits,
      stateDir,
      blobs: models.blobs,
      secrets: models.secrets,
      editUserFiles: options.editUserFiles,
      runId,
    })
    // Temp files a killed run left behind are not the site's; they are removed, never served.
    const dirs = new Set([
      '.',
      SITESMITH_DIR,
      ...Object.keys(tracker.files).map((p) => posix.dirname(p)),
      ...previous.tasks.map((t) => posix.dirname(t.path)),
    ])
    // Only folders that really are inside the site: the artifacts naming them can be edited,
    // and a folder may be a symlink to elsewhere (issue #10).
    for (const d of dirs) {
      const real = realSiteFolder(options.siteDir, d)
      if (real) await removeAtomicTempFiles(real)
    }
    const recovered = writer.recover()
    if (recovered.length)
      progress.line(
        `recovered ${recovered.length} file(s) written by an interrupted run: ${recovered.join(', ')}`,
        'warn',
      )

    progress.setStage('plan')
    // A spec of many sections is planned in many calls (issue #16): the budget follows its size
    // from the start (a plan is about a task a section), and again once the plan is known.
    const forSpec = models.scaleBudget(spec.sections.length, 'spec section')
    if (forSpec) progress.line(forSpec)
    const planned = await plan({
      spec,
      previous: previous.tasks.length ? previous : null,
      tracker: writer.tracker,
      ctx: {
        siteDir: options.siteDir,
        protectedPaths: guarded,
        generatedPaths: generatedPaths(writer),
        existingPaths: existingPaths(options.siteDir, writer),
        userPaths: userPaths(writer),
      },
      ask: models.ask,
      limits: roleLimits(options.planner),
      concurrency: options.concurrency,
    })
    models.log({ stage: 'plan', event: planned.kind, tasks: planned.tasks.length, deletes: planned.deletes.length })
    if (planned.kind !== 'unchanged') {
      progress.line(planSummary(planned))
    }
    // Said before anything is spent on generation (issue #16).
    const scaled = models.scaleBudget(planned.tasks.length + planned.deletes.length)
    if (scaled) {
      progress.line(scaled)
      models.log({ stage: 'plan', event: 'budget', tasks: planned.tasks.length + planned.deletes.length, line: scaled })
    }
    if (input.until === 'plan') {
      return finish({
        runId,
        plan: planned,
        tasks: [],
        changed: [],
        findings: [],
        errors: [],
        problems: [],
        kept: [],
        tracker: writer.tracker,
      })
    }

    progress.setStage('generate', planned.tasks.length + planned.deletes.length)
    const saidBefore = readKeptNotices(options.siteDir)
    const reports = await generateFiles({
      tasks: planned.tasks,
      deletes: planned.deletes,
      sections,
      writer,
      ask: models.ask,
      blobs: models.blobs,
      coderId: models.coderId,
      concurrency: options.concurrency,
      overwriteHandEdits: options.overwriteHandEdits,
      editUserFiles: options.editUserFiles,
      relevantInterfaces: planned.tasks.length > singleCallSections(roleLimits(options.planner).maxOutputTokens),
      signal: input.signal,
      onTask: (r) => {
        models.log({
          stage: 'generate',
          event: r.status,
          taskId: r.taskId,
          path: r.path,
          cache: r.cache,
          error: r.status === 'failed' ? r.message : undefined,
        })
        if (r.status === 'written') progress.step(`${r.cache === 'hit' ? 'replayed' : 'wrote'} ${r.path}`)
        else if (r.status === 'deleted') progress.step(`deleted ${r.path}`)
        else if (r.status === 'restored') progress.step(`restored ${r.path}`)
        else if (r.status === 'failed' || r.status === 'blocked') progress.step(`${r.status}: ${r.message}`)
        else if (r.status === 'kept' && !(r.keptFor && saidBefore.get(r.path) === r.keptFor))
          progress.step(`kept ${r.path}: ${r.message}`)
        else progress.step()
      },
    })

    await writeTasks(options.siteDir, {
      version: 1,
      specHash: spec.hash,
      sectionHashes: sectionHashes(spec.sections),
      tasks: planned.tasks,
    })
    await writeTracker(options.siteDir, writer.tracker)
    writer.clearJournal()

    const changed = new Set(reports.filter((r) => r.status === 'written' || r.status === 'deleted').map((r) => r.path))
    const failedReports = reports.filter((r) => r.status === 'failed' || r.status === 'blocked')
    const errors = failedReports.map((r) => r.message ?? `task "${r.taskId}" (${r.path}) failed`)
    const problems = failedReports.map(
      (r, i): Diagnostic =>
        r.diagnostic ?? {
          rule: 'E_TASK',
          severity: 'error',
          file: r.path,
          line: 0,
          column: 0,
          message: errors[i],
          source: 'task',
          task: r.taskId,
        },
    )
    const wouldChange = reports.flatMap((r) =>
      r.wouldChange ? [{ path: r.path, taskId: r.taskId, ...r.wouldChange }] : [],
    )
    const kept = reports.filter((r) => r.status === 'kept' && !r.wouldChange).map((r) => r.path)
    const keptSaidBefore = reports
      .filter((r) => r.status === 'kept' && r.keptFor && saidBefore.get(r.path) === r.keptFor)
      .map((r) => r.path)
    await recordKeptNotices(options.siteDir, reports)
    const restored = reports
      .filter((r) => r.status === 'restored')
      .map((r) => r.path)
      .sort()
    for (const w of wouldChange)
      progress.line(
        `would change ${w.path} [${w.target}] (task ${w.taskId}), but editUserFiles is off: ${w.instructions.split('\n')[0].slice(0, 160)}`,
        'warn',
      )
    // Cancelled: what finished is saved just above. Checking and reviewing a half-generated
    // site would only spend time (a browser, a model call) and end in a misleading
    // "review: cancelled"; say what was kept instead (test/integration/faults/cancel.test.ts).
    if (input.signal?.aborted)
      throw new RunCancelledError('generate', [...changed].sort(), errors.length, input.signal.reason)
    const tasksByPath = new Map<string, Task>(planned.tasks.map((t) => [t.path, t]))

    const checker: SiteChecker = checkSiteNow({ options, progress, signal: input.signal })
    let findings: Finding[]
    let review: CodeReview | undefined
    const reviewing = options.review.enabled && options.review.maxRounds > 0 && input.until !== 'generate'
    // Verdicts hold for the bytes they were made on (#12): files a killed or out-of-budget run
    // wrote but never reviewed are reviewed now, with this run's changes.
    const lastReview = await readCodeReview(options.siteDir).catch(() => null)
    const unreviewed = reviewing ? unreviewedFiles(options.siteDir, writer.tracker, lastReview ?? emptyReview()) : []
    if (unreviewed.length)
      progress.line(
        `reviewing ${unreviewed.length} file(s) written by a run that did not finish its review: ${unreviewed.join(', ')}`,
      )
    if (changed.size === 0 && unreviewed.length === 0) {
      // Nothing to review: the cheap static check, plus the last browser findings if the site
      // is byte for byte what that browser pass saw — else the browser looks again.
      findings = await checker.staticOnly()
      const carried = options.runtimeCheck.enabled ? carriedRuntimeFindings(options.siteDir) : []
      if (carried) findings.push(...carried)
      else {
        progress.setStage('check')
        findings = await checker.full()
        if (!checker.runtimeSkipped()) await recordRuntimeFindings(options.siteDir, findings)
      }
    } else {
      progress.setStage('check')
      findings = await checker.full()
      if (reviewing) {
        const loop = await reviewLoop({
          runId,
          changed: [...new Set([...changed, ...unreviewed])].filter((p) => existsSync(join(options.siteDir, p))),
          writer,
          ask: models.ask,
          coderId: models.coderId,
          maxRounds: options.review.maxRounds,
          tasksByPath,
          sections,
          check: () => checker.full(),
          initialFindings: findings,
          limits: roleLimits(options.planner),
          onRound: (round, stage) => progress.setStage(`${stage} (round ${round})`),
          ...(options.review.visual ? { screenshots: visualShots(options, progress, input.signal) } : {}),
        }).catch((error: unknown) => {
          // A review that cannot finish (out of budget, a model that keeps failing, a frozen
          // cache without the answer) does not undo generation: the run still ends with its
          // result — the files written so far kept and recorded below, the reason among its
          // errors — instead of an exception that loses both (test/integration/faults/
          // budget.test.ts). Only cancellation is thrown on. Its files stay unreviewed in
          // code_review.json, so the next run reviews them.
          if (input.signal?.aborted) throw error
          const message =
            error instanceof BudgetExceededError
              ? error.message
              : `review: ${error instanceof Error ? error.message : String(error)}`
          errors.push(message)
          problems.push(...diagnosticsOf(error).map((d) => ({ ...d, message })))
          return undefined
        })
        if (loop) {
          findings = loop.findings
          review = {
            ...loop.review,
            reviewed: reviewedAfter(writer.tracker, lastReview ?? emptyReview(), loop.review.files),
          }
          for (const f of loop.fixed) changed.add(f)
          for (const w of loop.wouldChange) {
            wouldChange.push(w)
            progress.line(
              `would fix ${w.path} [${w.target}], but editUserFiles is off: ${w.instructions.split('\n')[0].slice(0, 160)}`,
              'warn',
            )
          }
        }
        await writeTracker(options.siteDir, writer.tracker)
        writer.clearJournal()
        if (review) {
          await writeCodeReview(options.siteDir, review)
          models.log({
            stage: 'review',
            event: 'done',
            rounds: review.rounds,
            resolved: review.resolved.length,
            unresolved: review.unresolved.length,
          })
        }
      }
      if (!checker.runtimeSkipped() && options.runtimeCheck.enabled)
        await recordRuntimeFindings(options.siteDir, findings)
    }

    const result = finish({
      runId,
      plan: planned,
      tasks: reports,
      changed: [...changed].sort(),
      findings,
      review,
      errors,
      problems,
      kept,
      ...(keptSaidBefore.length ? { keptSaidBefore } : {}),
      ...(restored.length ? { restored } : {}),
      ...(wouldChange.length ? { wouldChange } : {}),
      tracker: writer.tracker,
      runtimeSkipped: checker.runtimeSkipped(),
    })
    // Only a complete run may be short-cut next time: failed tasks must be retried, and
    // what a person's files would have needed is said again on every run. A kept hand edit
    // has been said (#12): the next run with the same inputs would only keep it again.
    if (errors.length === 0 && wouldChange.length === 0 && input.until === undefined)
      await writeLastRun(options, specText, { files: reports.length, findings, runtimeSkipped: result.runtimeSkipped })
    return result
  } finally {
    await session?.close()
    await release()
    progress.finish()
  }

  function finish(partial: Omit<RunResult, 'usage' | 'durationMs'>): RunResult {
    const usage = session!.usage()
    const result: RunResult = { ...partial, usage, durationMs: Date.now() - started }
    session!.log({
      stage: 'run',
      event: 'end',
      changed: result.changed.length,
      errors: result.errors.length,
      calls: usage.calls,
      hits: usage.hits,
      tokens: usage.tokens,
      durationMs: result.durationMs,
    })
    return result
  }
}
