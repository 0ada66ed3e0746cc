import type { Ask } from '../llm/ask.js'
import { measurePrompt, type RoleLimits } from '../llm/context-budget.js'
import type { SpecSection } from '../spec/sections.js'
import type { Task, TrackedFile } from '../store/artifact-schemas.js'
import { PlanAnswerSchema, type PlannedTask } from './plan-schema.js'
import { repairPlanMessages } from './plan-prompt.js'
import { pagesPerGroup, sitePlanPages } from './shard-size.js'
import {
  SHARD_PROMPT_VERSION,
  SitePlanSchema,
  groupPlanMessages,
  sitePartMessages,
  sitePlanMessages,
  type SitePage,
  type SitePlan,
} from './shard-prompt.js'
import { formatProblems, validatePlan, type PlanContext, type PlanProblem } from './validate-plan.js'
import { mapLimit } from './map-limit.js'

/**
 * A first plan in shards (issue #16), for specs too big for one plan call: a site plan (the
 * shared files and every page with its path, title, purpose and sections), then the page tasks
 * of each group of pages, groups asked in parallel (at most `concurrency` at once), each call
 * within the planner's context and output limits. The merged plan is the same `Task[]` a single
 * call gives, validated as a whole; a group whose tasks are rejected gets one repair turn of its
 * own, so one bad group does not re-plan the others.
 */
export interface ShardedPlanInput {
  sections: SpecSection[]
  userFiles: [string, TrackedFile][]
  ctx: PlanContext
  ask: Ask
  limits: RoleLimits
  concurrency: number
  toTasks: (answer: { tasks: PlannedTask[] }) => Task[]
  fail: (message: string, problems: PlanProblem[]) => Error
}

export interface ShardedPlan {
  tasks: Task[]
  /** Calls made: 1 site plan + groups (repairs not counted). */
  groups: number
}

export async function shardedPlan(input: ShardedPlanInput): Promise<ShardedPlan> {
  const site = await askSitePlan(input)
  const shared = input.toTasks({ tasks: site.shared })
  const byId = new Map(input.sections.map((s) => [s.id, s]))
  const size = pagesPerGroup(input.limits.maxOutputTokens)
  const groups = chunkGroups(
    site.pages,
    size,
    (group) => groupMessages(shared, site.pages, group, 0, 1, byId),
    input.limits,
  )

  const results = await mapLimit(groups, input.concurrency, async (group, index) => {
    const base = groupMessages(shared, site.pages, group, index, groups.length, byId)
    const label = `plan-group:${index + 1}`
    const first = await input.ask({
      stage: 'plan-group',
      role: 'planner',
      promptVersion: SHARD_PROMPT_VERSION,
      messages: base,
      schema: PlanAnswerSchema,
      label,
    })
    return { group, base, label, answer: first.value }
  })

  // Validate the merged plan; repair only the groups whose tasks have problems.
  let tasks = merge(
    shared,
    results.map((r) => input.toTasks(r.answer)),
  )
  let problems = allProblems(tasks, results, input)
  if (problems.length === 0) return { tasks, groups: groups.length }
  const owner = (p: PlanProblem) =>
    results.findIndex(
      (r) => r.group.some((g) => g.path === p.taskId) || input.toTasks(r.answer).some((t) => t.id === p.taskId),
    )
  const broken = new Set(problems.map(owner).filter((i) => i >= 0))
  if (problems.some((p) => owner(p) < 0))
    throw input.fail(
      `The planner's site plan was rejected; nothing was written:\n${formatProblems(problems)}`,
      problems,
    )
  await mapLimit([...broken], input.concurrency, async (i) => {
    const r = results[i]
    const mine = problems.filter((p) => owner(p) === i)
    const messages = repairPlanMessages(r.base, r.answer, formatProblems(mine))
    const second = await input.ask({
      stage: 'plan-group-repair',
      role: 'planner',
      promptVersion: SHARD_PROMPT_VERSION,
      messages,
      schema: PlanAnswerSchema,
      label: `${r.label}-repair`,
    })
    r.answer = second.value
  })
  tasks = merge(
    shared,
    results.map((r) => input.toTasks(r.answer)),
  )
  problems = allProblems(tasks, results, input)
  if (problems.length === 0) return { tasks, groups: groups.length }
  throw input.fail(
    `The planner's answer was rejected after one repair turn; nothing was written:\n${formatProblems(problems)}`,
    problems,
  )
}

/**
 * The site plan: one call when its page list fits one answer, else the spec in parts, the first
 * planning the shared files too and each later one listing the pages of its sections with the
 * paths already taken. Every part is checked as it comes and gets one repair turn of its own.
 */
