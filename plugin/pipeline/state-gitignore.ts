import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KEPT_MEMO } from './kept-notices.js'
import { RUNTIME_MEMO } from './verdicts.js'

/**
 * `.sitesmith/.gitignore`: tasks.json, file_tracker.json, code_review.json (and a cache kept
 * there) are meant to be committed so teammates and CI replay; the per-machine state next to
 * them is not. A site made by an older sitesmith has an older list: the entries it lacks are
 * appended, and every line the person wrote stays as it is (#12). An entry the person
 * negated (`!last-run.json`) is their decision and is not added.
 */
export const PER_MACHINE_ENTRIES = Object.freeze([
  'run.jsonl',
  'lock/',
  'lock.*',
  'pending.jsonl',
  'undo.jsonl',
  'dist-check.json',
  'last-run.json',
  RUNTIME_MEMO,
  KEPT_MEMO,
  'screenshots/',
])

/** Create or complete the state folder's .gitignore; returns the entries added. */
export function ensureStateGitignore(stateDir: string): string[] {
  const file = join(stateDir, '.gitignore')
  if (!existsSync(file)) {
    writeFileSync(file, `${PER_MACHINE_ENTRIES.join('\n')}\n`)
    return [...PER_MACHINE_ENTRIES]
  }
  const text = readFileSync(file, 'utf8')
  const lines = new Set(text.split(/\r?\n/).map((l) => l.trim()))
  const bare = (e: string) => e.replace(/\/$/, '')
  const missing = PER_MACHINE_ENTRIES.filter(
    (e) =>
      ![e, bare(e), `/${e}`, `/${bare(e)}`, `!${e}`, `!${bare(e)}`, `!/${e}`, `!/${bare(e)}`].some((l) => lines.has(l)),
  )
  if (missing.length === 0) return []
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const sep = text === '' || text.endsWith('\n') ? '' : eol
  writeFileSync(file, `${text}${sep}${missing.join(eol)}${eol}`)
  return missing
}
