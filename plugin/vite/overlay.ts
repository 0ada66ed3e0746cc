import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ErrorPayload } from 'vite'
import type { Finding } from '../report/diagnostic.js'
import { codeFrame } from '../report/code-frame.js'

/**
 * Unresolved error findings as Vite's error overlay shows them: the first finding gets the
 * location and code frame (the overlay has room for one), the message lists them all.
 */
export function overlayError(findings: Finding[], taskErrors: string[], siteDir: string): ErrorPayload['err'] | null {
  if (findings.length === 0 && taskErrors.length === 0) return null
  const lines = [
    ...taskErrors,
    ...findings.map((f) => `${f.file}:${f.line}:${f.column} [${f.rule}] ${f.message}${f.page && f.page !== f.file ? ` (on ${f.page})` : ''}`),
  ]
  const first = findings[0]
  const err: ErrorPayload['err'] = {
    message: `sitesmith: ${findings.length} unresolved error(s)${taskErrors.length ? `, ${taskErrors.length} failed task(s)` : ''}\n${lines.join('\n')}`,
    stack: '',
    plugin: 'vite-plugin-sitesmith',
  }
  if (first) {
    const abs = join(siteDir, first.file)
    err.id = abs
    if (first.line > 0) {
      err.loc = { file: abs, line: first.line, column: first.column }
      if (existsSync(abs)) err.frame = codeFrame(readFileSync(abs, 'utf8'), first.line, first.column)
    }
  }
  return err
}