async function askSitePlan(input: ShardedPlanInput): Promise<SitePlan> {
  const per = Math.max(1, sitePlanPages(input.limits.maxOutputTokens))
  const parts: SpecSection[][] = []
  for (let i = 0; i < input.sections.length; i += per) parts.push(input.sections.slice(i, i + per))
  const count = parts.length
  let base = sitePlanMessages(parts[0], input.userFiles, false, { index: 0, count })
  if (!measurePrompt(base, input.limits).fits)
    base = sitePlanMessages(parts[0], input.userFiles, true, { index: 0, count })
  const site = await askPart(input, base, 'plan-site', (answer) => answer)
  // Sections every page of the first part serves (the navigation, the footer) are not shown to
  // later parts, whose pages serve them too: the first part's answer says so for all of them.
  const everyPage = site.pages
    .slice(1)
    .reduce((common, p) => common.filter((id) => p.sections.includes(id)), site.pages[0]?.sections ?? [])
  const withCommon = (pages: SitePage[]) =>
    pages.map((p) => ({ ...p, sections: [...new Set([...p.sections, ...everyPage])] }))
  for (let index = 1; index < count; index++) {
    const shared = input.toTasks({ tasks: site.shared })
    const messages = sitePartMessages(
      parts[index],
      shared,
      site.pages.map((p) => p.path),
      { index, count },
    )
    const part = await askPart(input, messages, `plan-site:${index + 1}`, (answer) => ({
      shared: site.shared,
      pages: [...site.pages, ...withCommon(answer.pages)],
    }))
    site.pages = part.pages
  }
  return site
}

/** One site-plan call, checked together with what earlier parts planned; one repair turn. */
async function askPart(
  input: ShardedPlanInput,
  base: ReturnType<typeof sitePlanMessages>,
  label: string,
  withEarlier: (answer: SitePlan) => SitePlan,
): Promise<SitePlan> {
  const stage = 'plan-site'
  const first = await input.ask({
    stage,
    role: 'planner',
    promptVersion: SHARD_PROMPT_VERSION,
    messages: base,
    schema: SitePlanSchema,
    label,
  })
  let site = withEarlier(first.value)
  let problems = siteProblems(site, input)
  if (problems.length === 0) return site
  const messages = repairPlanMessages(base, first.value, formatProblems(problems))
  const second = await input.ask({
    stage: `${stage}-repair`,
    role: 'planner',
    promptVersion: SHARD_PROMPT_VERSION,
    messages,
    schema: SitePlanSchema,
    label: `${label}-repair`,
  })
  site = withEarlier(second.value)
  problems = siteProblems(site, input)
  if (problems.length === 0) return site
  throw input.fail(
    `The planner's site plan was rejected after one repair turn; nothing was written:\n${formatProblems(problems)}`,
    problems,
  )
}

/** The shared tasks checked like any plan, page paths safe and unique. */
function siteProblems(site: SitePlan, input: ShardedPlanInput): PlanProblem[] {
  const shared = input.toTasks({ tasks: site.shared })
  const stubs: Task[] = site.pages.map((p) => ({
    id: p.path.replace(/[^\w.-]/g, '-'),
    action: 'create',
    path: p.path.replace(/^\.\//, ''),
    instructions: p.purpose || p.title || p.path,
    dependsOn: [],
    sections: p.sections,
  }))
  const problems = validatePlan([...shared, ...stubs], input.ctx)
  if (site.pages.length === 0)
    problems.push({ taskId: 'pages', field: 'path', message: 'the site plan lists no pages' })
  return problems
}

function groupMessages(
  shared: Task[],
  pages: SitePage[],
  group: SitePage[],
  index: number,
  count: number,
  byId: ReadonlyMap<string, SpecSection>,
) {
  const ids = [...new Set(group.flatMap((p) => p.sections))]
  return groupPlanMessages({
    shared,
    pages,
    group,
    index,
    count,
    sections: ids.map((id) => byId.get(id)).filter((s): s is SpecSection => !!s),
  })
}

/**
 * Pages in site-plan order, cut into groups of at most `size` pages, smaller where a group's
 * prompt (its sections' full text) would not fit the planner's window.
 */
function chunkGroups(
  pages: SitePage[],
  size: number,
  build: (group: SitePage[]) => ReturnType<typeof groupPlanMessages>,
  limits: RoleLimits,
): SitePage[][] {
  const out: SitePage[][] = []
  let current: SitePage[] = []
  for (const p of pages) {
    const next = [...current, p]
    if (current.length > 0 && (next.length > size || !measurePrompt(build(next), limits).fits)) {
      out.push(current)
      current = [p]
    } else current = next
  }
  if (current.length) out.push(current)
  return out
}

function merge(shared: Task[], groups: Task[][]): Task[] {
  return [...shared, ...groups.flat()]
}

/** Problems of the merged plan, plus a group answer that planned another path or left a page out. */
function allProblems(
  tasks: Task[],
  results: { group: SitePage[]; answer: { tasks: PlannedTask[] } }[],
  input: ShardedPlanInput,
): PlanProblem[] {
  const problems = validatePlan(tasks, input.ctx)
  for (const r of results) {
    const planned = input.toTasks(r.answer)
    const paths = new Set(r.group.map((p) => p.path.replace(/^\.\//, '')))
    for (const t of planned) {
      if (!paths.has(t.path))
        problems.push({
          taskId: t.id,
          field: 'path',
          message: `"${t.path}" is not one of the pages of this group (${[...paths].slice(0, 12).join(', ')})`,
        })
      if (t.action !== 'create')
        problems.push({
          taskId: t.id,
          field: 'action',
          message: `a new page is planned with "create", not "${t.action}"`,
        })
    }
    const got = new Set(planned.map((t) => t.path))
    for (const p of paths)
      if (!got.has(p)) problems.push({ taskId: p, field: 'path', message: `no task for page "${p}" of this group` })
  }
  return problems
}
