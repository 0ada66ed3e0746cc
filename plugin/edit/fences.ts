/**
 * Small models wrap code in markdown fences even when told not to (shared/DESIGN.md,
 * failure modes). One fence that encloses the whole replacement is unwrapped before any
 * other check; a fence line left anywhere else is reported, never written into a file.
 */

const ENCLOSING = /^\s*(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n?[ \t]*\1[ \t]*\s*$/

/** The replacement without one enclosing markdown fence (```css … ```), else unchanged. */
export function stripFences(text: string): string {
  const lf = text.replace(/\r\n?/g, '\n')
  const m = ENCLOSING.exec(lf)
  return m ? m[2] : lf
}

/** 1-based line of a markdown fence line still inside the text, or 0. */
export function fenceLine(text: string): number {
  const lines = text.split('\n')
  const i = lines.findIndex((l) => /^\s*(```|~~~)/.test(l))
  return i + 1
}
