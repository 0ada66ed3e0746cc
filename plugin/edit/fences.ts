/**
 * Small models wrap code in markdown fences even when told not to (docs/ARCHITECTURE.md,
 * failure modes). One fence that encloses the whole replacement is unwrapped before any
 * other check; a fence line left anywhere else is reported, never written into a file.
 */

import { stripFences as stripEnclosingFence } from '../llm/structured.js'

/** The replacement without one enclosing markdown fence (```css … ```), else unchanged; LF line ends. */
export function stripFences(text: string): string {
  return stripEnclosingFence(text.replace(/\r\n?/g, '\n'))
}

/** 1-based line of a markdown fence line still inside the text, or 0. */
export function fenceLine(text: string): number {
  const lines = text.split('\n')
  const i = lines.findIndex((l) => /^\s*(```|~~~)/.test(l))
  return i + 1
}
