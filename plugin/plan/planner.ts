import type { Ask } from '../llm/ask.js'
import type { RoleLimits } from '../llm/context-budget.js'
import type { ParsedSpec, SpecSection } from '../spec/sections.js'
import { diffSections } from '../spec/sections.js'
import type { FileTracker, Task, TasksFile, TrackedFile } from '../store/artifact-schemas.js'
import { PlanAnswerSchema, type PlannedTask } from './plan-schema.js'
import { PLAN_PROMPT_VERSION, deltaPlanMessages, fullPlanMessages, repairPlanMessages } from './plan-prompt.js'
import { mergePlan } from './merge-plan.js'
import { shardedPlan } from './sharded-plan.js'
import { shouldShard, singleCallSections } from './shard-size.js'
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

export class PlanError extends Error {
  readonly code = 'E_PLAN'
  constructor(
    message: string,
    readonly problems: PlanProblem[],
  ) {
    super(message)
    this.name = 'PlanError'
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
      const sharded = await shardedPlan({ sections: spec.sections, userFiles: userFiles(tracker), ctx, ask: input.ask, limits: input.limits, concurrency: input.concurrency ?? 4, toTasks, fail })
      const added = spec.sections.map((s) => s.id)
      return { kind: 'full', tasks: sharded.tasks, deletes: [], replanned: sharded.tasks.map((t) => t.id), sections: { ...none, added }, groups: sharded.groups }
    }
    const tasks = await askValidPlan(input, ctx, 'plan', base, (answer) => ({ merged: toTasks(answer), deletes: [] }))
    return { kind: 'full', tasks: tasks.merged, deletes: [], replanned: tasks.merged.map((t) => t.id), sections: { ...none, added: spec.sections.map((s) => s.id) } }
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
  const base = deltaPlanMessages({
    previous: previous.tasks,
    tracker,
    changed: diff.changed.map((id) => byId.get(id)!),
    added: diff.added.map((id) => byId.get(id)!),
    removed: diff.removed,
    // A large plan's delta sees only the tasks serving what changed (its group) and a digest of the rest.
    ...(large ? { focus: new Set([...diff.changed, ...diff.added, ...diff.removed]) } : {}),
  })
  const result = await askValidPlan(input, ctx, 'plan-delta', base, (answer) => {
    const m = mergePlan(previous.tasks, toTasks(answer), removed)
    return { merged: m.tasks, deletes: m.deletes, replanned: answer.tasks.filter((t) => t.action !== 'delete').map((t) => t.id) }
  })
  return { kind: 'delta', tasks: result.merged, deletes: result.deletes, replanned: result.replanned ?? [], sections }
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
): Promise<Merged> {
  const first = await input.ask({ stage, role: 'planner', promptVersion: PLAN_PROMPT_VERSION, messages: base, schema: PlanAnswerSchema, label: stage })
  let merged = merge(first.value)
  let problems = validatePlan([...merged.merged, ...merged.deletes], ctx)
  if (problems.length === 0) return merged

  // One repair turn that quotes every problem (issue 3), then a clear error.
  const repairMessages = repairPlanMessages(base, first.value, formatProblems(problems))
  const second = await input.ask({ stage: `${stage}-repair`, role: 'planner', promptVersion: PLAN_PROMPT_VERSION, messages: repairMessages, schema: PlanAnswerSchema, label: `${stage}-repair` })
  merged = merge(second.value)
  problems = validatePlan([...merged.merged, ...merged.deletes], ctx)
  if (problems.length === 0) return merged
  throw new PlanError(`The planner's answer was rejected after one repair turn; nothing was written:\n${formatProblems(problems)}`, problems)
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
