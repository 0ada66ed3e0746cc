import { execFileSync } from 'node:child_process'
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { PER_MACHINE_ENTRIES } from '../../../plugin/pipeline/state-gitignore.js'

/**
 * #12: `.sitesmith/.gitignore` keeps per-machine state out of commits. A site made by an
 * older sitesmith has an older list; a run completes it without touching the person's lines.
 */
let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const SPEC = '# Kiln\n\n## Home page\nMugs and bowls.\n'
/** The list sitesmith wrote before runtime-findings.json and kept-notices.json existed. */
const OLD = 'run.jsonl\nlock/\nlock.*\npending.jsonl\nundo.jsonl\ndist-check.json\nlast-run.json\nscreenshots/\n'
const ignorePath = (s: TempSite) => join(s.dir, '.sitesmith', '.gitignore')
const git = (s: TempSite, ...args: string[]) => execFileSync('git', args, { cwd: s.dir, encoding: 'utf8' })
const ignored = (s: TempSite, path: string) => {
  try {
    git(s, 'check-ignore', '-q', path)
    return true
  } catch {
    return false
  }
}

describe('.sitesmith/.gitignore (#12)', () => {
  it("an older list gets the entries it lacks appended; the person's lines and negations stay", async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    git(site, 'init', '-q')
    mkdirSync(join(site.dir, '.sitesmith'), { recursive: true })
    const theirs = `${OLD.replace('last-run.json\n', '')}# mine\nscratch/\n!last-run.json`
    writeFileSync(ignorePath(site), theirs)
    expect((await site.run({ review: { enabled: false } })).errors).toEqual([])

    const text = readFileSync(ignorePath(site), 'utf8')
    expect(text).toBe(`${theirs}\nruntime-findings.json\nkept-notices.json\n`)
    expect(ignored(site, '.sitesmith/runtime-findings.json')).toBe(true)
    expect(ignored(site, '.sitesmith/kept-notices.json')).toBe(true)
    expect(ignored(site, '.sitesmith/scratch/x')).toBe(true)
    expect(ignored(site, '.sitesmith/last-run.json')).toBe(false)
    expect(ignored(site, '.sitesmith/file_tracker.json')).toBe(false)

    // Complete now: the next run leaves it byte for byte.
    site.write('spec.md', `${SPEC}Open on Sundays.\n`)
    await site.run({ review: { enabled: false } })
    expect(readFileSync(ignorePath(site), 'utf8')).toBe(text)
  })

  it('a new site: every per-machine file is ignored, the shared artifacts are not', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    git(site, 'init', '-q')
    await site.run({ review: { enabled: true } })
    expect(readFileSync(ignorePath(site), 'utf8')).toBe(`${PER_MACHINE_ENTRIES.join('\n')}\n`)
    const untracked = git(site, 'status', '--porcelain', '-uall', '.sitesmith')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .sort()
    expect(untracked).toEqual([
      '.sitesmith/.gitignore',
      '.sitesmith/code_review.json',
      '.sitesmith/file_tracker.json',
      '.sitesmith/tasks.json',
    ])
    for (const name of ['runtime-findings.json', 'kept-notices.json', 'last-run.json', 'run.jsonl', 'lock/x'])
      expect(ignored(site, `.sitesmith/${name}`), name).toBe(true)
  })
})
