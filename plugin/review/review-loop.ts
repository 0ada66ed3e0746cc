import type { Ask } from '../llm/ask.js'
import { findingKey, type Finding } from '../diagnostics/diagnostic.js'
import type { SpecSection } from '../spec/sections.js'
import type { CodeReview, ReviewIssue, Task } from '../store/artifact-schemas.js'
import { listTargets } from '../edit/index.js'
import { compact } from '../generate/generate-prompt.js'
import type { SiteWriter } from '../site-files/site-writer.js'
import { toolLoadedReason } from '../site-files/site-file-policy.js'
import { fixFile } from './fix-file.js'
import type { ChatMessage } from '../llm/types.js'
import { measurePrompt, type RoleLimits } from '../llm/context-budget.js'
import {
  REVIEW_PROMPT_VERSION,
  ReviewAnswerSchema,
  VISUAL_PROMPT_VERSION,
  reviewFileBlock,
  reviewMessages,
  visualMessages,
  type ReviewAnswer,
  type ReviewFile,
} from './review-prompt.js'
import type { PageShots } from '../check/runtime/screenshots.js'

/**
 * check → review (large model) → fix (small model) → check …, at most `maxRounds` rounds,
 * stopping as soon as no error finding is left or a round makes no progress (docs/
 * ARCHITECTURE.md, "Fix loops that burn tokens"). The review sees only the files changed in this
 * run plus files that hold error findings, with the findings handed over as facts.
 */
export interface ReviewLoopInput {
  runId: string
  /** Files written by the generate stage in this run. */
  changed: string[]
  writer: SiteWriter
  ask: Ask
  coderId: string
  maxRounds: number
  tasksByPath: ReadonlyMap<string, Task>
  sections: ReadonlyMap<string, SpecSection>
  /** Static + runtime findings over the whole site, as it is on disk now. */
  check: () => Promise<Finding[]>
  /** Findings already computed for the current disk state (saves one check). */
  initialFindings?: Finding[]
  onRound?: (round: number, stage: 'review' | 'fix' | 'check') => void
  /**
   * The visual review (`review.visual`, issue #18): pictures of the given pages at desktop
   * and phone width. When set, the first round also shows the large model the pages changed
   * in this run and asks for visible defects; its issues are fixed like any other.
   */
  screenshots?: (pages: string[]) => Promise<PageShots[]>
  /** The reviewer's limits (issue #16): files reviewed in batches that fit. Without them, one prompt for all. */
  limits?: RoleLimits
}

export interface ReviewLoopResult {
  review: CodeReview
  findings: Finding[]
  /** Files the fix stage changed. */
  fixed: string[]
  /** Fixes a person's files needed while `editUserFiles` is off (issue 17): nothing was written. */
  wouldChange: { path: string; taskId: string; target: string; instructions: string }[]
}

