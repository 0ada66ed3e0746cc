/**
 * Fit a replacement to the indentation of the region it replaces. The region starts at the
 * chunk's first token (after the line's indentation), so the replacement's first line is
 * placed as-is after that indentation and every following line is shifted from the
 * replacement's own base indentation to the region's.
 *
 * Models return a chunk in one of three shapes, and all three land the same way:
 * - as shown: first line flush, the rest at the file's absolute indentation (what
 *   `locateChunk().text` looks like) — left as is;
 * - flush-left: the whole chunk dedented to column 0 — shifted right;
 * - fully indented: every line, the first included, at some indentation — shifted.
 * Lines indented less than the replacement's base (template literal or `<pre>` content
 * written at column 0) are never touched. Only whitespace at line starts changes.
 */

function leading(line: string): string {
  return /^[ \t]*/.exec(line)![0]
}

/** A line that closes the chunk (`}`, `</tag>`, `)`, `]`) sits at the chunk's base indentation. */
const CLOSER = /^[ \t]*(?:\}|<\/|\)|\]|`)/

/**
 * @param text replacement with LF line endings, leading blank lines and trailing whitespace removed.
 * @param indent the region's indentation (whitespace before its first token on its line), or
 *   null when other text precedes the region on its line (then only the first line is trimmed).
 */
export function fitIndentation(text: string, indent: string | null): string {
  const lines = text.split('\n')
  const first = lines[0]
  if (lines.length === 1 || indent === null) return [first.trimStart(), ...lines.slice(1)].join('\n')

  const rest = lines.slice(1)
  const nonBlank = rest.filter((l) => l.trim() !== '')
  const last = nonBlank[nonBlank.length - 1] ?? ''
  let base: string
  if (leading(first) !== '') base = leading(first)
  else if (CLOSER.test(last)) base = leading(last)
  else if (indent !== '' && nonBlank.every((l) => l.startsWith(indent))) base = indent
  else base = ''

  const out = [first.trimStart()]
  for (const l of rest) {
    if (l.trim() === '') out.push('')
    else if (base === indent) out.push(l)
    else out.push(l.startsWith(base) ? indent + l.slice(base.length) : l)
  }
  return out.join('\n')
}

/** Remove leading blank lines and trailing whitespace; keep the first line's own indentation. */
export function trimReplacement(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').trimEnd()
}
