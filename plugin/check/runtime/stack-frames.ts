/**
 * Reading locations out of V8 stack traces (Chromium's `Error.stack`), so a runtime error
 * is reported in the script file and line that raised it rather than in the page.
 */
import { siteFileForUrl } from './site-url.js'

export interface StackFrame {
  /** Function as V8 prints it, e.g. `saveItem`, `HTMLButtonElement.onclick`; undefined for top-level code. */
  fn?: string
  url: string
  /** 1-based, as V8 prints it. */
  line: number
  /** 1-based, as V8 prints it. */
  column: number
}

// "    at fn (url:line:col)" or "    at url:line:col"; anchored at the end so URLs with ports work.
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/

/** Frames of a V8 stack with a url and position; frames like `at Array.map (<anonymous>)` are skipped. */
export function parseStack(stack: string | undefined): StackFrame[] {
  if (!stack) return []
  const frames: StackFrame[] = []
  for (const raw of stack.split('\n')) {
    if (!/^\s*at /.test(raw)) continue
    const m = FRAME.exec(raw.trimEnd())
    if (!m) continue
    const fn = m[1]?.replace(/^async /, '')
    frames.push({ ...(fn ? { fn } : {}), url: m[2], line: Number(m[3]), column: Number(m[4]) })
  }
  return frames
}

export interface SiteLocation {
  /** Site-relative posix path. */
  file: string
  line: number
  column: number
  /** Function name of the frame the location came from, when the stack had one. */
  fn?: string
}

/**
 * Where in the site an error was raised: the innermost stack frame on the site's origin.
 * Frames in Playwright's evaluation code or external scripts are passed over; with no site
 * frame at all (a thrown string, an error without a stack) it is the page itself, line 0.
 */
export function locateInSite(stack: string | undefined, origin: string, page: string): SiteLocation {
  for (const frame of parseStack(stack)) {
    const file = siteFileForUrl(frame.url, origin)
    if (file !== undefined)
      return { file, line: frame.line, column: frame.column, ...(frame.fn ? { fn: frame.fn } : {}) }
  }
  return { file: page, line: 0, column: 0 }
}
