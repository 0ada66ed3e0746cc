/**
 * Checks one page in its own browser context: loads it, collects what goes wrong while it
 * loads (uncaught errors, `console.error` calls, failed local requests), then fires every
 * element that has a handler and keeps the ReferenceErrors and TypeErrors that follow
 * (console output during triggers is not collected: handlers fed empty synthetic input may
 * log on purpose). Precision comes first (a site that works in a browser must come out
 * clean), so an error is only reported when the site itself is to blame:
 *  - external requests are blocked (the check is offline); errors after an external script
 *    or request was blocked may be that code missing, so they are set aside as uncertain;
 *  - an error seen after earlier triggers is re-tried from a freshly loaded page and only
 *    kept when it happens there too;
 *  - a TypeError from an element the user cannot see yet may depend on state no click set
 *    up; only a ReferenceError (a name defined nowhere) is certain there.
 */
import { errors as playwrightErrors } from 'playwright-core'

import type { PageCheckResult, PageCheckSettings } from './page-check-types.js'
import { PageRun } from './page-run.js'

export type { PageCheckResult, PageCheckSettings, UncertainFinding, UncertainReason } from './page-check-types.js'

class PageTimeout extends Error {}

/**
 * Checks `page` (site-relative). Rejects when `signal` aborts, and on failures of the
 * browser itself (not of the page), which the caller reports as an incomplete check.
 */
export async function checkPage(settings: PageCheckSettings, page: string): Promise<PageCheckResult> {
  const { browser, signal } = settings
  settings.signal?.throwIfAborted()
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } })
  const run = new PageRun(settings, page, context)
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new PageTimeout()), settings.timeoutMs)
    })
    const aborted = new Promise<never>((_, fail) => {
      onAbort = () => fail(signal?.reason ?? new Error('aborted'))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const work = run.execute()
    // When the deadline or an abort wins, the work still settles once the context closes.
    work.catch(() => {})
    await Promise.race([work, deadline, aborted])
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error
    if (error instanceof PageTimeout || error instanceof playwrightErrors.TimeoutError) run.timedOut()
    else if (run.crashed) run.reportCrash()
    else throw error
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    run.closed = true
    await context.close().catch(() => {})
  }
  return run.result()
}
