import { posix } from 'node:path'
import { parseCheck } from '../check/index.js'

/**
 * The integrity gate: nothing reaches the disk unless it is whole. Small models answer in
 * prose, wrap code in markdown fences, elide parts ("// rest of the code remains the
 * same") or get cut off at their length limit (shared/DESIGN.md, failure modes); each of
 * those is rejected here with a reason that can be fed back to the model.
 */

/** Generated files larger than this are refused: a static page this big is runaway output. */
export const MAX_FILE_BYTES = 512 * 1024

const PLACEHOLDERS: { re: RegExp; what: string }[] = [
  { re: /^[ \t]*(\/\/|\/\*|<!--|#)[ \t]*\.\.\./m, what: 'a comment standing for omitted code ("// ...")' },
  { re: /^[ \t]*\.\.\.[ \t]*$/m, what: 'a line that is only "..."' },
  { re: /\b(rest|remainder) of (the )?(code|file|styles?|content|page|functions?|markup|script|html|css)\b/i, what: '"rest of the …" placeholder' },
  { re: /\b(existing|previous|other|same) (code|content|styles?|markup|functions?|rules?|sections?) (remains?|goes|stays|unchanged|as before)\b/i, what: '"existing code remains" placeholder' },
  { re: /\b(omitted for brevity|truncated for brevity|add (more|your) (code|content) here|(code|file) (remains|stays) (the same|unchanged))\b/i, what: 'an "omitted/unchanged" placeholder' },
]

export type Gate = { ok: true; content: string } | { ok: false; reason: string }

/** Strip what models wrap around a file: one enclosing markdown fence, a BOM; end with a newline. */
export function normalizeContent(raw: string): string {
  let s = raw.replace(/^\uFEFF/, '')
  const fenced = /^\s*(```|~~~)[\w.+-]*[^\n]*\n([\s\S]*?)\n?\1\s*$/.exec(s)
  if (fenced) s = fenced[2]
  s = s.replace(/\r\n?/g, '\n')
  return s.endsWith('\n') ? s : s + '\n'
}

/** Check a complete file before it is written. */
export function checkFile(path: string, raw: string): Gate {
  const content = normalizeContent(raw)
  if (content.trim() === '') return { ok: false, reason: `${path}: the content is empty` }
  if (Buffer.byteLength(content) > MAX_FILE_BYTES) return { ok: false, reason: `${path}: the content is ${Buffer.byteLength(content)} bytes, over the ${MAX_FILE_BYTES}-byte limit` }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(content)) return { ok: false, reason: `${path}: the content contains binary or control characters` }
  if (/^\s*```/m.test(content)) return { ok: false, reason: `${path}: the content still contains a markdown code fence (\`\`\`); send only the file itself` }
  const placeholder = findPlaceholder(content)
  if (placeholder) return { ok: false, reason: `${path}: the content contains ${placeholder.what} at line ${placeholder.line}; write the complete file` }

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

export function findPlaceholder(content: string): { what: string; line: number } | null {
  for (const p of PLACEHOLDERS) {
    const m = p.re.exec(content)
    if (m) return { what: p.what, line: content.slice(0, m.index).split('\n').length }
  }
  return null
}
