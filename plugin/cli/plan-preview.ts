import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import type { ResolvedOptions } from '../options.js'
import { diffSections, parseSpec } from '../spec/sections.js'
import { readSpec } from '../spec/read-spec.js'
import { readTasks } from '../store/artifacts.js'

/**
 * What `sitesmith plan` can say when the planner cannot be asked (no credentials, a
 * frozen cache without the answer): the sections that changed since the last plan and the
 * tasks that serve them, which are the tasks the planner would be asked to redo (issue
 * #14). Computed from spec.md and `.sitesmith/tasks.json` alone; writes nothing.
 */
export async function planPreview(options: ResolvedOptions, reason: string): Promise<string> {
  const lines = [`plan: the planner was not asked (${reason})`]
  if (!existsSync(options.specPath)) return lines.join('\n') + '\n'
  // Read as the run reads it (BOM and CRLF normalised), so the hashes compare (#12).
  const text = readSpec(options.specPath, relative(options.root, options.specPath) || options.specPath)
  const previous = await readTasks(options.siteDir)
  const spec = parseSpec(text, previous.sectionHashes)
  if (previous.tasks.length === 0) {
    lines.push(
      `no plan yet: the first run plans the whole spec (${spec.sections.length} section(s): ${spec.sections.map((s) => s.id).join(', ')})`,
    )
    return lines.join('\n') + '\n'
  }
  if (previous.specHash === spec.hash) {
    lines.push('the spec has not changed since the last plan: no model call is needed')
    return lines.join('\n') + '\n'
  }
  const diff = diffSections(previous.sectionHashes, spec.sections)
  const s = [
    diff.added.length && `new ${diff.added.join(', ')}`,
    diff.changed.length && `changed ${diff.changed.join(', ')}`,
    diff.removed.length && `removed ${diff.removed.join(', ')}`,
  ].filter(Boolean)
  lines.push(`sections: ${s.length ? s.join('; ') : 'none changed (only text outside any section)'}`)
  const touched = new Set([...diff.changed, ...diff.removed])
  const affected = previous.tasks.filter((t) => t.sections.some((id) => touched.has(id)))
  if (affected.length) {
    lines.push('tasks that would be re-planned (they serve a changed or removed section):')
    for (const t of affected)
      lines.push(
        `~ ${t.id.padEnd(20)} ${t.action.padEnd(6)} ${t.path}  (${t.sections.filter((id) => touched.has(id)).join(', ')})`,
      )
  }
  if (diff.added.length) lines.push(`new section(s) the planner would be asked to place: ${diff.added.join(', ')}`)
  lines.push('(nothing was generated or written)')
  return lines.join('\n') + '\n'
}
