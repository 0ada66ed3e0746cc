import type { ErrorPayload } from 'vite'
import { diagnosticsOf, type Diagnostic, type Finding } from '../diagnostics/diagnostic.js'
import { overlayLine, overlayPayload } from '../diagnostics/render-overlay.js'
import { siteSources } from '../diagnostics/site-source.js'
import { formatRunFailure } from '../report/run-summary.js'

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
  const byPage = new Map<string, Diagnostic[]>()
  const add = (page: string, d: Diagnostic) => byPage.set(page, [...(byPage.get(page) ?? []), d])
  for (const t of input.failed) {
    const d: Diagnostic = {
      rule: 'E_TASK',
      severity: 'error',
      file: t.path,
      line: 0,
      column: 0,
      message: t.message,
      source: 'task',
    }
    for (const page of concerns(t.path)) add(page, d)
  }
  for (const f of dedupeFindings(input.findings.filter((x) => x.severity === 'error'))) {
    for (const page of concerns(f.file, f.page)) add(page, f)
  }
  const files = siteSources(input.siteDir)
  const line = (d: Diagnostic) =>
    d.source === 'task'
      ? `${d.file} was not regenerated, so you see its previous version: ${inUserWords(d.message)}`
      : overlayLine(d)
  for (const [page, diagnostics] of byPage) {
    const n = new Set(diagnostics.map(line)).size
    const heading = `sitesmith: ${n === 1 ? 'a problem' : `${n} problems`} on this page`
    pages[page] = overlayPayload(diagnostics, { heading, pluginName: input.pluginName, files, line })
  }
  let all: OverlayError | null = null
  if (input.runError !== undefined) {
    const heading = input.hasSite
      ? 'sitesmith: your last edit to spec.md was not applied, so you see the previous version of the site.'
      : 'sitesmith: there is no site yet.'
    const reason = inUserWords(formatRunFailure(input.runError).replace(/^sitesmith: /, ''))
    // One line, the error in the user's words; the error's own location (a spec, an artifact) links the overlay.
    const diagnostics = diagnosticsOf(input.runError).map((d, i) => ({ ...d, message: i === 0 ? reason : d.message }))
    all = overlayPayload(diagnostics.slice(0, 1), {
      heading,
      pluginName: input.pluginName,
      files,
      line: (d) => d.message,
    })
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
    .replace(/\bplan-delta(?::\d+)?(?:-repair)?: /g, 're-planning the sections you changed: ')
    .replace(/\bplan-(?:site|group)(?::\d+)?(?:-repair)?: /g, 'planning the site: ')
    .replace(/\bplan(?:-repair)?: /g, 'planning the site: ')
    .replace(/\bgenerate:([\w.-]+): /g, 'writing the file for task "$1": ')
    .replace(/\bupdate:([\w.-]+): /g, 'updating the file for task "$1": ')
    .replace(/\breview:round-\d+(?::batch-\d+-of-\d+)?: /g, 'reviewing the changes: ')
    .replace(/\bfix:([^\s:]+): /g, 'fixing $1: ')
    .replace(/, request "[^"]*"/g, '')
    .replace(/stage "plan-delta(?:-repair)?"/g, 're-planning the sections you changed')
    .replace(/stage "plan(?:-site|-group)?(?:-repair)?"/g, 'planning the site')
    .replace(
      /stage "(generate|update|review|fix)"/g,
      (_m, s: string) =>
        ({ generate: 'writing a file', update: 'updating a file', review: 'reviewing', fix: 'fixing' })[s] ?? s,
    )
}
