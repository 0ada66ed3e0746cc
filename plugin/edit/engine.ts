import type { EditRejection } from './types.js'

/**
 * What each language (HTML, CSS, JS) provides to the edit orchestrator in `index.ts`.
 * Offsets are UTF-16 indices into the parsed text (a BOM is already stripped).
 */

export interface Chunk<Data = unknown> {
  start: number
  end: number
  kind: string
  /** Engine-private facts about the chunk (the parse node, the selector it matched, …). */
  data: Data
}

export interface ListedChunk {
  target: string
  start: number
  end: number
  kind: string
}

/** Where an edit landed in the edited text, for the checks that run after splicing. */
export interface Landed<Data = unknown> {
  /** 1-based position of the edit in the call, for reasons ("edit 2 (`#nav`)"). */
  ordinal: number
  target: string
  chunk: Chunk<Data>
  start: number
  end: number
}

export interface EditContext {
  path: string
  target: string
  /** The text being edited (BOM stripped). */
  source: string
}

export interface Engine<Doc, Data> {
  parse(path: string, source: string): { ok: true; doc: Doc } | EditRejection
  /** Parse an edited version the same way the original was parsed (e.g. JS module vs script). */
  reparse(original: Doc, path: string, result: string): { ok: true; doc: Doc } | EditRejection
  locate(doc: Doc, ctx: EditContext): Chunk<Data> | EditRejection
  list(doc: Doc): ListedChunk[]
  /**
   * Turn a cleaned replacement (LF line endings, no fences, trimmed) into the exact text to
   * splice over the chunk, with the region's indentation; reject one of the wrong kind.
   */
  shape(doc: Doc, chunk: Chunk<Data>, replacement: string, ctx: EditContext): { ok: true; text: string } | EditRejection
  /** Structural checks on the edited text: each landed region must be a whole chunk of its kind. */
  check(original: Doc, edited: Doc, landed: Landed<Data>[], path: string): EditRejection | null
  /**
   * Names that must stay unique (HTML ids, CSS selectors per nesting level, JS declared
   * names): a count that grows past one after an edit means the edit repeated another chunk.
   * Maps identity → start offsets of its occurrences.
   */
  identities(doc: Doc): Map<string, number[]>
  /** Whether a deleted chunk would leave the file without something it must keep (`head`, `body`). */
  deletable(chunk: Chunk<Data>, ctx: EditContext): EditRejection | null
  /** Whether the chunk is one item of a comma-separated list (a JS declarator or object member), so deleting it takes a comma along. */
  commaSeparated?(chunk: Chunk<Data>): boolean
}
