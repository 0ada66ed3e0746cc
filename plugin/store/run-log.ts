import { randomBytes } from 'node:crypto'
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

import { isNotFound, writeFileAtomic } from './atomic-write.js'
import { SITESMITH_DIR } from './artifacts.js'

/**
 * The run log, `<siteDir>/.sitesmith/run.jsonl` (docs/ARCHITECTURE.md, "Artifacts"): one JSON
 * object per line for every stage, cache hit/miss, token count, duration and error, so
 * "why did this run call the model 14 times" has an answer after the fact.
 *
 * Every string is scrubbed of secrets before it reaches the disk (issue 7): values of
 * environment variables named like a key/token/secret/password, and anything shaped like
 * an API key. Lines are appended synchronously: a SIGKILL loses at most the line being
 * written, and events stay in order without a queue. The file is trimmed to the last few
 * runs when a run starts and it has grown past `maxBytes`.
 */

export const RUN_LOG_FILE = 'run.jsonl'

export interface RunEvent {
  /** Stage that emitted the event: `plan`, `generate`, `check`, `review`, `fix`, `write`, `run`… */
  stage: string
  /** What happened: `start`, `model-call`, `done`, `error`, … */
  event: string
  taskId?: string
  /** Site-relative path the event is about. */
  path?: string
  cache?: 'hit' | 'miss'
  /** Tokens spent: split per direction for a model call, or a total (e.g. a run summary). */
  tokens?: { prompt: number; completion: number } | number
  durationMs?: number
  /** Any thrown value; logged as `{ name, message, code? }`. */
  error?: unknown
  /** Small extra facts (label, cache key, counts). Scrubbed like everything else. */
  detail?: Record<string, unknown>
}

/** A line of the run log as written. */
export interface RunLogLine extends Omit<RunEvent, 'error'> {
  /** ISO timestamp. */
  t: string
  /** Run id: sortable start time + random suffix. */
  run: string
  error?: { name: string; message: string; code?: string }
}

/** What stages need: somewhere to put events. `RunLog` is the real one; tests may pass an array-backed one. */
export interface RunLogSink {
  write(event: RunEvent): void
}

export interface RunLogOptions {
  /** Run id. @default the start time (`2024-05-01T10-20-30-123Z`) plus 4 random hex digits */
  run?: string
  /** Environment scanned for secret values. @default process.env */
  env?: NodeJS.ProcessEnv
  /** More strings that must never be logged (e.g. values read from a project `.env`). @default [] */
  secrets?: readonly string[]
  /** Trim the log when a run starts and the file is larger than this. @default 2_000_000 */
  maxBytes?: number
  /** Runs kept when trimming (the oldest go first; fewer if still over `maxBytes`). @default 20 */
  keepRuns?: number
}

export class RunLog implements RunLogSink {
  readonly run: string
  readonly file: string
  private readonly scrub: (text: string) => string
  /** Set when the file ended mid-line (a killed writer): the next line starts on a fresh line. */
  private needsNewline: boolean

  private constructor(file: string, run: string, scrub: (text: string) => string, needsNewline: boolean) {
    this.file = file
    this.run = run
    this.scrub = scrub
    this.needsNewline = needsNewline
  }

  /** Open (and, when too large, trim) the run log of `siteDir` for a new run. */
  static async open(siteDir: string, options: RunLogOptions = {}): Promise<RunLog> {
    const file = join(siteDir, SITESMITH_DIR, RUN_LOG_FILE)
    mkdirSync(join(siteDir, SITESMITH_DIR), { recursive: true })
    await trimRunLog(file, options.maxBytes ?? 2_000_000, options.keepRuns ?? 20)
    const run = options.run ?? newRunId()
    const scrub = createScrubber({ env: options.env, secrets: options.secrets })
    return new RunLog(file, run, scrub, !endsWithNewline(file))
  }

  write(event: RunEvent): void {
    const line: RunLogLine = { t: new Date().toISOString(), run: this.run, ...event, error: undefined }
    if (event.error !== undefined) line.error = describeError(event.error)
    const text = `${this.needsNewline ? '\n' : ''}${JSON.stringify(scrubDeep(line, this.scrub))}\n`
    try {
      appendFileSync(this.file, text)
    } catch (error) {
      // Someone removed .sitesmith/ mid-run (a clean script): recreate it rather than fail the run.
      if (!isNotFound(error)) throw error
      mkdirSync(dirname(this.file), { recursive: true })
      appendFileSync(this.file, text)
    }
    this.needsNewline = false
  }
}

