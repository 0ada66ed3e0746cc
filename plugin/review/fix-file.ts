import type { Ask } from '../llm/ask.js'
import type { ReviewIssue } from '../store/artifact-schemas.js'
import { applyChunkEdits, locateChunk } from '../edit/index.js'
import { extractInterface } from '../analysis/extract-interface.js'
import { checkEditedFile } from '../site-files/integrity.js'
import { UserFileEditOffError, WriteRefusedError, type SiteWriter } from '../site-files/site-writer.js'
import { modelMayWrite } from '../site-files/site-file-policy.js'
import { FIX_PROMPT_VERSION, FixAnswerSchema, fixMessages } from './review-prompt.js'
import { askUntilAccepted } from '../llm/ask-until-accepted.js'

/**
 * The fix stage for one file (small model): every issue's target chunk is located, chunks
 * nested in another requested chunk are folded into the outer one, the model returns only
 * replacement chunks, and the edits apply all together or not at all. A rejected answer
 * gets one repair turn quoting why; then the issues are recorded as rejected, never
 * half-applied (docs/ARCHITECTURE.md, "Edits silently dropped or half-applied").
 */
export interface FixOutcome {
  changed: boolean
  /** Outcome per issue, same order as the input. */
  outcomes: NonNullable<ReviewIssue['outcome']>[]
  /** With `dryRun`: the file as the fix would leave it, and the chunks it replaces. */
  proposed?: { before: string; after: string; targets: string[] }
  /** A person's file needed this fix, but `editUserFiles` is off. */
  wouldChange?: boolean
}

const REPAIRS = 1

