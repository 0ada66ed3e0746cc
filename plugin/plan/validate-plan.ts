import { posix } from 'node:path'
import type { Task } from '../store/artifact-schemas.js'
import { existsSync } from 'node:fs'
import { checkRealLocation, checkSitePath, type PathRules } from '../site-files/paths.js'

/**
 * Semantic checks on a plan, run before anything is written (issue 3): unique ids and
 * paths, known dependency ids, no cycles, every path safe, deletes only of files
 * sitesmith generated, updates only of files that exist. Every problem names the task
 * and the field so the planner's repair turn (and a person) can act on it.
 */
export interface PlanContext extends PathRules {
  /** Section ids of the current spec. */
  sectionIds: Set<string>
  /** Paths sitesmith generated before (tracker). */
  generatedPaths: Set<string>
  /** Paths that exist in the site now (for `update`). */
  existingPaths: Set<string>
  /** A person's files (adopted): updated in chunks only, never created over or deleted (issue 17). */
  userPaths?: Set<string>
}

export interface PlanProblem {
  taskId: string
  field: 'id' | 'action' | 'path' | 'dependsOn' | 'sections' | 'target' | 'instructions'
  message: string
}

const ID = /^[A-Za-z0-9][\w.-]*$/
const CHUNKABLE = new Set(['.html', '.css', '.js', '.mjs'])

export function validatePlan(tasks: Task[], ctx: PlanContext): PlanProblem[] {
  const problems: PlanProblem[] = []
  const ids = new Map<string, Task>()
  const paths = new Map<string, string>()

  for (const t of tasks) {
    const add = (field: PlanProblem['field'], message: string) => problems.push({ taskId: t.id, field, message })
    if (!ID.test(t.id))
      add('id', `task id "${t.id}" must start with a letter or digit and use only letters, digits, "_", "-", "."`)
    if (ids.has(t.id)) add('id', `task id "${t.id}" is used by more than one task`)
    ids.set(t.id, t)

    const checked = checkSitePath(t.path, ctx)
    if (!checked.ok) {
      add('path', checked.reason)
      continue
    }
    // The lexical check cannot see a symlinked folder that leads outside the root; the
    // writer refuses such a write too, but only after a model call was spent on it. Here the
    // planner's repair turn hears why (test/integration/faults: "symlinked directory").
    const real = existsSync(ctx.siteDir) ? checkRealLocation(checked.abs, ctx.siteDir) : { ok: true as const }
    if (!real.ok) {
      add('path', real.reason)
      continue
    }
    const other = paths.get(checked.rel)
    if (other !== undefined) add('path', `path "${checked.rel}" is also written by task "${other}"; one task per file`)
    paths.set(checked.rel, t.id)

    if (t.action === 'create' && ctx.userPaths?.has(checked.rel) && existsSync(checked.abs)) {
      add(
        'action',
        `creates "${checked.rel}", which is the person's file; change it with "update" and a "target" chunk instead`,
      )
    }
    if (t.action === 'delete' && !ctx.generatedPaths.has(checked.rel)) {
      add('action', `deletes "${checked.rel}", which sitesmith did not generate; sitesmith only deletes its own files`)
    }
    if (t.action === 'update') {
      if (!ctx.existingPaths.has(checked.rel)) {
        add(
          'action',
          ctx.generatedPaths.has(checked.rel) || !existsSync(checked.abs)
            ? `updates "${checked.rel}", which does not exist; use "create"`
            : `updates "${checked.rel}", which a person wrote; sitesmith only updates files it generated`,
        )
      }
      if (!t.target)
        add('target', `update of "${checked.rel}" needs a target chunk (e.g. "body", "#nav", ".card", a function name)`)
      else if (!CHUNKABLE.has(posix.extname(checked.rel)))
        add('target', `"${checked.rel}" cannot be edited in chunks; use "create" to rewrite it`)
    }
    if (t.action !== 'delete' && t.instructions.trim() === '') add('instructions', 'instructions are empty')
    for (const s of t.sections)
      if (!ctx.sectionIds.has(s))
        add('sections', `unknown spec section "${s}" (known: ${[...ctx.sectionIds].slice(0, 12).join(', ')})`)
  }

  for (const t of tasks) {
    for (const d of t.dependsOn) {
      if (!ids.has(d)) problems.push({ taskId: t.id, field: 'dependsOn', message: `depends on unknown task id "${d}"` })
      else if (d === t.id) problems.push({ taskId: t.id, field: 'dependsOn', message: 'depends on itself' })
      else if (ids.get(d)!.action === 'delete')
        problems.push({ taskId: t.id, field: 'dependsOn', message: `depends on "${d}", which deletes its file` })
    }
  }

  const cycle = findCycle(tasks)
  if (cycle) problems.push({ taskId: cycle[0], field: 'dependsOn', message: `dependency cycle: ${cycle.join(' -> ')}` })
  return problems
}

/** A cycle as a list of ids (first repeated at the end), or null. Iterative DFS: plans can be deep. */
export function findCycle(tasks: Pick<Task, 'id' | 'dependsOn'>[]): string[] | null {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => d !== t.id)]))
  const state = new Map<string, 1 | 2>()
  for (const start of deps.keys()) {
    if (state.has(start)) continue
    const stack: { id: string; i: number }[] = [{ id: start, i: 0 }]
    state.set(start, 1)
    while (stack.length) {
      const top = stack[stack.length - 1]
      const next = (deps.get(top.id) ?? [])[top.i++]
      if (next === undefined) {
        state.set(top.id, 2)
        stack.pop()
      } else if (!deps.has(next)) {
        continue
      } else if (state.get(next) === 1) {
        const from = stack.findIndex((f) => f.id === next)
        return [...stack.slice(from).map((f) => f.id), next]
      } else if (!state.has(next)) {
        state.set(next, 1)
        stack.push({ id: next, i: 0 })
      }
    }
  }
  return null
}

export function formatProblems(problems: PlanProblem[]): string {
  return problems.map((p) => `- task "${p.taskId}", ${p.field}: ${p.message}`).join('\n')
}
