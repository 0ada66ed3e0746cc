/**
 * The runtime check: serve the site on 127.0.0.1, open every page in headless Chromium
 * (one browser, a fresh context per page), and report what breaks — uncaught errors,
 * console errors, missing local files, and errors raised by clicking what has a handler —
 * as `runtime-error` / `failed-request` findings in the file that holds the defect.
 */
import { resolve } from 'node:path'

import { compareFindings, type Finding } from '../../diagnostics/diagnostic.js'
import { defaultChromiumPath, launchChromium } from './chromium.js'
import { auditPage, type AuditOptions } from './page-audit.js'
import { checkPage, type PageCheckResult, type UncertainFinding } from './page-check.js'
import { siteSources } from './site-sources.js'
import { normalizePagePath } from './site-url.js'
import { startStaticServer, type StaticServer } from './static-server.js'

export interface RuntimeCheckOptions {
  /** The site directory to serve (built `dist/` or the generated source). */
  dir: string
  /** Pages to open, as paths relative to `dir` (`index.html`, `blog/post.html`). */
  pages: string[]
  /** Chromium binary. @default process.env.SITESMITH_CHROMIUM ?? '/usr/bin/chromium' */
  executablePath?: string
  /** Write a full-page PNG of each page (as loaded, before any trigger) to `<screenshotsDir>/<page>.png`. @default undefined (no screenshots) */
  screenshotsDir?: string
  /** Budget per page for loading and triggering; a page over it is reported as stuck. @default 15000 */
  timeoutMs?: number
  /** Quiet time after `load` (and after the page's fetch/XHR calls finished) so timers and promise chains can fail. @default 100 */
  idleMs?: number
  /** Quiet time after each trigger (after its fetch/XHR calls finished) for the errors it causes to surface. @default 10 */
  triggerIdleMs?: number
  /** Elements × events fired per page at most, in document order. @default 100 */
  maxTriggersPerPage?: number
  /** Pages checked at once (each in its own context of the one browser). @default 2 */
  concurrency?: number
  /** Stops the check: the browser and server are closed and the promise rejects with the reason. */
  signal?: AbortSignal
  /**
   * Accessibility (axe-core, WCAG A/AA) and layout at 1280 and 390 px (issue #18): findings
   * `a11y-<axe id>` and `layout-*`. Off when undefined.
   */
  audit?: AuditOptions
  /**
   * Budget of each accessibility/layout pass (a fresh load plus axe or the layout probe).
   * Generous on purpose: a page that hangs was already reported by the page check and is
   * not audited, so this only bounds a slow machine. @default 60000
   */
  auditTimeoutMs?: number
  /** Called after each page is checked, with its path (count calls for pages done of `pages.length`; with `concurrency` > 1 pages finish in any order). */
  onProgress?: (page: string) => void
}

export interface RuntimeCheckResult {
  /** De-duplicated, sorted (`compareFindings`); rules `runtime-error` and `failed-request`. */
  findings: Finding[]
  /**
   * Set when the check could not run (no Chromium: one line saying why and how to fix) or
   * could not finish (the browser died): then `findings` holds only what was found before.
   */
  skipped?: string
  pagesChecked: number
  durationMs: number
  /**
   * Errors seen that may not be site defects, with the reason they were set aside (external
   * code blocked offline, a hidden element, an error only after other clicks). Not findings;
   * shown so that nothing the browser reported is dropped silently.
   */
  uncertain: UncertainFinding[]
  /** Absolute paths of the screenshots written. */
  screenshots: string[]
  /** Accessibility/layout passes that could not finish (`page at width`): not checked, not clean. */
  auditIncomplete: string[]
}

const DEFAULT_TIMEOUT_MS = 15_000
const DEFAULT_AUDIT_TIMEOUT_MS = 60_000
const LAUNCH_TIMEOUT_MS = 30_000

