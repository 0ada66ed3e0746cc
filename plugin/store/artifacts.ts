import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'
import { codeFrame } from '../diagnostics/code-frame.js'
import type { z } from 'zod'

import {
  CodeReviewSchema,
  FileTrackerSchema,
  TasksFileSchema,
  type CodeReview,
  type FileTracker,
  type TasksFile,
} from './artifact-schemas.js'
import { isNotFound, writeFileAtomic } from './atomic-write.js'
import { jsonParseErrorLocation, locateJsonPath, type TextLocation } from './json-location.js'
import { formatIssue } from './zod-issues.js'

/**
 * The per-site artifacts in `<siteDir>/.sitesmith/` (docs/ARCHITECTURE.md, "Artifacts"):
 * validated with zod on every read and write, written atomically as pretty JSON with a
 * stable key order and a trailing newline so git diffs stay small, and not rewritten at
 * all when nothing changed (no mtime churn to wake watchers).
 */

/** Folder of sitesmith's own state inside the site root. */
export const SITESMITH_DIR = '.sitesmith'

export const ARTIFACT_FILES = Object.freeze({
  tasks: 'tasks.json',
  tracker: 'file_tracker.json',
  review: 'code_review.json',
} as const)

export type ArtifactKind = keyof typeof ARTIFACT_FILES

export interface ArtifactTypes {
  tasks: TasksFile
  tracker: FileTracker
  review: CodeReview
}

interface ArtifactSpec<T> {
  schema: z.ZodType<T>
  /** The value a site without this file has. A fresh object each call: callers may mutate it. */
  empty: () => T
  /** Sorts record keys (paths, section ids) so equal content always gives equal bytes. */
  canonical: (value: T) => T
}

const SPECS: { [K in ArtifactKind]: ArtifactSpec<ArtifactTypes[K]> } = {
  tasks: {
    schema: TasksFileSchema,
    empty: () => ({ version: 1, specHash: '', sectionHashes: {}, tasks: [] }),
    canonical: (v) => ({ ...v, sectionHashes: sortKeys(v.sectionHashes) }),
  },
  tracker: {
    schema: FileTrackerSchema,
    empty: () => ({ files: {} }),
    canonical: (v) => ({ ...v, files: sortKeys(v.files) }),
  },
  review: {
    schema: CodeReviewSchema,
    empty: () => ({ run: '', files: [], findings: [], reviews: [], rounds: 0, resolved: [], unresolved: [] }),
    canonical: (v) => (v.reviewed ? { ...v, reviewed: sortKeys(v.reviewed) } : v),
  },
}

/** An artifact that cannot be read or written: names the file, the field and, for reads, line:column. */
export class ArtifactError extends Error implements Diagnosable {
  readonly code = 'E_ARTIFACT'
  constructor(
    message: string,
    /** Absolute path of the artifact. */
    readonly file: string,
    /** Where in the file, when the problem is in its text. */
    readonly location?: TextLocation,
    /** A code frame of the offending text, when there is text. */
    readonly frame?: string,
  ) {
    super(frame ? `${message}\n${frame}` : message)
    this.name = 'ArtifactError'
    this.reason = message
  }

  private readonly reason: string

  /** `file` is absolute here (an artifact under `.sitesmith/`); the renderers take it as it is. */
  toDiagnostics(): Diagnostic[] {
    const at = this.location ? { line: this.location.line, column: this.location.column } : { line: 0, column: 0 }
    const frame = this.frame ? { frame: this.frame } : {}
    return [
      {
        rule: this.code,
        severity: 'error',
        file: this.file,
        ...at,
        ...frame,
        message: this.reason,
        source: 'pipeline',
      },
    ]
  }
}

export function sitesmithDir(siteDir: string): string {
  return join(siteDir, SITESMITH_DIR)
}

export function artifactPath(siteDir: string, kind: ArtifactKind): string {
  return join(siteDir, SITESMITH_DIR, ARTIFACT_FILES[kind])
}

/** `.sitesmith/tasks.json`: how errors name the file (relative to the site root, posix). */
function displayName(kind: ArtifactKind): string {
  return `${SITESMITH_DIR}/${ARTIFACT_FILES[kind]}`
}

/**
 * Read and validate one artifact. A missing file gives the empty default; a file that is
 * not JSON or fails the schema throws `ArtifactError` (the file is left as it is).
 */
