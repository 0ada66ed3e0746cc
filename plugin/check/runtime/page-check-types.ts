/**
 * What a page check is given and what it returns: the contract between the runtime check
 * (which runs pages) and the page run (which checks one), kept apart so neither imports the other.
 */
import type { Browser } from 'playwright-core'

import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteSources } from './site-sources.js'

/**
 * Why an error was set aside instead of reported:
 * - `external-code-blocked`: it came after an external script/request was blocked (offline);
 * - `hidden-element`: a TypeError from an element hidden when it was fired;
 * - `order-dependent`: it did not happen again when the element was fired on a fresh page,
 *   or surfaced between triggers where no element can be blamed;
 * - `not-a-code-error`: a trigger led to an `Error`/`SyntaxError`/… that a site may throw on
 *   purpose for the empty input a synthetic event carries (a validation `throw`, `JSON.parse('')`).
 */
export type UncertainReason = 'external-code-blocked' | 'hidden-element' | 'order-dependent' | 'not-a-code-error'

/** An error seen in the browser that may not be a site defect; kept so nothing is dropped silently. */
export interface UncertainFinding extends Finding {
  reason: UncertainReason
}

export interface PageCheckSettings {
  browser: Browser
  /** Origin of the static server serving the site, e.g. `http://127.0.0.1:41234`. */
  origin: string
  /** URL for a site-relative path on that server. */
  urlOf: (relativePath: string) => string
  sources: SiteSources
  /** Whole-page budget: load, screenshot and all triggers. */
  timeoutMs: number
  /** Quiet time after `load` for timers and promise chains to run. */
  idleMs: number
  /** Quiet time after each trigger. */
  triggerIdleMs: number
  maxTriggers: number
  /** Absolute directory for `<page>.png`; no screenshot when undefined. */
  screenshotsDir?: string
  signal?: AbortSignal
}

export interface PageCheckResult {
  findings: Finding[]
  uncertain: UncertainFinding[]
  /** Absolute path of the screenshot written, if any. */
  screenshot?: string
  /** The page ran out of its budget (a script stuck in a loop): later passes skip it. */
  stuck?: true
}
