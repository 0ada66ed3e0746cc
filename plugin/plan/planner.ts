import type { Ask } from '../llm/ask.js'
import type { RoleLimits } from '../llm/context-budget.js'
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'
import type { ParsedSpec, SpecSection } from '../spec/sections.js'
import { diffSections } from '../spec/sections.js'
import type { FileTracker, Task, TasksFile, TrackedFile } from '../store/artifact-schemas.js'
import { PlanAnswerSchema, type PlannedTask } from './plan-schema.js'
import { PLAN_PROMPT_VERSION, deltaPlanMessages, fullPlanMessages, repairPlanMessages } from './plan-prompt.js'
import { mergePlan } from './merge-plan.js'
import { shardedPlan } from './sharded-plan.js'
import { pagesPerGroup, shouldShard, singleCallSections } from './shard-size.js'
import { mapLimit } from './map-limit.js'
import { formatProblems, validatePlan, type PlanContext, type PlanProblem } from './validate-plan.js'

/**
 * The plan stage (large model). An unchanged spec makes no call at all; a first run asks
 * for a full plan; later runs ask only about the changed sections (a delta) and merge it
 * into the previous plan. Nothing is written here: a plan that fails validation gets one
 * repair turn, then a `PlanError` that lists every problem.
 */
export interface PlanInput {
  spec: ParsedSpec
  previous: TasksFile | null
  tracker: FileTracker
  ctx: Omit<PlanContext, 'sectionIds'>
  ask: Ask
  /**
   * The planner role's limits (issue #16). With them, a spec too big for one plan call is
   * planned in shards and a delta on a large plan sees a bounded digest; without, one call.
   */
  limits?: RoleLimits
  /** Group calls of a sharded plan asked at once. @default 4 */
  concurrency?: number
}

export interface PlanOutcome {
  kind: 'unchanged' | 'full' | 'delta' | 'removal'
  /** The plan to store (one create/update task per file). */
  tasks: Task[]
  /** Files to delete in this run. */
  deletes: Task[]
  /** Ids of tasks the planner added or replaced in this run. */
  replanned: string[]
  sections: { added: string[]; changed: string[]; removed: string[] }
  /** A sharded first plan (issue #16): how many group calls followed the site plan. */
  groups?: number
}

export class PlanError extends Error implements Diagnosable {
  readonly code = 'E_PLAN'
  constructor(
    message: string,
    readonly problems: PlanProblem[],
  ) {
    super(message)
    this.name = 'PlanError'
  }

  /** One diagnostic per problem, naming its task and field; the plan is in no file yet. */
  toDiagnostics(): Diagnostic[] {
    if (this.problems.length === 0)
      return [
        { rule: this.code, severity: 'error', file: '', line: 0, column: 0, message: this.message, source: 'plan' },
      ]
    return this.problems.map((p) => ({
      rule: this.code,
      severity: 'error' as const,
      file: '',
      line: 0,
      column: 0,
      message: `${p.field}: ${p.message}`,
      source: 'plan' as const,
      task: p.taskId,
    }))
  }
}

