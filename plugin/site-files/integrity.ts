import { posix } from 'node:path'
import { parseCheck } from '../analysis/parse-check.js'
import { findPlaceholder } from '../analysis/placeholders.js'
import { stripFences } from '../llm/structured.js'
import { codeFrame } from '../diagnostics/code-frame.js'
import type { Diagnostic } from '../diagnostics/diagnostic.js'

/**
 * The integrity gate: nothing reaches the disk unless it is whole. Small models answer in
 * prose, wrap code in markdown fences, elide parts ("// rest of the code remains the
 * same") or get cut off at their length limit (docs/ARCHITECTURE.md, failure modes); each of
 * those is rejected here with a reason that can be fed back to the model.
 */

/** Generated files larger than this are refused: a static page this big is runaway output. */
export const MAX_FILE_BYTES = 512 * 1024

/** A rejection names the path in `reason` (fed back to the model) and, when known, where (`at`, for the diagnostic). */
export type Gate =
  { ok: true; content: string } | { ok: false; reason: string; at?: Pick<Diagnostic, 'line' | 'column' | 'frame'> }

/** Strip what models wrap around a file: one enclosing markdown fence, a BOM; end with a newline. */
export function normalizeContent(raw: string): string {
  const s = unwrapExplained(stripFences(raw.replace(/^\uFEFF/, ''))).replace(/\r\n?/g, '\n')
  return s.endsWith('\n') ? s : s + '\n'
}

/**
 * "Here is the updated file: ```html … ``` This adds …" inside `content` (Aider-AI/aider#1223,
 * issue #15): exactly one fenced block with only a few sentences of prose around it (no markup,
 * braces or semicolons) is the file; the prose is dropped, never written.
 */
export function unwrapExplained(text: string): string {
  const fences = [...text.matchAll(/^[ \t]*(`{3,})[\w+-]*[ \t]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*$/gm)]
  if (fences.length !== 1) return text
  const m = fences[0]
  const outside = text.slice(0, m.index) + text.slice(m.index + m[0].length)
  if (outside.trim() === '' || outside.length > 600 || /[<>{};]/.test(outside)) return text
  return m[2]
}

/** The first words of an answer that chats instead of writing the file (stackblitz-labs/bolt.diy#152). */
const CHAT =
  /^\s*(?:\p{Extended_Pictographic}|hi\b|hello\b|hey\b|sure\b|certainly\b|of course\b|i'?m sorry|sorry\b|i can help|how can i help)/iu

/** Check a complete file a model wrote before it is written (fences stripped, newline ensured). */
export function checkFile(path: string, raw: string): Gate {
  const content = normalizeContent(raw)
  if (content.trim() === '') return { ok: false, reason: `${path}: the content is empty` }
  if (CHAT.test(content) && !/[<{;]/.test(content)) {
    return {
      ok: false,
      reason: `${path}: the content is chat prose, not a file (${JSON.stringify(content.trim().slice(0, 60))}); send the complete file`,
    }
  }
  if (/^\s*```/m.test(content))
    return {
      ok: false,
      reason: `${path}: the content still contains a markdown code fence (\`\`\`); send only the file itself`,
    }
  const placeholder = findPlaceholder(content)
  if (placeholder) {
    const reason = `${path}: line ${placeholder.line} is a placeholder for omitted code (${JSON.stringify(placeholder.text)}); write the complete file`
    return { ok: false, reason, at: framedAt(content, placeholder.line, 0) }
  }
  return checkWhole(path, content)
}

/**
 * Check a file after a chunk edit. Its bytes are kept exactly (CRLF, BOM, no added
 * newline: only the edited region may change), and placeholders were already checked in
 * the replacement by the edit engine — an existing `// ...` elsewhere is not the edit's doing.
 */
export function checkEditedFile(path: string, content: string): Gate {
  if (content.trim() === '') return { ok: false, reason: `${path}: the edit left the file empty` }
  return checkWhole(path, content)
}

function checkWhole(path: string, content: string): Gate {
  if (Buffer.byteLength(content) > MAX_FILE_BYTES)
    return {
      ok: false,
      reason: `${path}: the content is ${Buffer.byteLength(content)} bytes, over the ${MAX_FILE_BYTES}-byte limit`,
    }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/.test(content.replace(/^\uFEFF/, '')))
    return { ok: false, reason: `${path}: the content contains binary or control characters` }

  const ext = posix.extname(path).toLowerCase()
  if (ext === '.html') {
    if (/<html[\s>]/i.test(content) && !/<\/html\s*>/i.test(content))
      return { ok: false, reason: `${path}: the document has <html> but no </html>; it looks cut off` }
    if (!/<(body|main|div|section|p|h[1-6]|header|nav)[\s>]/i.test(content))
      return { ok: false, reason: `${path}: no page content found (no <body> or content elements)` }
  }
  if (ext === '.json' || ext === '.webmanifest') {
    try {
      JSON.parse(content)
    } catch (e) {
      return { ok: false, reason: `${path}: not valid JSON (${(e as Error).message})` }
    }
  }
  if (ext === '.svg' && !/<svg[\s>]/i.test(content)) return { ok: false, reason: `${path}: no <svg> element` }
  if (ext === '.html' || ext === '.css' || ext === '.js' || ext === '.mjs') {
    const parsed = parseCheck(path, content)
    if (!parsed.ok) {
      const reason = `${path}:${parsed.line}:${parsed.column}: does not parse: ${parsed.message}`
      return { ok: false, reason, at: framedAt(content, parsed.line, parsed.column) }
    }
  }
  return { ok: true, content }
}

/** Where in a rejected text, with its frame: the text was never written, so no renderer could frame it later. */
function framedAt(content: string, line: number, column: number): { line: number; column: number; frame?: string } {
  const frame = codeFrame(content, line, column)
  return frame ? { line, column, frame } : { line, column }
}
