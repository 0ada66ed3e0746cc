import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { editLanguage } from '../edit/index.js'
import { checkSitePath, isInside } from '../site-files/paths.js'
import { artifactPath } from '../store/artifacts.js'
import { siteInventory } from './site-inventory.js'

/**
 * Which files `sitesmith review` looks at (issue 17): those a person changed in the working
 * tree — `git diff <ref>` plus untracked files, or named files, or (neither) the files
 * modified since sitesmith last recorded a run. Only pages, stylesheets and scripts inside
 * the site are reviewed; everything else is listed as skipped with the reason.
 */
export class ReviewUsageError extends Error {
  readonly code = 'E_USAGE'
  constructor(message: string) {
    super(message)
    this.name = 'ReviewUsageError'
  }
}

export interface ChangedFiles {
  files: string[]
  skipped: { path: string; reason: string }[]
  /** How the files were chosen, for the report. */
  how: string
}

export function changedSinceRef(siteDir: string, ref: string, protectedPaths: string[]): ChangedFiles {
  // A ref that looks like an option would be read by git as one.
  if (!ref || ref.startsWith('-') || /[\0\s]/.test(ref))
    throw new ReviewUsageError(`--since: "${ref}" is not a git ref`)
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, {
        cwd: siteDir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      })
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? '')
        .trim()
        .split('\n')[0]
      throw new ReviewUsageError(`git ${args[0]} in ${siteDir} failed: ${stderr || (error as Error).message}`)
    }
  }
  git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
  const diffed = git(['diff', '--name-only', '-z', '--relative', ref, '--']).split('\0')
  const untracked = git(['ls-files', '--others', '--exclude-standard', '-z']).split('\0')
  return pick(
    siteDir,
    [...diffed, ...untracked].filter(Boolean),
    protectedPaths,
    `changed since ${ref} (git diff and untracked files)`,
  )
}

export function namedFiles(siteDir: string, cwd: string, names: string[], protectedPaths: string[]): ChangedFiles {
  const rels: string[] = []
  const outside: ChangedFiles['skipped'] = []
  for (const n of names) {
    const abs = resolve(cwd, n)
    if (!isInside(siteDir, abs)) outside.push({ path: n, reason: 'outside the site' })
    else rels.push(relative(siteDir, abs).split(sep).join('/'))
  }
  const picked = pick(siteDir, rels, protectedPaths, 'named on the command line')
  for (const r of rels) if (!existsSync(join(siteDir, r))) picked.skipped.push({ path: r, reason: 'no such file' })
  return { ...picked, skipped: [...outside, ...picked.skipped] }
}

/** Site files modified after sitesmith's last recorded run (the tracker's mtime); all of them if there was none. */
export function changedSinceLastRun(siteDir: string, protectedPaths: string[]): ChangedFiles {
  const tracker = artifactPath(siteDir, 'tracker')
  const since = existsSync(tracker) ? statSync(tracker).mtimeMs : 0
  const all = siteInventory(siteDir, protectedPaths).files.map((f) => f.path)
  const files = all.filter((p) => statSync(join(siteDir, p)).mtimeMs > since)
  return pick(
    siteDir,
    files,
    protectedPaths,
    since ? `modified since the last run (${new Date(since).toISOString()})` : 'every site file (no earlier run)',
  )
}

function pick(siteDir: string, paths: string[], protectedPaths: string[], how: string): ChangedFiles {
  const files = new Set<string>()
  const skipped: ChangedFiles['skipped'] = []
  for (const p of new Set(paths)) {
    if (!existsSync(join(siteDir, p))) continue // deleted: nothing to review
    const checked = checkSitePath(p, { siteDir, protectedPaths })
    if (!checked.ok) skipped.push({ path: p, reason: checked.reason })
    else if (!editLanguage(checked.rel)) skipped.push({ path: p, reason: 'not a page, stylesheet or script' })
    else files.add(checked.rel)
  }
  return { files: [...files].sort(), skipped, how }
}