export async function fixFile(input: {
  path: string
  issues: ReviewIssue[]
  round: number
  writer: SiteWriter
  ask: Ask
  coderId: string
  /** Extra context for the fixer: interfaces of the files this one uses. */
  context: string
  /** The person asked for this fix to be applied (`sitesmith review --apply`), whatever `editUserFiles` says. */
  consent?: boolean
  /** Work the fix out but write nothing: the result carries the proposed bytes (`sitesmith review`). */
  dryRun?: boolean
}): Promise<FixOutcome> {
  const { path, issues, round, writer } = input
  const outcome = (status: 'fixed' | 'rejected' | 'unresolved' | 'skipped', reason?: string) => ({
    status,
    round,
    ...(reason ? { reason } : {}),
  })
  // A tracked file that the site-file policy now refuses (written by an older version, or a
  // tracker edited by hand) is never sent to the coder (issue #10).
  const policy = modelMayWrite(path)
  if (!policy.ok) return { changed: false, outcomes: issues.map(() => outcome('skipped', policy.reason)) }
  const state = writer.state(path)
  // A person's adopted file is fixed in chunks when allowed (issue 17); otherwise it is said
  // what would have changed, and nothing is asked of the model.
  const usersFile = state === 'user-file' && writer.tracker.files[path]?.owner === 'user'
  if (usersFile && !writer.editsUserFiles && !input.consent && !input.dryRun) {
    const why = new UserFileEditOffError(path, [...new Set(issues.map((i) => i.fix.target))]).message
    return { changed: false, outcomes: issues.map(() => outcome('skipped', why)), wouldChange: true }
  }
  if (state === 'hand-edited' || (state === 'user-file' && !usersFile) || state === 'missing') {
    const why =
      state === 'missing'
        ? `${path} does not exist`
        : `${path} was ${state === 'hand-edited' ? 'edited by hand' : 'not written by sitesmith'}; sitesmith does not change it`
    return { changed: false, outcomes: issues.map(() => outcome('skipped', why)) }
  }
  const source = writer.read(path)!

  // Locate each target once; fold nested chunks into the outermost requested chunk.
  const located = new Map<string, { start: number; end: number; text: string } | { error: string }>()
  for (const issue of issues) {
    if (located.has(issue.fix.target)) continue
    const c = locateChunk(path, source, issue.fix.target)
    located.set(issue.fix.target, c.ok ? { start: c.start, end: c.end, text: c.text } : { error: c.reason })
  }
  const spans = [...located.entries()].filter(
    (e): e is [string, { start: number; end: number; text: string }] => !('error' in e[1]),
  )
  const outerOf = new Map<string, string>()
  for (const [target, span] of spans) {
    const outer = spans
      .filter(
        ([t, s]) =>
          t !== target &&
          s.start <= span.start &&
          s.end >= span.end &&
          (s.end - s.start > span.end - span.start || t < target),
      )
      .sort((a, b) => b[1].end - b[1].start - (a[1].end - a[1].start))[0]
    outerOf.set(target, outer ? outer[0] : target)
  }
  // Partially overlapping chunks cannot be edited together; keep the first, skip the rest.
  const chosen: [string, { start: number; end: number; text: string }][] = []
  for (const [target, span] of spans.filter(([t]) => outerOf.get(t) === t).sort((a, b) => a[1].start - b[1].start)) {
    if (chosen.some(([, s]) => span.start < s.end && s.start < span.end)) outerOf.set(target, '')
    else chosen.push([target, span])
  }
  const results = issues.map((issue) => {
    const l = located.get(issue.fix.target)!
    if ('error' in l) return outcome('rejected', `target "${issue.fix.target}": ${l.error}`)
    if (!outerOf.get(issue.fix.target))
      return outcome('skipped', `target "${issue.fix.target}" overlaps another chunk fixed in the same round`)
    return null
  })
  const live = issues.map((issue, i) => ({ issue, i })).filter(({ i }) => results[i] === null)
  if (live.length === 0) return { changed: false, outcomes: results.map((r) => r!) }

  const chunkTargets = new Set(chosen.map(([t]) => t))
  const result = await askUntilAccepted(
    input.ask,
    {
      stage: 'fix',
      role: 'coder',
      promptVersion: FIX_PROMPT_VERSION,
      messages: fixMessages({
        path,
        issues: live.map(({ issue }) => ({
          message: issue.message,
          target: outerOf.get(issue.fix.target)!,
          instructions: issue.fix.instructions,
        })),
        chunks: chosen.map(([target, s]) => ({ target, text: s.text })),
        context: input.context,
      }),
      schema: FixAnswerSchema,
      label: `fix:${path}`,
      path,
    },
    {
      repairs: REPAIRS,
      accept: (answer) => {
        const stray = answer.edits.filter((e) => !chunkTargets.has(e.target))
        if (stray.length)
          return {
            ok: false,
            reason: `edits may only target ${[...chunkTargets].map((t) => `"${t}"`).join(', ')}; got ${stray.map((e) => `"${e.target}"`).join(', ')}`,
          }
        const applied = applyChunkEdits(path, source, answer.edits)
        const gate = applied.ok ? checkEditedFile(path, applied.content) : applied
        return gate.ok ? { ok: true, value: gate.content } : { ok: false, reason: gate.reason }
      },
      retry: (reason) =>
        `Those edits were rejected and not applied: ${reason}\nSend the edits again in the same JSON form.`,
    },
  )
  if (!result.ok) {
    for (const { i } of live) results[i] = outcome('rejected', result.reason)
    return { changed: false, outcomes: results.map((r) => r!) }
  }
  if (input.dryRun) {
    for (const { i } of live) results[i] = outcome('unresolved', 'offered as a diff; not applied')
    return {
      changed: false,
      outcomes: results.map((r) => r!),
      proposed: { before: source, after: result.value, targets: [...chunkTargets] },
    }
  }
  const tracked = writer.tracker.files[path]
  const meta = {
    summary: tracked.summary,
    interface: extractInterface(path, result.value),
    generatedBy: { ...tracked.generatedBy, stage: 'fix', model: result.by },
  }
  let written: { changed: boolean }
  try {
    written = usersFile
      ? await writer.writeUserChunks(path, source, result.value, [...chunkTargets], meta, input.consent)
      : await writer.write(path, result.value, meta, { from: source })
  } catch (error) {
    // Edited by hand while the fix was being worked out (or refused for another reason):
    // the file is kept as it is now and the issues say why.
    if (!(error instanceof WriteRefusedError)) throw error
    for (const { i } of live) results[i] = outcome('skipped', error.message)
    return { changed: false, outcomes: results.map((r) => r!) }
  }
  for (const { i } of live)
    results[i] = outcome(
      written.changed ? 'fixed' : 'unresolved',
      written.changed ? undefined : 'the edit left the file unchanged',
    )
  return { changed: written.changed, outcomes: results.map((r) => r!) }
}