export async function reviewLoop(input: ReviewLoopInput): Promise<ReviewLoopResult> {
  const { writer } = input
  let findings = input.initialFindings ?? (await input.check())
  const initial = findings
  const reviews: CodeReview['reviews'] = []
  const resolved = new Map<string, Finding>()
  const fixedFiles = new Set<string>()
  const reviewed = new Set<string>()
  const wouldChange: ReviewLoopResult['wouldChange'] = []
  let toReview = new Set([...input.changed, ...errorFiles(findings)])
  let rounds = 0

  while (rounds < input.maxRounds && toReview.size > 0) {
    rounds++
    input.onRound?.(rounds, 'review')
    const files = [...toReview].sort().flatMap((path) => {
      // Tool configs and hidden files are never review context: they may hold secrets and are never fixed (issue #10).
      if (toolLoadedReason(path) !== undefined) return []
      const content = writer.read(path)
      return content === null ? [] : [{ path, content, targets: safeTargets(path, content) }]
    })
    if (files.length === 0) break
    files.forEach((f) => reviewed.add(f.path))
    const paths = new Set(files.map((f) => f.path))
    const sectionIds = [...new Set(files.flatMap((f) => input.tasksByPath.get(f.path)?.sections ?? []))].sort()
    const summaries = Object.entries(writer.tracker.files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, f]) => ({ path, summary: f.summary }))
    const messagesFor = (batch: ReviewFile[]) => {
      const inBatch = new Set(batch.map((f) => f.path))
      const ids = [...new Set(batch.flatMap((f) => input.tasksByPath.get(f.path)?.sections ?? []))].sort()
      return reviewMessages({
        files: batch,
        findings: findings.filter((f) => inBatch.has(f.file)),
        sections: ids.map((id) => input.sections.get(id)).filter((s): s is SpecSection => !!s),
        summaries,
      })
    }
    // Files in batches whose prompts fit the reviewer's window (issue #16); a site whose review
    // fits one prompt is asked exactly as before.
    const batches = reviewBatches(files, messagesFor, input.limits)
    const batchAnswers: ReviewAnswer['reviews'][] = []
    for (const [i, batch] of batches.entries()) {
      const answer = await input.ask({
        stage: 'review',
        role: 'planner',
        promptVersion: REVIEW_PROMPT_VERSION,
        messages: messagesFor(batch),
        schema: ReviewAnswerSchema,
        label: `review:round-${rounds}${batches.length === 1 ? '' : `:batch-${i + 1}-of-${batches.length}`}`,
      })
      batchAnswers.push(answer.value.reviews)
    }

    const answers: ReviewAnswer['reviews'] = batchAnswers.flat()
    if (rounds === 1 && input.screenshots) answers.push(...(await visualReview(input, files, sectionIds)))

    // The reviewer is untrusted too: issues for files it was not shown are not applied.
    const byFile = new Map<string, ReviewIssue[]>()
    for (const r of answers) {
      const file = r.file.replace(/^\.\//, '')
      const issues: ReviewIssue[] = r.issues.map((i) => ({ ...i }))
      if (!paths.has(file)) {
        if (issues.length)
          reviews.push({
            file,
            round: rounds,
            issues: issues.map((i) => ({
              ...i,
              outcome: { status: 'skipped', round: rounds, reason: `${file} was not part of this review` },
            })),
          })
        continue
      }
      byFile.set(file, [...(byFile.get(file) ?? []), ...issues])
    }
    if ([...byFile.values()].every((l) => l.length === 0)) break

    input.onRound?.(rounds, 'fix')
    const changedThisRound: string[] = []
    for (const [file, issues] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (issues.length === 0) continue
      const result = await fixFile({
        path: file,
        issues,
        round: rounds,
        writer,
        ask: input.ask,
        coderId: input.coderId,
        context: dependencyContext(file, input),
      })
      issues.forEach((issue, i) => (issue.outcome = result.outcomes[i]))
      if (result.wouldChange)
        for (const issue of issues)
          wouldChange.push({
            path: file,
            taskId: `review-round-${rounds}`,
            target: issue.fix.target,
            instructions: issue.fix.instructions,
          })
      reviews.push({ file, round: rounds, issues })
      if (result.changed) {
        changedThisRound.push(file)
        fixedFiles.add(file)
      }
    }
    if (changedThisRound.length === 0) break // no progress: do not spend another round

    input.onRound?.(rounds, 'check')
    const before = findings
    findings = await input.check()
    const now = new Set(findings.map(findingKey))
    const resolvedNow = before.filter((f) => !now.has(findingKey(f)))
    for (const f of resolvedNow) resolved.set(findingKey(f), f)
    if (!findings.some((f) => f.severity === 'error')) break
    if (resolvedNow.length === 0) break // nothing got better: do not spend another round
    toReview = new Set([...changedThisRound, ...errorFiles(findings)])
  }

  const review: CodeReview = {
    run: input.runId,
    files: [...reviewed].sort(),
    findings: initial,
    reviews,
    rounds,
    resolved: [...resolved.values()],
    unresolved: findings,
  }
  return { review, findings, fixed: [...fixedFiles].sort(), wouldChange }
}

