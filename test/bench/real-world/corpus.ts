/**
 * The real-world corpus (issue #13): public repositories of small vanilla HTML/CSS/JS sites,
 * checked out one per folder (`<owner>__<repo>`) under a corpus root that is never committed.
 * Each repository is split into sites: a site is a folder that directly holds an `.html`
 * page and has no ancestor (below the repository root) that does. Findings are keyed so a
 * hand triage (`triage.json`) survives re-runs: a finding whose key is not triaged is
 * reported as untriaged, never silently counted.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

import { checkSite } from '../../../plugin/check/index.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'

export interface CorpusFinding extends Finding {
  repo: string
  /** Site folder relative to the repository root, posix. */
  site: string
  key: string
}

/** Stable identity of a finding: repository, site, file, rule, line:column and a hash of the message. */
export function corpusKey(f: {
  repo: string
  site: string
  file: string
  rule: string
  line: number
  column: number
  message: string
}): string {
  const hash = createHash('sha256').update(f.message).digest('hex').slice(0, 10)
  return `${f.repo}|${f.site}|${f.file}|${f.rule}|${f.line}:${f.column}|${hash}`
}

const SKIP = new Set(['.git', 'node_modules'])

/** Repositories of the corpus: every `<owner>__<repo>` folder under `root`. */
export function corpusRepos(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.includes('__'))
    .map((e) => e.name)
    .sort()
}

/** The sites of one repository checkout (folders relative to the repository root). */
export function repoSites(repoDir: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
    if (dir !== repoDir && entries.some((e) => e.isFile() && /\.html?$/i.test(e.name))) {
      out.push(relative(repoDir, dir).split('\\').join('/'))
      return
    }
    for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) walk(join(dir, e.name))
  }
  walk(repoDir)
  return out
}

/** The commit each repository was checked out at (`COMMITS`: `<folder> <sha>` lines), if recorded. */
export function corpusCommits(root: string): Map<string, string> {
  const file = join(root, 'COMMITS')
  const out = new Map<string, string>()
  if (!existsSync(file)) return out
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [repo, sha] = line.trim().split(/\s+/)
    if (repo && sha) out.set(repo, sha)
  }
  return out
}

export interface CorpusRun {
  sites: { repo: string; site: string }[]
  findings: CorpusFinding[]
}

/** Check every site of every repository under `root`. */
export async function runCorpus(root: string): Promise<CorpusRun> {
  const sites: CorpusRun['sites'] = []
  const findings: CorpusFinding[] = []
  for (const repo of corpusRepos(root)) {
    for (const site of repoSites(join(root, repo))) {
      sites.push({ repo, site })
      for (const f of await checkSite(join(root, repo, site))) {
        const withSite = { ...f, repo, site }
        findings.push({ ...withSite, key: corpusKey(withSite) })
      }
    }
  }
  return { sites, findings }
}
