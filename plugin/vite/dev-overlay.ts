import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ErrorPayload } from 'vite'
import type { Finding } from '../diagnostics/diagnostic.js'
import { codeFrame } from '../diagnostics/code-frame.js'
import { formatRunFailure } from '../report/run-summary.js'
import { escapeControl } from '../site-files/site-file-policy.js'

/**
 * What the dev overlay shows, page by page (issue #14): each finding once, on the pages it
 * concerns (a shared script or stylesheet: the pages that load it), in the user's words;
 * plus one site-wide line when a run did not apply (the spec edit is not live yet). The
 * browser side (`dev-client.ts`) shows its page's entry with Vite's own overlay element and
 * removes it when the entry is gone.
 */
export type OverlayError = ErrorPayload['err']

export interface OverlayState {
  /** Site-relative page → what to show on it. */
  pages: Record<string, OverlayError>
  /** Shown on every page (a run that did not apply). */
  all: OverlayError | null
}

export const EMPTY_STATE: OverlayState = Object.freeze({ pages: Object.freeze({}), all: null })

/** A failed task, as the run reports it. */
export interface FailedFile {
  path: string
  message: string
}

export function overlayState(input: {
  findings: Finding[]
  failed: FailedFile[]
  runError?: unknown
  /** Whether a site exists to fall back on (then a failed run means "you see the previous version"). */
  hasSite: boolean
  /** Page → the site files it loads (scripts, their imports, stylesheets). */
  loads: ReadonlyMap<string, ReadonlySet<string>>
  siteDir: string
  pluginName: string
}): OverlayState {
  const pages: Record<string, OverlayError> = {}
  const concerns = (file: string, page?: string): string[] => {
    if (page && input.loads.has(page)) return [page]
    if (input.loads.has(file)) return [file]
    return [...input.loads].filter(([, files]) => files.has(file)).map(([p]) => p)
  }
  const byPage = new Map<string, { lines: string[]; first?: Finding }>()
  const add = (page: string, line: string, f?: Finding) => {
    const entry = byPage.get(page) ?? { lines: [] }
    line = escapeControl(line) // model- and page-derived text: control bytes shown escaped (issue #10)
    if (!entry.lines.includes(line)) entry.lines.push(line)
    if (f && !entry.first && f.line > 0) entry.first = f
    byPage.set(page, entry)
  }
  for (const t of input.failed) {
    for (const page of concerns(t.path)) add(page, `${t.path} was not regenerated, so you see its previous version: ${inUserWords(t.message)}`)
  }
  for (const f of dedupeFindings(input.findings.filter((x) => x.severity === 'error'))) {
    for (const page of concerns(f.file, f.page)) add(page, `${f.file}${f.line > 0 ? `:${f.line}:${f.column}` : ''}  ${f.message}`, f)
  }
  for (const [page, entry] of byPage) {
    const n = entry.lines.length
    const err: OverlayError = { message: `sitesmith: ${n === 1 ? 'a problem' : `${n} problems`} on this page\n${entry.lines.join('\n')}`, stack: '', plugin: input.pluginName }
    if (entry.first) {
      const abs = join(input.siteDir, entry.first.file)
      err.id = abs
      err.loc = { file: abs, line: entry.first.line, column: entry.first.column }
      if (existsSync(abs)) err.frame = codeFrame(readFileSync(abs, 'utf8'), entry.first.line, entry.first.column)
    }
    pages[page] = err
  }
  let all: OverlayError | null = null
  if (input.runError !== undefined) {
    const reason = inUserWords(formatRunFailure(input.runError).replace(/^sitesmith: /, ''))
    all = {
      message: input.hasSite
        ? `sitesmith: your last edit to spec.md was not applied, so you see the previous version of the site.\n${reason}`
        : `sitesmith: there is no site yet.\n${reason}`,
      stack: '',
      plugin: input.pluginName,
    }
  }
  return { pages, all }
}

/**
 * One finding per defect: the browser and the static rules often report the same line
 * (an `onclick` calling a missing function is both `unknown-handler` and `runtime-error`).
 * The static finding is kept: its message says what is wrong, not only what was thrown.
 */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const runtime = (f: Finding) => f.rule === 'runtime-error' || f.rule === 'failed-request'
  const sorted = [...findings].sort((a, b) => Number(runtime(a)) - Number(runtime(b)))
  const seen = new Set<string>()
  const out: Finding[] = []
  for (const f of sorted) {
    const at = f.line > 0 ? `${f.file}:${f.line}` : `${f.file}:${f.rule}:${f.message}`
    if (seen.has(at)) continue
    seen.add(at)
    out.push(f)
  }
  return out
}

/** Internal stage labels (`plan-delta: …`) as a person would say them. */
export function inUserWords(text: string): string {
  return text
    .replace(/\bplan-delta(?:-repair)?: /g, 're-planning the sections you changed: ')
    .replace(/\bplan(?:-repair)?: /g, 'planning the site: ')
    .replace(/\bgenerate:([\w.-]+): /g, 'writing the file for task "$1": ')
    .replace(/\bupdate:([\w.-]+): /g, 'updating the file for task "$1": ')
    .replace(/\breview:round-\d+: /g, 'reviewing the changes: ')
    .replace(/\bfix:([^\s:]+): /g, 'fixing $1: ')
    .replace(/, request "[^"]*"/g, '')
    .replace(/stage "plan-delta(?:-repair)?"/g, 're-planning the sections you changed')
    .replace(/stage "plan(?:-repair)?"/g, 'planning the site')
    .replace(/stage "(generate|update|review|fix)"/g, (_m, s: string) => ({ generate: 'writing a file', update: 'updating a file', review: 'reviewing', fix: 'fixing' })[s] ?? s)
}
