import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { FileTrackerSchema, TasksFileSchema, type FileTracker } from '../../../plugin/store/artifact-schemas.js'
import { checkFile } from '../../../plugin/site-files/integrity.js'
import { isAtomicTempFile } from '../../../plugin/store/atomic-write.js'

/**
 * What the fault tests compare: every file of a site by content hash (hidden files such as
 * `.env` included, symlinks recorded as links and never followed), and the invariants a
 * run must leave behind whatever went wrong. Shared by the fault corpus, the kill loop,
 * the budget/cancel/secrets tests and the faults benchmark, so the figures the bench
 * reports come from exactly the checks the tests assert.
 */

/** The fake secrets every fault site carries in its `.env` (never real credentials). */
export const DOTENV_SECRETS = Object.freeze({
  SECRET_TOKEN: 'tok-dotenv-faults-5b1e9c0d7a',
  OPENAI_API_KEY: 'sk-dotenv-faults-key-a8f2c4e6b0d1',
  // Shapes real projects keep in .env under names that are not KEY/TOKEN/SECRET (issue #10).
  STRIPE_SECRET_KEY: 'sk_live_51HfaultsFake0000000000000000',
  GITHUB_PAT: 'ghp_faultsFake00000000000000000000000000',
  DB_PASS: 'harbour-db-pass-9931',
  DATABASE_URL: 'postgres://bakery:pg-pass-faults-4471@db.internal:5432/bakery',
})

/** A fake API key put in the environment of fault runs (the loopback server accepts any key). */
export const ENV_KEY = 'sk-env-faults-secret-4d9a7c1e2b86'

/** Every secret a fault site knows, by a label saying where it lives. */
export const SECRETS: Readonly<Record<string, string>> = Object.freeze({
  'OPENAI_API_KEY (environment)': ENV_KEY,
  'SECRET_TOKEN (.env)': DOTENV_SECRETS.SECRET_TOKEN,
  'OPENAI_API_KEY (.env)': DOTENV_SECRETS.OPENAI_API_KEY,
  'STRIPE_SECRET_KEY (.env)': DOTENV_SECRETS.STRIPE_SECRET_KEY,
  'GITHUB_PAT (.env)': DOTENV_SECRETS.GITHUB_PAT,
  'DB_PASS (.env)': DOTENV_SECRETS.DB_PASS,
  'DATABASE_URL password (.env)': 'pg-pass-faults-4471',
})

/** The project's package.json in a fault site (written as JSON, two-space indent). */
const PACKAGE_JSON = {
  name: 'my-bakery-site',
  private: true,
  type: 'module',
  scripts: { dev: 'vite', build: 'vite build' },
}

/**
 * Files a person owns, written into a site before sitesmith ever runs: the `.env` with fake
 * secrets, the project's package.json and Vite config, a hand-written page and a note in a
 * sub-folder. None of them may change, whatever a model answers.
 */