/**
 * One question per page changed in this run: its screenshots, its spec sections and the
 * files a fix may change (the page and the stylesheets under review). Only pages the run
 * changed are pictured, so an unchanged site costs no images.
 */
async function visualReview(
  input: ReviewLoopInput,
  files: { path: string; targets: string[] }[],
  sectionIds: string[],
): Promise<ReviewAnswer['reviews']> {
  const changed = new Set(input.changed)
  const pages = files.filter((f) => changed.has(f.path) && /\.html?$/i.test(f.path)).map((f) => f.path)
  if (pages.length === 0 || !input.screenshots) return []
  const stylesheets = files.filter((f) => f.path.endsWith('.css'))
  const out: ReviewAnswer['reviews'] = []
  for (const shot of await input.screenshots(pages)) {
    const own = input.tasksByPath.get(shot.page)?.sections ?? sectionIds
    const answer = await input.ask({
      stage: 'review',
      role: 'planner',
      promptVersion: VISUAL_PROMPT_VERSION,
      messages: visualMessages({
        page: shot.page,
        sections: own.map((id) => input.sections.get(id)).filter((s): s is SpecSection => !!s),
        files: [...files.filter((f) => f.path === shot.page), ...stylesheets],
        desktop: shot.desktop,
        phone: shot.phone,
      }),
      schema: ReviewAnswerSchema,
      label: `review:visual:${shot.page}`,
    })
    // A visual issue has no checker finding: it says where it came from.
    out.push(
      ...answer.value.reviews.map((r) => ({ ...r, issues: r.issues.map((i) => ({ ...i, rule: i.rule ?? 'visual' })) })),
    )
  }
  return out
}

/**
 * The files in order, cut into batches whose review prompt fits: all in one when that fits (or
 * when no limits are known), else greedily by each file's own tokens (its numbered text; its
 * findings and sections are in the slack left below the room), each batch then measured whole
 * and halved until it fits. A single file too big for the window is sent alone and refused by
 * the model layer with the numbers.
 */
function reviewBatches(
  files: ReviewFile[],
  build: (batch: ReviewFile[]) => ChatMessage[],
  limits?: RoleLimits,
): ReviewFile[][] {
  if (!limits || measurePrompt(build(files), limits).fits) return [files]
  const room = limits.contextWindow - limits.maxOutputTokens
  const base = limits.counter.count(build([]))
  const share = Math.floor((room - base) * 0.8)
  const greedy: ReviewFile[][] = []
  let current: ReviewFile[] = []
  let used = 0
  for (const f of files) {
    const cost = limits.counter.count(reviewFileBlock(f))
    if (current.length > 0 && used + cost > share) {
      greedy.push(current)
      current = []
      used = 0
    }
    current.push(f)
    used += cost
  }
  if (current.length) greedy.push(current)
  const out: ReviewFile[][] = []
  const settle = (batch: ReviewFile[]): void => {
    if (batch.length === 1 || measurePrompt(build(batch), limits).fits) out.push(batch)
    else {
      const half = Math.ceil(batch.length / 2)
      settle(batch.slice(0, half))
      settle(batch.slice(half))
    }
  }
  greedy.forEach(settle)
  return out
}

function errorFiles(findings: Finding[]): string[] {
  return [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.file))]
}

function safeTargets(path: string, content: string): string[] {
  try {
    return listTargets(path, content)
  } catch {
    return []
  }
}

function dependencyContext(file: string, input: ReviewLoopInput): string {
  const task = input.tasksByPath.get(file)
  if (!task) return ''
  const deps = [...input.tasksByPath.values()].filter((t) => task.dependsOn.includes(t.id))
  const lines = deps.flatMap((d) => {
    const tracked = input.writer.tracker.files[d.path]
    return tracked ? [`- ${d.path}: ${JSON.stringify(compact(tracked.interface))}`] : []
  })
  return lines.length ? `Files this one uses:\n${lines.join('\n')}` : ''
}
