/** The one line a run prints about its plan: what was (re-)planned, in shards or not, and why. */
import type { PlanOutcome } from '../plan/planner.js'

export function planSummary(p: PlanOutcome): string {
  const what = p.kind === 'full' ? 'planned' : p.kind === 'delta' ? 're-planned' : 'sections removed;'
  const s = p.sections
  const changes = [
    s.added.length && `${s.added.length} new`,
    s.changed.length && `${s.changed.length} changed`,
    s.removed.length && `${s.removed.length} removed`,
  ]
    .filter(Boolean)
    .join(', ')
  const shards = p.groups ? ` in shards (a site plan, then ${p.groups} group(s) of pages)` : ''
  const deletions = p.deletes.length ? `, ${p.deletes.length} deletion(s)` : ''
  return `${what} ${p.tasks.length} task(s)${shards}${deletions}${changes && p.kind !== 'full' ? ` (sections: ${changes})` : ''}`
}
