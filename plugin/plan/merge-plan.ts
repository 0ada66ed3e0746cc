import type { Task } from '../store/artifact-schemas.js'

/**
 * Apply a delta plan to the previous plan. The stored plan keeps one task per file: a
 * delta task for a path replaces the previous task of that path; `delete` removes it.
 * A task whose own spec sections (those no other task serves) have all been removed is
 * deleted too, so deleting a page's section deletes that page even though the page also
 * served shared sections like the navigation (issue 4) — with or without a planner call.
 */
export interface MergedPlan {
  /** The plan to store in tasks.json: create/update tasks, one per path. */
  tasks: Task[]
  /** Files to delete in this run. */
  deletes: Task[]
}

export function mergePlan(previous: Task[], delta: Task[], removedSections: ReadonlySet<string>): MergedPlan {
  const byPath = new Map<string, Task>()
  for (const t of previous) byPath.set(t.path, t)
  const deletes = new Map<string, Task>()
  for (const t of delta) {
    if (t.action === 'delete') {
      byPath.delete(t.path)
      deletes.set(t.path, t)
    } else {
      byPath.set(t.path, t)
      deletes.delete(t.path)
    }
  }
  // A section served by several tasks (navigation, footer) does not keep a file alive; the
  // sections only one task serves are what the file is *for*.
  const servedBy = new Map<string, number>()
  for (const t of byPath.values()) for (const s of new Set(t.sections)) servedBy.set(s, (servedBy.get(s) ?? 0) + 1)
  const tasks: Task[] = []
  for (const t of byPath.values()) {
    const sections = t.sections.filter((s) => !removedSections.has(s))
    const own = t.sections.filter((s) => servedBy.get(s) === 1)
    const ownGone = own.length > 0 && own.every((s) => removedSections.has(s))
    if ((t.sections.length > 0 && sections.length === 0) || ownGone) {
      deletes.set(t.path, {
        ...t,
        action: 'delete',
        instructions: `its spec sections were removed (${t.sections.join(', ')})`,
        sections: [],
        dependsOn: [],
      })
      continue
    }
    tasks.push(sections.length === t.sections.length ? t : { ...t, sections })
  }
  // Dependencies on deleted tasks are dropped rather than failing the plan: the dependent
  // keeps working from its own instructions and the checkers report any dangling reference.
  const deleted = new Set([...deletes.values()].map((t) => t.id))
  const live = new Set(tasks.map((t) => t.id))
  const cleaned = tasks.map((t) =>
    t.dependsOn.some((d) => deleted.has(d) && !live.has(d))
      ? { ...t, dependsOn: t.dependsOn.filter((d) => !deleted.has(d) || live.has(d)) }
      : t,
  )
  return { tasks: cleaned, deletes: [...deletes.values()] }
}