export const USER_FILES: Readonly<Record<string, string>> = Object.freeze({
  '.env':
    `# local secrets, never committed\nSECRET_TOKEN=${DOTENV_SECRETS.SECRET_TOKEN}\nOPENAI_API_KEY="${DOTENV_SECRETS.OPENAI_API_KEY}"\n` +
    `STRIPE_SECRET_KEY=${DOTENV_SECRETS.STRIPE_SECRET_KEY} # live key, keep out of git\nGITHUB_PAT=${DOTENV_SECRETS.GITHUB_PAT}\n` +
    `export DB_PASS='${DOTENV_SECRETS.DB_PASS}'\nDATABASE_URL="${DOTENV_SECRETS.DATABASE_URL}"\nNODE_ENV=development\n`,
  'package.json': `${JSON.stringify(PACKAGE_JSON, null, 2)}\n`,
  'vite.config.ts': `import { defineConfig } from 'vite'\n\nexport default defineConfig({})\n`,
  'about-us.html':
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>About us</title></head>\n` +
    `<body>\n  <h1>About us</h1>\n  <p>Written by hand. sitesmith must never touch this page.</p>\n</body>\n</html>\n`,
  'notes/todo.txt': 'call the printer about the menus\n',
})

export function seedUserFiles(dir: string): void {
  for (const [path, content] of Object.entries(USER_FILES)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

/** path → `sha256:<hex>` for files, `link:<target>` for symlinks. `.sitesmith/` (sitesmith's own state) and `node_modules/` are skipped. */
export type TreeHashes = Map<string, string>

export function hashTree(dir: string, opts: { includeState?: boolean } = {}): TreeHashes {
  const out: TreeHashes = new Map()
  if (!existsSync(dir)) return out
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (!opts.includeState && d === dir && name === '.sitesmith') continue
      if (d === dir && name === 'node_modules') continue // Vite's dependency cache, not the site
      const p = join(d, name)
      const rel = relative(dir, p).split(sep).join('/')
      const st = lstatSync(p)
      if (st.isSymbolicLink()) out.set(rel, `link:${readlinkSync(p)}`)
      else if (st.isDirectory()) walk(p)
      else out.set(rel, `sha256:${sha256(readFileSync(p))}`)
    }
  }
  walk(dir)
  return out
}

/** Problems (empty when none): every file of `before` is still there with the same bytes. */
export function compareUnchanged(before: TreeHashes, after: TreeHashes, where = ''): string[] {
  const problems: string[] = []
  for (const [path, hash] of before) {
    const now = after.get(path)
    if (now === undefined) problems.push(`${where}${path} was removed`)
    else if (now !== hash) problems.push(`${where}${path} changed (${hash.slice(0, 19)} → ${now.slice(0, 19)})`)
  }
  return problems
}

/** Problems when a directory gained or lost files (for directories outside the site). */
export function compareIdentical(before: TreeHashes, after: TreeHashes, where: string): string[] {
  const problems = compareUnchanged(before, after, where)
  for (const path of after.keys()) if (!before.has(path)) problems.push(`${where}${path} appeared`)
  return problems
}

/** The tracker, or a problem when it exists but does not parse. */
export function readTrackerFile(dir: string): { tracker?: FileTracker; problem?: string } {
  const file = join(dir, '.sitesmith', 'file_tracker.json')
  if (!existsSync(file)) return { tracker: { files: {} } }
  try {
    return { tracker: FileTrackerSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) }
  } catch (error) {
    return { problem: `.sitesmith/file_tracker.json does not parse: ${(error as Error).message.slice(0, 200)}` }
  }
}

/** Problems when tasks.json exists and does not parse. */
export function checkTasksFile(dir: string): string[] {
  const file = join(dir, '.sitesmith', 'tasks.json')
  if (!existsSync(file)) return []
  try {
    TasksFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
    return []
  } catch (error) {
    return [`.sitesmith/tasks.json does not parse: ${(error as Error).message.slice(0, 200)}`]
  }
}

/**
 * The state a finished run must leave: artifacts parse; every tracked file is on disk with
 * the tracked bytes (unless listed in `handEdited`); every file sitesmith added since
 * `before` is tracked and passes the integrity gate (whole, not truncated, not binary);
 * no temp file of an atomic write is left.
 */
export function checkSiteConsistent(dir: string, before: TreeHashes, opts: { handEdited?: string[] } = {}): string[] {
  const problems: string[] = [...checkTasksFile(dir)]
  const { tracker, problem } = readTrackerFile(dir)
  if (problem) return [...problems, problem]
  const after = hashTree(dir)
  for (const [path, entry] of Object.entries(tracker!.files)) {
    if (opts.handEdited?.includes(path)) continue
    const now = after.get(path)
    if (now === undefined) problems.push(`tracked ${path} is missing from disk`)
    else if (now !== `sha256:${entry.hash}`) problems.push(`tracked ${path} differs from the tracker's hash`)
  }
  for (const [path, hash] of after) {
    if (isAtomicTempFile(path.split('/').pop()!)) problems.push(`temp file ${path} left behind`)
    if (before.has(path) || !hash.startsWith('sha256:')) continue
    if (!tracker!.files[path]) {
      problems.push(`${path} appeared but is not in the tracker`)
      continue
    }
    const gate = checkFile(path, readFileSync(join(dir, path), 'utf8'))
    if (!gate.ok) problems.push(`${path} was written but is not whole: ${gate.reason}`)
  }
  return problems
}

/** Where a run could leak a secret, for `findLeaks`. */
export interface LeakScan {
  siteDir: string
  cacheDir: string
  /** Chat requests the model server received: bodies and every header but Authorization are scanned. */
  requests: readonly { seq: number; body: unknown; headers: Record<string, string> }[]
  /** Error messages, printed output… by label. */
  texts?: Record<string, string>
  /** Site-relative files allowed to hold a secret because the person put it there (the `.env` always is). */
  exempt?: string[]
}

/** `<secret label> in <place>` for every secret value found anywhere it must never be. */
export function findLeaks(scan: LeakScan): string[] {
  const found: string[] = []
  const look = (where: string, text: string) => {
    for (const [name, value] of Object.entries(SECRETS)) if (text.includes(value)) found.push(`${name} in ${where}`)
  }
  for (const r of scan.requests) {
    look(`request #${r.seq} body`, JSON.stringify(r.body))
    for (const [h, v] of Object.entries(r.headers)) if (h !== 'authorization') look(`request #${r.seq} header ${h}`, v)
  }
  const exempt = new Set(['.env', ...(scan.exempt ?? [])])
  const walk = (root: string, dir: string, label: string) => {
    if (!existsSync(dir)) return
    for (const name of readdirSync(dir)) {
      const p = join(dir, name)
      const rel = relative(root, p).split(sep).join('/')
      const st = lstatSync(p)
      if (st.isSymbolicLink()) continue
      if (st.isDirectory()) walk(root, p, label)
      else if (!(root === scan.siteDir && exempt.has(rel))) look(`${label}${rel}`, readFileSync(p, 'latin1'))
    }
  }
  walk(scan.siteDir, scan.siteDir, 'site/')
  walk(scan.cacheDir, scan.cacheDir, 'cache/')
  for (const [where, text] of Object.entries(scan.texts ?? {})) look(where, text)
  return found
}
