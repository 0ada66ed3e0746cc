import { posix } from 'node:path'
import { parseCheck } from '../check/index.js'
import { findPlaceholder } from '../edit/index.js'
import { stripFences } from '../llm/structured.js'

/**
 * The integrity gate: nothing reaches the disk unless it is whole. Small models answer in
 * prose, wrap code in markdown fences, elide parts ("// rest of the code remains the
 * same") or get cut off at their length limit (shared/DESIGN.md, failure modes); each of
 * those is rejected here with a reason that can be fed back to the model.
 */

/** Generated files larger than this are refused: a static page this big is runaway output. */
export const MAX_FILE_BYTES = 512 * 1024

export type Gate = { ok: true; content: string } | { ok: false; reason: string }

/** Strip what models wrap around a file: one enclosing markdown fence, a BOM; end with a newline. */
export function normalizeContent(raw: string): string {
  const s = stripFences(raw.replace(/^\uFEFF/, '')).replace(/\r\n?/g, '\n')
  return s.endsWith('\n') ? s : s + '\n'
}

/** Check a complete file a model wrote before it is written (fences stripped, newline ensured). */
export function checkFile(path: string, raw: string): Gate {
  const content = normalizeContent(raw)
  if (content.trim() === '') return { ok: false, reason: `${path}: the content is empty` }
  if (/^\s*```/m.test(content)) return { ok: false, reason: `${path}: the content still contains a markdown code fence (\`\`\`); send only the file itself` }
  const placeholder = findPlaceholder(content)
  if (placeholder) return { ok: false, reason: `${path}: line ${placeholder.line} is a placeholder for omitted code (${JSON.stringify(placeholder.text)}); write the complete file` }
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
  if (Buffer.byteLength(content) > MAX_FILE_BYTES) return { ok: false, reason: `${path}: the content is ${Buffer.byteLength(content)} bytes, over the ${MAX_FILE_BYTES}-byte limit` }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/.test(content.replace(/^\uFEFF/, ''))) return { ok: false, reason: `${path}: the content contains binary or control characters` }

  const ext = posix.extname(path).toLowerCase()
  if (ext === '.html') {
    if (/<html[\s>]/i.test(content) && !/<\/html\s*>/i.test(content)) return { ok: false, reason: `${path}: the document has <html> but no </html>; it looks cut off` }
    if (!/<(body|main|div|section|p|h[1-6]|header|nav)[\s>]/i.test(content)) return { ok: false, reason: `${path}: no page content found (no <body> or content elements)` }
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
    if (!parsed.ok) return { ok: false, reason: `${path}:${parsed.line}:${parsed.column}: does not parse: ${parsed.message}` }
  }
  return { ok: true, content }
}
