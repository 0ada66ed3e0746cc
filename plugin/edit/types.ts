/**
 * Shared shapes of the chunk-edit API (docs/ARCHITECTURE.md, "Editing in chunks"). Every
 * outcome is a value, never a throw: a rejection carries a reason written for the model
 * that produced the replacement, so the fix loop can quote it back verbatim.
 */

/** Why an edit was refused. Stable ids, so callers can count or branch on them. */
export type EditRejectionCode =
  /** The file type has no chunk editor (only .html/.htm, .css, .js/.mjs/.cjs do). */
  | 'unsupported-file'
  /** The original file does not parse, so its chunks cannot be located. */
  | 'unparsable-source'
  /** The target string itself is malformed (bad selector, unknown syntax). */
  | 'invalid-target'
  | 'target-missing'
  | 'target-ambiguous'
  | 'empty-replacement'
  /** "// rest of the code remains the same", `<!-- ... -->`, lines that are only `...`. */
  | 'placeholder'
  /** A markdown fence left inside the replacement. */
  | 'markdown-fence'
  /** The replacement is not the same kind of chunk (a `<div>` for a `<nav>`, a function renamed, …). */
  | 'wrong-kind'
  /** A body-side replacement that repeats `<head>`, `<html>`, `<!doctype>`, a second `<body>` or head-only content. */
  | 'head-duplication'
  /** The replacement rewrites more than its target (copies or duplicates other chunks). */
  | 'overreach'
  /** The edited file (or the replaced region) no longer parses. */
  | 'does-not-parse'
  /** Two edits of one `applyChunkEdits` call touch the same bytes. */
  | 'overlap'

export interface EditRejection {
  ok: false
  /** Written for the model: what is wrong and what to send instead. Includes file:line:col where known. */
  reason: string
  code: EditRejectionCode
}

/** A located chunk: `source.slice(start, end) === text`. Offsets are UTF-16 indices into the source. */
export interface ChunkLocation {
  ok: true
  start: number
  end: number
  text: string
  /**
   * What was found: HTML `head` | `body` | `element`; CSS `rule` | `at-rule` | `declaration`;
   * JS `function` | `class` | `variable` | `method` | `property` | `export-default` | `call` | `assignment`.
   */
  kind: string
}

export type LocateResult = ChunkLocation | EditRejection

export type EditResult = { ok: true; content: string } | EditRejection

export interface ChunkEdit {
  /** Same syntax as `locateChunk`'s target (see plugin/edit/README.md). */
  target: string
  /** The new text of the chunk. Markdown fences around it are stripped first. */
  replacement: string
}

export function reject(code: EditRejectionCode, reason: string): EditRejection {
  return { ok: false, code, reason }
}
