/**
 * Small, predictable clean-ups of what a model sends, applied before any check. Each one
 * undoes a habit small models have; none of them can change code that was meant.
 */

/** A target wrapped whole in backticks or quotes (`` `#nav` ``, `"body"`) means the text inside. */
export function unquoteTarget(target: string): string {
  const t = target.trim()
  const m = /^([`'"])([^`'"]+)\1$/.exec(t)
  return m ? m[2].trim() : t
}

const LEADING_COMMENT = /^\s*(\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->|(?:\/\/[^\n]*\n\s*)+)/

/** The comment that ends right before `offset` (only whitespace between), or null. */
function commentBefore(source: string, offset: number): string | null {
  const before = source.slice(0, offset).trimEnd()
  if (before.endsWith('*/')) {
    const open = before.lastIndexOf('/*')
    return open === -1 ? null : before.slice(open)
  }
  if (before.endsWith('-->')) {
    const open = before.lastIndexOf('<!--')
    return open === -1 ? null : before.slice(open)
  }
  const lines = before.split('\n')
  const comments: string[] = []
  while (lines.length > 0 && /^\s*\/\//.test(lines[lines.length - 1])) comments.unshift(lines.pop()!.trim())
  return comments.length > 0 ? comments.join('\n') : null
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim()

/**
 * Models asked for a chunk often repeat the comment that sits right above it in the file
 * (a JSDoc block, a `<!-- Header -->` note). That comment is outside the chunk and stays;
 * a verbatim copy at the start of the replacement would duplicate it, so it is dropped.
 */
export function dropRepeatedLeadingComment(replacement: string, source: string, start: number): string {
  const lead = LEADING_COMMENT.exec(replacement)
  if (!lead) return replacement
  const above = commentBefore(source, start)
  if (above === null || squash(above) !== squash(lead[1])) return replacement
  return replacement.slice(lead[0].length)
}

/**
 * A JSON envelope escaped twice turns line breaks into the two characters `\n`: a
 * one-line answer full of `\n` for a chunk that spans lines is that, not code.
 */
export function looksDoubleEscaped(replacement: string, original: string): boolean {
  return !replacement.includes('\n') && original.includes('\n') && (replacement.match(/\\n/g)?.length ?? 0) >= 3
}