/** Lines of a run log; lines that do not parse (a write cut by a kill) are skipped. */
export function readRunLog(file: string): RunLogLine[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if (isNotFound(error)) return []
    throw error
  }
  const lines: RunLogLine[] = []
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue
    try {
      lines.push(JSON.parse(raw) as RunLogLine)
    } catch {
      // A torn line from a killed run: nothing to recover.
    }
  }
  return lines
}

/** Sortable, unique enough for one site: `2024-05-01T10-20-30-123Z-a1b2`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`
}

// ---------------------------------------------------------------- secrets

/** Environment variable names whose values are secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD/i

/** Shapes of API credentials worth removing even when no variable names them. */
const SECRET_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style keys: sk-…, sk-proj-…
  /\bBearer\s+[A-Za-z0-9._~+/-]{12,}=*/g,
]

export const REDACTED = '[redacted]'

/**
 * Values shorter than this are not treated as secrets: `KEEP_TOKENS=true` would otherwise
 * redact every "true" in the log. No real credential is this short.
 */
export const MIN_SECRET_LENGTH = 6

export interface ScrubberOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv
  /** Extra secret values. @default [] */
  secrets?: readonly string[]
}

/** A function that replaces every secret in a string with `[redacted]`. */
export function createScrubber(options: ScrubberOptions = {}): (text: string) => string {
  const env = options.env ?? process.env
  const values = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (value && SECRET_NAME.test(name)) values.add(value)
  }
  for (const value of options.secrets ?? []) values.add(value)
  // Longest first, so a secret that contains another is removed whole.
  const secrets = [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
  return (text: string): string => {
    let out = text
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED)
    return out
  }
}

/** Values of secret-named variables in a `.env` file's text (`NAME=value`, quotes and `export` allowed). */
export function secretsFromDotEnv(text: string): string[] {
  return secretEntriesFromDotEnv(text).map((e) => e.value)
}

/** The same, with each variable's name (so an error can say which secret, never its value). */
export function secretEntriesFromDotEnv(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = []
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!m || !SECRET_NAME.test(m[1])) continue
    let value = m[2]
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1)
    if (value) out.push({ name: m[1], value })
  }
  return out
}

/** A copy of `value` with `scrub` applied to every string, object keys included. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return scrub(v)
    if (v === null || typeof v !== 'object' || depth > 20) return v
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x, depth + 1)]))
  }
  return walk(value, 0) as T
}

function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) }
  }
  return { name: 'Error', message: typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error)) }
}

// ---------------------------------------------------------------- rotation

/**
 * Keep the newest `keepRuns` runs, then drop whole older runs until the file fits in
 * `maxBytes` (the newest run is always kept). Written atomically; a no-op below the limit.
 */
export async function trimRunLog(file: string, maxBytes: number, keepRuns: number): Promise<boolean> {
  let size: number
  try {
    size = statSync(file).size
  } catch (error) {
    if (isNotFound(error)) return false
    throw error
  }
  if (size <= maxBytes) return false

  const byRun = new Map<string, string[]>()
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (raw.trim() === '') continue
    let run = ''
    try {
      const id = (JSON.parse(raw) as { run?: unknown }).run
      run = typeof id === 'string' ? id : ''
    } catch {
      continue // torn line
    }
    let lines = byRun.get(run)
    if (!lines) byRun.set(run, (lines = []))
    lines.push(raw)
  }
  // Map order is first appearance, i.e. oldest run first.
  let runs = [...byRun.values()].slice(-Math.max(1, keepRuns))
  let bytes = runs.reduce((n, lines) => n + lines.reduce((m, l) => m + Buffer.byteLength(l) + 1, 0), 0)
  while (runs.length > 1 && bytes > maxBytes) {
    bytes -= runs[0].reduce((m, l) => m + Buffer.byteLength(l) + 1, 0)
    runs = runs.slice(1)
  }
  await writeFileAtomic(
    file,
    runs
      .flat()
      .map((l) => `${l}\n`)
      .join(''),
  )
  return true
}

function endsWithNewline(file: string): boolean {
  let fd: number | undefined
  try {
    const size = statSync(file).size
    if (size === 0) return true
    fd = openSync(file, 'r')
    const buf = Buffer.alloc(1)
    readSync(fd, buf, 0, 1, size - 1)
    return buf[0] === 10
  } catch (error) {
    if (isNotFound(error)) return true
    throw error
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