/** Runs the runtime check. Never throws for a missing browser (see `skipped`); rejects on abort and on bad `dir`/`pages`. */
export async function runRuntimeCheck(opts: RuntimeCheckOptions): Promise<RuntimeCheckResult> {
  const started = performance.now()
  const { signal } = opts
  signal?.throwIfAborted()
  const pages = [...new Set(opts.pages.map(normalizePagePath))]
  const result: RuntimeCheckResult = {
    findings: [],
    pagesChecked: 0,
    durationMs: 0,
    uncertain: [],
    screenshots: [],
    auditIncomplete: [],
  }
  const finish = (): RuntimeCheckResult => {
    result.findings = dedupe(result.findings).sort(compareFindings)
    result.uncertain = dedupe(result.uncertain).sort(compareFindings)
    result.durationMs = performance.now() - started
    return result
  }
  if (pages.length === 0) return finish()

  // The server first: a wrong directory is the caller's error and should say so even without Chromium.
  const server: StaticServer = await startStaticServer(opts.dir)
  let onAbort: (() => void) | undefined
  try {
    const launched = await launchChromium(opts.executablePath ?? defaultChromiumPath(), LAUNCH_TIMEOUT_MS)
    if (launched.skipped !== undefined) {
      result.skipped = launched.skipped
      return finish()
    }
    const { browser } = launched
    // One close for both paths, so the finally below waits for the browser process to be
    // gone even when an abort already started closing it.
    let closing: Promise<void> | undefined
    const closeBrowser = () => (closing ??= browser.close().catch(() => {}))
    // Closing the browser interrupts whatever page operation is pending.
    onAbort = () => void closeBrowser()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const audit = opts.audit?.a11y || opts.audit?.layout ? opts.audit : undefined
      const sources = siteSources(server.root)
      const settings = {
        browser,
        origin: server.origin,
        urlOf: (path: string) => server.url(path),
        sources,
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        idleMs: opts.idleMs ?? 100,
        triggerIdleMs: opts.triggerIdleMs ?? 10,
        maxTriggers: opts.maxTriggersPerPage ?? 100,
        ...(opts.screenshotsDir ? { screenshotsDir: resolve(opts.screenshotsDir) } : {}),
        ...(signal ? { signal } : {}),
      }
      const auditIncomplete = result.auditIncomplete
      const checkOne = async (page: string): Promise<PageCheckResult> => {
        const checkedPage = await checkPage(settings, page)
        if (audit) {
          // A page stuck in a loop was reported by the page check; do not wait on it again.
          if (!checkedPage.stuck) {
            const url = server.url(page)
            const audited = await auditPage({
              browser,
              origin: server.origin,
              url,
              page,
              sources,
              timeoutMs: opts.auditTimeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS,
              idleMs: settings.idleMs,
              opts: audit,
            })
            checkedPage.findings.push(...audited.findings)
            auditIncomplete.push(...audited.incomplete)
          }
        }
        return checkedPage
      }
      // Results are kept in page order whatever order pages finish in, so de-duplication
      // (first page wins) and the screenshot list do not depend on timing.
      const checked = new Array<PageCheckResult | undefined>(pages.length)
      let next = 0
      let failure: string | undefined
      const worker = async (): Promise<void> => {
        while (next < pages.length && failure === undefined) {
          signal?.throwIfAborted()
          const index = next++
          try {
            checked[index] = await checkOne(pages[index])
          } catch (error) {
            if (signal?.aborted) throw signal.reason
            failure ??= `${firstLine(error)} while checking ${pages[index]}`
            return
          }
          opts.onProgress?.(pages[index])
        }
      }
      const workers = Math.max(1, Math.min(opts.concurrency ?? 2, pages.length))
      // allSettled: every worker has stopped touching the browser before it is closed.
      const settled = await Promise.allSettled(Array.from({ length: workers }, worker))
      signal?.throwIfAborted()
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
      if (rejected) throw rejected.reason
      for (const page of checked) {
        if (!page) continue
        result.findings.push(...page.findings)
        result.uncertain.push(...page.uncertain)
        if (page.screenshot) result.screenshots.push(page.screenshot)
        result.pagesChecked++
      }
      if (failure !== undefined)
        result.skipped = `incomplete: ${failure}; ${result.pagesChecked} of ${pages.length} pages checked`
    } finally {
      await closeBrowser()
    }
    return finish()
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    await server.close()
  }
}

/** Drops repeats: a shared script failing the same way on every page is one defect, reported for the first page. */
function dedupe<T extends Finding>(findings: T[]): T[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const key = [f.rule, f.file, f.line, f.column, f.message, 'reason' in f ? f.reason : ''].join('\u0000')
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim().slice(0, 200)
}
