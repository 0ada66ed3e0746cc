import type { Diagnostic } from './diagnostic.js'
import { escapeControl } from './escape.js'
import { frameOf, locationOf } from './render-text.js'
import type { SourceFiles } from './site-source.js'

/**
 * The Vite overlay renderer (#11): diagnostics as the payload of Vite's error overlay
 * (`ErrorPayload['err']`, declared here structurally so this bottom layer needs no Vite).
 * One payload lists several diagnostics, one per line; the first one with a line gives
 * the overlay its `file:line:column` link and code frame.
 */
export interface OverlayPayload {
  message: string
  stack: string
  plugin?: string
  id?: string
  loc?: { file: string; line: number; column: number }
  frame?: string
}

export interface OverlayOptions {
  /** First line of the message, e.g. `sitesmith: 2 problems on this page`. */
  heading: string
  pluginName: string
  /** Where the files are, for the editor link and the frame. */
  files: SourceFiles
  /** How one diagnostic reads. @default {@link overlayLine} */
  line?: (d: Diagnostic) => string
}

/** `file:line:column  message` (just `file` when the line is unknown, just the message in no file). */
export function overlayLine(d: Diagnostic): string {
  const where = locationOf(d)
  return where ? `${where}  ${d.message}` : d.message
}

export function overlayPayload(diagnostics: readonly Diagnostic[], options: OverlayOptions): OverlayPayload {
  const lines: string[] = []
  for (const d of diagnostics) {
    // Model- and page-derived text: control bytes shown escaped (issue #10).
    const line = escapeControl((options.line ?? overlayLine)(d))
    if (!lines.includes(line)) lines.push(line)
  }
  const payload: OverlayPayload = {
    message: [options.heading, ...lines].join('\n'),
    stack: '',
    plugin: options.pluginName,
  }
  const at = diagnostics.find((d) => d.file !== '' && d.line > 0)
  if (at) {
    const path = options.files.pathOf(at)
    payload.id = path
    payload.loc = { file: path, line: at.line, column: at.column }
    const frame = frameOf(at, at.frame ? undefined : options.files.read(path))
    if (frame) payload.frame = frame
  }
  return payload
}
