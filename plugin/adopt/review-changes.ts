import { randomBytes } from 'node:crypto'
import type { ResolvedOptions } from '../options.js'
import { Progress } from '../report/progress.js'
import type { Logger } from '../report/logger.js'
import { findingKey, type Finding } from '../diagnostics/diagnostic.js'
import { listTargets } from '../edit/index.js'
import { readTracker, sitesmithDir, writeCodeReview, writeTracker } from '../store/artifacts.js'
import type { CodeReview, ReviewIssue } from '../store/artifact-schemas.js'
import { acquireSiteLock } from '../store/site-lock.js'
import { SiteWriter } from '../site-files/site-writer.js'
import { createModelSession } from '../pipeline/model-session.js'
import { checkSiteNow } from '../pipeline/site-checks.js'
import { fixFile } from '../review/fix-file.js'
import { REVIEW_PROMPT_VERSION, ReviewAnswerSchema, reviewMessages } from '../review/review-prompt.js'
import { unifiedDiff } from '../review/unified-diff.js'

/**
 * `sitesmith review` (issue 17): the checks plus the large model's review of the files a
 * person changed, the findings handed over as facts; results in code_review.json; each fix
 * worked out by the small model as chunk edits and offered as a unified diff. `apply`
 * writes them through the site writer — a person's (adopted) file in chunks, journaled for
 * `sitesmith undo`; a file edited while the fix was worked out is kept as it is.
 */
export const REVIEW_CHANGES_PROMPT_VERSION = `${REVIEW_PROMPT_VERSION}+changes-1`

const SYSTEM = `You review files of a static website (plain HTML, CSS, JavaScript) that a person has just changed by hand.
The checker findings listed are facts found by parsers and a headless browser: each error finding needs a fix.
Also report real defects you see in the files shown: behaviour that cannot work, broken references between files. Do not report style preferences or rewrite what works.
Reply with one JSON object: {"reviews":[{"file","issues":[{"rule","severity","message","fix":{"target","instructions"}}]}]}.
"target" is the chunk of the file to change, chosen from that file's targets. "instructions" are short numbered steps that a junior developer can apply to that chunk alone.
A file with no issues may be left out. Review only the files shown.`

export interface ReviewChangesInput {
  options: ResolvedOptions
  logger: Logger
  env?: NodeJS.ProcessEnv
  /** Site-relative files to review (see changed-files.ts). */
  files: string[]
  apply: boolean
  signal?: AbortSignal
}

export interface ReviewChangesResult {
  review: CodeReview
  /** Unified diff of every fix worked out (applied or offered). */
  diff: string
  applied: string[]
  /** Findings in the reviewed files after the review (after the fixes, with `apply`). */
  findings: Finding[]
  usage: string
}

export async function reviewChanges(input: ReviewChangesInput): Promise<ReviewChangesResult> {
  const { options } = input
  const env = input.env ?? process.env
  const progress = new Progress({ logger: input.logger, env })
  const stateDir = sitesmithDir(options.siteDir)
  const release = await acquireSiteLock(options.siteDir, {
    wait: true,
    signal: input.signal,
    logger: { warn: (m: string) => progress.line(m, 'warn') },
  })
  const runId = `review-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`
  const session = await createModelSession({ options, env, runId, progress, signal: input.signal })
  try {
    const writer = new SiteWriter({
      siteDir: options.siteDir,
      protectedPaths: [options.specPath, stateDir, ...(typeof options.cache === 'string' ? [options.cache] : [])],
      tracker: await readTracker(options.siteDir),
      overwriteHandEdits: false,
      stateDir,
      blobs: session.blobs,
      editUserFiles: options.editUserFiles,
      runId,
    })
    const checker = checkSiteNow({ options, progress, signal: input.signal })
    const reviewed = new Set(input.files)
    const inFiles = (fs: Finding[]) => fs.filter((f) => reviewed.has(f.file))
    const initial = inFiles(await checker.full())
    const files = input.files.flatMap((path) => {
      const content = writer.read(path)
      return content === null ? [] : [{ path, content, targets: safeTargets(path, content) }]
    })
    const reviews: CodeReview['reviews'] = []
    let diff = ''
    const applied: string[] = []
    if (files.length) {
      const answer = await session.ask({
        stage: 'review-changes',
        role: 'planner',
        promptVersion: REVIEW_CHANGES_PROMPT_VERSION,
        messages: reviewMessages({
          files,
          findings: initial,
          sections: [],
          summaries: Object.entries(writer.tracker.files)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([path, f]) => ({ path, summary: f.summary })),
          system: SYSTEM,
        }),
        schema: ReviewAnswerSchema,
        label: 'review-changes',
      })
      const byFile = new Map<string, ReviewIssue[]>()
      for (const r of answer.value.reviews) {
        const file = r.file.replace(/^\.\//, '')
        const issues: ReviewIssue[] = r.issues.map((i) => ({ ...i }))
        // The reviewer is untrusted: issues for files it was not shown are recorded, not applied.
        if (!reviewed.has(file)) {
          if (issues.length)
            reviews.push({
              file,
              round: 1,
              issues: issues.map((i) => ({
                ...i,
                outcome: { status: 'skipped', round: 1, reason: `${file} was not part of this review` },
              })),
            })
          continue
        }
        byFile.set(file, [...(byFile.get(file) ?? []), ...issues])
      }
      for (const [file, issues] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (!issues.length) continue
        // Worked out first, written only with --apply: the diff shows exactly what would land.
        const proposal = await fixFile({
          path: file,
          issues,
          round: 1,
          writer,
          ask: session.ask,
          coderId: session.coderId,
          context: '',
          dryRun: true,
        })
        if (proposal.proposed) diff += unifiedDiff(file, proposal.proposed.before, proposal.proposed.after)
        let outcomes = proposal.outcomes
        if (input.apply && proposal.proposed) {
          // Same messages, so the coder's answer comes from the cache: no second call.
          const done = await fixFile({
            path: file,
            issues,
            round: 1,
            writer,
            ask: session.ask,
            coderId: session.coderId,
            context: '',
            consent: true,
          })
          outcomes = done.outcomes
          if (done.changed) applied.push(file)
        }
        issues.forEach((issue, i) => (issue.outcome = outcomes[i]))
        reviews.push({ file, round: 1, issues })
      }
    }
    await writeTracker(options.siteDir, writer.tracker)
    writer.clearJournal()
    const after = applied.length
      ? inFiles(await checker.staticOnly().then(async (s) => (options.runtimeCheck.enabled ? checker.full() : s)))
      : initial
    const now = new Set(after.map(findingKey))
    const review: CodeReview = {
      run: runId,
      files: [...reviewed].sort(),
      findings: initial,
      reviews,
      rounds: files.length ? 1 : 0,
      resolved: initial.filter((f) => !now.has(findingKey(f))),
      unresolved: after,
    }
    await writeCodeReview(options.siteDir, review)
    session.log({ stage: 'review-changes', event: 'done', files: review.files.length, applied: applied.length })
    return { review, diff, applied, findings: after, usage: session.usage().summary }
  } finally {
    await session.close()
    await release()
    progress.finish()
  }
}

function safeTargets(path: string, content: string): string[] {
  try {
    return listTargets(path, content)
  } catch {
    return []
  }
}
