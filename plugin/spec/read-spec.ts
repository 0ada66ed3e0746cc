import { readFileSync, statSync } from 'node:fs'
import type { Diagnosable, Diagnostic } from '../diagnostics/diagnostic.js'

/**
 * The spec as the pipeline sees it, validated before anything else runs (#12): a spec that
 * cannot describe a site — missing, a folder, empty, only whitespace, binary — is a clear
 * error naming the file, and no model is called for it. What is left is normalised so that
 * bytes a person does not see (a BOM, CRLF line endings from an editor or git's autocrlf)
 * never change a hash, a plan or a prompt.
 */
export class SpecError extends Error implements Diagnosable {
  readonly code = 'E_SPEC'
  constructor(
    /** The spec path as shown to the user (relative to the root when inside it). */
    readonly path: string,
    readonly reason: string,
    hint: string,
  ) {
    super(`spec ${path}: ${reason}\n${hint}`)
    this.name = 'SpecError'
  }

  toDiagnostics(): Diagnostic[] {
    return [
      {
        rule: this.code,
        severity: 'error',
        file: this.path,
        line: 0,
        column: 0,
        message: this.message,
        source: 'pipeline',
      },
    ]
  }
}

const WRITE_IT =
  'Write the site you want in plain language there (markdown headings split it into sections), or set the "spec" option.'

export class SpecNotFoundError extends SpecError {
  constructor(path: string) {
    super(path, 'not found', WRITE_IT)
    this.message = `spec not found: ${path}\n${WRITE_IT}`
    this.name = 'SpecNotFoundError'
  }
}

/** Read, validate and normalise the spec at `file` (`shown` is how errors name it). */
export function readSpec(file: string, shown: string): string {
  let stat
  try {
    stat = statSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new SpecNotFoundError(shown)
    throw new SpecError(shown, `cannot be read (${(error as Error).message})`, 'Check the path and its permissions.')
  }
  if (stat.isDirectory())
    throw new SpecError(
      shown,
      'is a directory, not a file',
      `Point the "spec" option at the markdown file inside it (e.g. "${shown.replace(/\/+$/, '')}/spec.md").`,
    )
  if (!stat.isFile()) throw new SpecError(shown, 'is not a regular file', 'The spec must be a markdown file.')
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new SpecError(shown, `cannot be read (${(error as Error).message})`, 'Check the path and its permissions.')
  }
  return normaliseSpec(bytes, shown)
}

/** Validate and normalise spec bytes: UTF-8 text without a BOM, `\n` line endings. */
export function normaliseSpec(bytes: Uint8Array, shown: string): string {
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    throw new SpecError(
      shown,
      `is binary, not text (a NUL byte at offset ${nul})`,
      'The spec must be UTF-8 markdown; was a file saved over it by mistake?',
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new SpecError(shown, 'is not valid UTF-8 text', 'Save it as UTF-8 (most editors have an "encoding" setting).')
  }
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (text.trim() === '')
    throw new SpecError(
      shown,
      bytes.length === 0 ? 'is empty' : 'holds only whitespace',
      `${WRITE_IT} Nothing is planned from an empty spec.`,
    )
  return text
}