export async function readArtifact<K extends ArtifactKind>(siteDir: string, kind: K): Promise<ArtifactTypes[K]> {
  const spec = SPECS[kind] as ArtifactSpec<ArtifactTypes[K]>
  const file = artifactPath(siteDir, kind)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (isNotFound(error)) return spec.empty()
    throw error
  }
  return parseArtifact(kind, text, file)
}

/** Validate artifact text (exported for tools that hold the text already, e.g. `git show`). */
export function parseArtifact<K extends ArtifactKind>(
  kind: K,
  text: string,
  file: string = displayName(kind),
): ArtifactTypes[K] {
  const spec = SPECS[kind] as ArtifactSpec<ArtifactTypes[K]>
  const name = displayName(kind)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    const at = jsonParseErrorLocation(text, error)
    const reason = error instanceof Error ? error.message : String(error)
    throw new ArtifactError(
      `${name}:${at.line}:${at.column}: not valid JSON (${reason}). Fix or delete the file; sitesmith rebuilds it on the next run.`,
      file,
      at,
      frame(text, at),
    )
  }
  const result = spec.schema.safeParse(json)
  if (!result.success) {
    const first = result.error.issues[0]
    const at = locateJsonPath(text, first.path)
    const more =
      result.error.issues.length > 1
        ? ` (and ${result.error.issues.length - 1} more: ${result.error.issues.slice(1, 4).map(formatIssue).join('; ')})`
        : ''
    throw new ArtifactError(
      `${name}:${at.line}:${at.column}: ${formatIssue(first)}${more}`,
      file,
      at,
      frame(text, at, first.message),
    )
  }
  return result.data
}

/**
 * The exact bytes `writeArtifact` would write: validated (defaults applied), record keys
 * sorted, 2-space JSON, trailing newline. Throws `ArtifactError` naming the field when the
 * value does not match the schema.
 */
export function serializeArtifact<K extends ArtifactKind>(kind: K, value: ArtifactTypes[K]): string {
  const spec = SPECS[kind] as ArtifactSpec<ArtifactTypes[K]>
  const result = spec.schema.safeParse(value)
  if (!result.success) {
    throw new ArtifactError(
      `${displayName(kind)}: refusing to write an invalid value: ${result.error.issues.slice(0, 3).map(formatIssue).join('; ')}`,
      displayName(kind),
    )
  }
  // zod's output follows the schema's key order, so objects are already in a fixed order.
  return `${JSON.stringify(spec.canonical(result.data), null, 2)}\n`
}

export interface WriteArtifactResult {
  path: string
  /** False when the file already held exactly these bytes and was left alone. */
  written: boolean
}

/** Validate and atomically write one artifact, unless its bytes would not change. */
export async function writeArtifact<K extends ArtifactKind>(
  siteDir: string,
  kind: K,
  value: ArtifactTypes[K],
): Promise<WriteArtifactResult> {
  const path = artifactPath(siteDir, kind)
  const text = serializeArtifact(kind, value)
  try {
    if ((await readFile(path, 'utf8')) === text) return { path, written: false }
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  await writeFileAtomic(path, text)
  return { path, written: true }
}

export const readTasks = (siteDir: string): Promise<TasksFile> => readArtifact(siteDir, 'tasks')
export const writeTasks = (siteDir: string, value: TasksFile): Promise<WriteArtifactResult> =>
  writeArtifact(siteDir, 'tasks', value)
export const readTracker = (siteDir: string): Promise<FileTracker> => readArtifact(siteDir, 'tracker')
export const writeTracker = (siteDir: string, value: FileTracker): Promise<WriteArtifactResult> =>
  writeArtifact(siteDir, 'tracker', value)
export const readCodeReview = (siteDir: string): Promise<CodeReview> => readArtifact(siteDir, 'review')
export const writeCodeReview = (siteDir: string, value: CodeReview): Promise<WriteArtifactResult> =>
  writeArtifact(siteDir, 'review', value)

function sortKeys<V>(record: Record<string, V>): Record<string, V> {
  // fromEntries defines own properties, so even a key like `__proto__` stays data.
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The diagnostics' code frame (one of each, #11): a long line of an artifact is shown as a window around the column. */
function frame(text: string, at: TextLocation, message?: string): string {
  return codeFrame(text, at.line, at.column, { message })
}