export async function plan(input: PlanInput): Promise<PlanOutcome> {
  const { spec, previous, tracker } = input
  const ctx: PlanContext = { ...input.ctx, sectionIds: new Set(spec.sections.map((s) => s.id)) }
  const none = { added: [], changed: [], removed: [] }

  // A plan with no tasks but known sections is an adopted site (`sitesmith adopt
  // --draft-spec`, issue 17): its sections are already built by the person's files, so
  // later spec edits are planned as deltas like any other site's.
  const planned = previous !== null && (previous.tasks.length > 0 || Object.keys(previous.sectionHashes).length > 0)
  if (previous && planned && previous.specHash === spec.hash) {
    return { kind: 'unchanged', tasks: previous.tasks, deletes: [], replanned: [], sections: none }
  }

  if (!previous || !planned) {
    const base = fullPlanMessages(spec.sections, userFiles(tracker))
    if (input.limits && shouldShard(spec.sections.length, base, input.limits)) {
      const fail = (message: string, problems: PlanProblem[]) => new PlanError(message, problems)
      const sharded = await shardedPlan({
        sections: spec.sections,
        userFiles: userFiles(tracker),
        ctx,
        ask: input.ask,
        limits: input.limits,
        concurrency: input.concurrency ?? 4,
        toTasks,
        fail,
      })
      const added = spec.sections.map((s) => s.id)
      const replanned = sharded.tasks.map((t) => t.id)
      return {
        kind: 'full',
        tasks: sharded.tasks,
        deletes: [],
        replanned,
        sections: { ...none, added },
        groups: sharded.groups,
      }
    }
    const tasks = await askValidPlan(input, ctx, 'plan', base, (answer) => ({ merged: toTasks(answer), deletes: [] }))
    return {
      kind: 'full',
      tasks: tasks.merged,
      deletes: [],
      replanned: tasks.merged.map((t) => t.id),
      sections: { ...none, added: spec.sections.map((s) => s.id) },
    }
  }

  const diff = diffSections(previous.sectionHashes, spec.sections)
  const removed = new Set(diff.removed)
  const byId = new Map<string, SpecSection>(spec.sections.map((s) => [s.id, s]))
  const sections = { added: diff.added, changed: diff.changed, removed: diff.removed }

  if (diff.added.length === 0 && diff.changed.length === 0) {
    // Only removals (or whitespace outside any section): no question for the planner.
    const merged = mergePlan(previous.tasks, [], removed)
    return { kind: 'removal', tasks: merged.tasks, deletes: merged.deletes, replanned: [], sections }
  }

  const large = input.limits !== undefined && previous.tasks.length > singleCallSections(input.limits.maxOutputTokens)
  const request = {
    tracker,
    changed: diff.changed.map((id) => byId.get(id)!),
    added: diff.added.map((id) => byId.get(id)!),
    removed: diff.removed,
  }
  const mergeAnswer = (answer: { tasks: PlannedTask[] }) => {
    const m = mergePlan(previous.tasks, toTasks(answer), removed)
    return {
      merged: m.tasks,
      deletes: m.deletes,
      replanned: answer.tasks.filter((t) => t.action !== 'delete').map((t) => t.id),
    }
  }
  if (!large) {
    const base = deltaPlanMessages({ previous: previous.tasks, ...request })
    const result = await askValidPlan(input, ctx, 'plan-delta', base, mergeAnswer)
    return { kind: 'delta', tasks: result.merged, deletes: result.deletes, replanned: result.replanned ?? [], sections }
  }

  // A large plan's delta sees only the tasks serving what changed (its group) and a digest of
  // the rest (issue #16); when those tasks are more than one answer holds (a shared section such
  // as the navigation changed), they are asked about in parts, in parallel.
  const focus = new Set([...diff.changed, ...diff.added, ...diff.removed])
  const parts = deltaParts(previous.tasks, focus, pagesPerGroup(input.limits!.maxOutputTokens))
  const answers = await mapLimit(parts, input.concurrency ?? 4, async (part, index) => {
    const partInput = { index, count: parts.length, totalTasks: previous.tasks.length }
    const added = index === 0 ? request.added : []
    const base = deltaPlanMessages({ previous: part, ...request, added, focus, part: partInput })
    const label = parts.length === 1 ? 'plan-delta' : `plan-delta:${index + 1}`
    let answer: { tasks: PlannedTask[] } = { tasks: [] }
    await askValidPlan(input, ctx, 'plan-delta', base, (a) => ((answer = a), mergeAnswer(a)), label)
    return answer
  })
  // A file several parts answered for (a shared stylesheet) keeps the first part's task.
  const seen = new Set<string>()
  const tasks = answers.flatMap((a) => a.tasks).filter((t) => !seen.has(t.path) && seen.add(t.path))
  const result = mergeAnswer({ tasks })
  const problems = validatePlan([...result.merged, ...result.deletes], ctx)
  if (problems.length) {
    const message = `The planner's answers for the parts of this change do not fit together; nothing was written:\n`
    throw new PlanError(message + formatProblems(problems), problems)
  }
  return { kind: 'delta', tasks: result.merged, deletes: result.deletes, replanned: result.replanned, sections }
}

/**
 * The previous plan cut for a focused delta: all of it in one part when the tasks serving the
 * changed sections fit one answer, else those tasks in parts of `per`, each with the shared
 * files (the tasks others depend on).
 */
function deltaParts(tasks: Task[], focus: ReadonlySet<string>, per: number): Task[][] {
  const shared = new Set(tasks.flatMap((t) => t.dependsOn))
  const sharedTasks = tasks.filter((t) => shared.has(t.id))
  const focused = tasks.filter((t) => !shared.has(t.id) && t.sections.some((s) => focus.has(s)))
  if (focused.length <= per) return [tasks]
  const out: Task[][] = []
  for (let i = 0; i < focused.length; i += per) out.push([...sharedTasks, ...focused.slice(i, i + per)])
  return out
}

interface Merged {
  merged: Task[]
  deletes: Task[]
  replanned?: string[]
}

async function askValidPlan(
  input: PlanInput,
  ctx: PlanContext,
  stage: string,
  base: ReturnType<typeof fullPlanMessages>,
  merge: (answer: { tasks: PlannedTask[] }) => Merged,
  label = stage,
): Promise<Merged> {
  const promptVersion = PLAN_PROMPT_VERSION
  const first = await input.ask({
    stage,
    role: 'planner',
    promptVersion,
    messages: base,
    schema: PlanAnswerSchema,
    label,
  })
  let merged = merge(first.value)
  let problems = validatePlan([...merged.merged, ...merged.deletes], ctx)
  if (problems.length === 0) return merged

  // One repair turn that quotes every problem (issue 3), then a clear error.
  const repairMessages = repairPlanMessages(base, first.value, formatProblems(problems))
  const second = await input.ask({
    stage: `${stage}-repair`,
    role: 'planner',
    promptVersion,
    messages: repairMessages,
    schema: PlanAnswerSchema,
    label: `${label}-repair`,
  })
  merged = merge(second.value)
  problems = validatePlan([...merged.merged, ...merged.deletes], ctx)
  if (problems.length === 0) return merged
  throw new PlanError(
    `The planner's answer was rejected after one repair turn; nothing was written:\n${formatProblems(problems)}`,
    problems,
  )
}

/** A person's files the planner may update in chunks but never create or delete (issue 17). */
function userFiles(tracker: FileTracker): [string, TrackedFile][] {
  return Object.entries(tracker.files)
    .filter(([, f]) => f.owner === 'user')
    .sort(([a], [b]) => a.localeCompare(b))
}

function toTasks(answer: { tasks: PlannedTask[] }): Task[] {
  return answer.tasks.map((t) => ({
    id: t.id,
    action: t.action,
    path: t.path.replace(/^\.\//, ''),
    instructions: t.instructions,
    dependsOn: [...new Set(t.dependsOn)],
    sections: [...new Set(t.sections)],
    ...(t.target ? { target: t.target } : {}),
  }))
}
