import type { Browser, Page } from 'playwright-core'
import { startStaticServer } from '../check/runtime/static-server.js'
import { openSiteTab } from '../check/runtime/site-tab.js'
import type { BehaviourCheck, Step } from './eval-suite.js'

/**
 * Runs a suite spec's behaviour checks (issue #15) against a generated site: the folder served
 * on 127.0.0.1, each check in a fresh tab (its own storage) of headless Chromium, offline like
 * the runtime check (`openSiteTab`). Steps wait on the page (Playwright's actionability waits,
 * `waitForFunction` for expectations), never on sleeps; a step that does not hold in time fails
 * its check with what the page showed instead.
 */

export interface CheckOutcome {
  name: string
  passed: boolean
  /** Why it failed: the step (1-based), what it wanted and what the page had. */
  failure?: string
}

const LOAD_TIMEOUT_MS = 20_000

export async function runBehaviourChecks(
  browser: Browser,
  siteDir: string,
  checks: BehaviourCheck[],
  /** How long one step may take to hold. @default 5000 */
  stepTimeoutMs = 5_000,
): Promise<CheckOutcome[]> {
  const server = await startStaticServer(siteDir)
  const url = server.url.bind(server)
  try {
    const out: CheckOutcome[] = []
    for (const check of checks) out.push(await runCheck(browser, server.origin, url, check, stepTimeoutMs))
    return out
  } finally {
    await server.close()
  }
}

async function runCheck(
  browser: Browser,
  origin: string,
  url: (p: string) => string,
  check: BehaviourCheck,
  timeout: number,
): Promise<CheckOutcome> {
  const { context, tab } = await openSiteTab(browser, origin, check.viewport ?? { width: 1280, height: 800 })
  let n = 0
  try {
    if (check.clock) await tab.clock.install()
    const response = await tab.goto(url(check.page), { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS })
    if (!response || !response.ok())
      return {
        name: check.name,
        passed: false,
        failure: `${check.page} did not load (HTTP ${response?.status() ?? 'no response'})`,
      }
    for (const step of check.steps) {
      n++
      await runStep(tab, url, step, timeout)
    }
    return { name: check.name, passed: true }
  } catch (error) {
    const where = n ? `step ${n} ${JSON.stringify(check.steps[n - 1])}` : `loading ${check.page}`
    return { name: check.name, passed: false, failure: `${where}: ${firstLine(error)}` }
  } finally {
    await context.close().catch(() => {})
  }
}

async function runStep(tab: Page, url: (p: string) => string, step: Step, timeout: number): Promise<void> {
  if ('goto' in step) {
    const r = await tab.goto(url(step.goto), { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS })
    if (!r || !r.ok()) throw new Error(`${step.goto} did not load (HTTP ${r?.status() ?? 'no response'})`)
  } else if ('fill' in step) await tab.fill(step.fill, step.value, { timeout })
  else if ('click' in step) await tab.click(step.click, { timeout })
  else if ('select' in step) await tab.selectOption(step.select, step.value, { timeout })
  else if ('check' in step) await tab.check(step.check, { timeout })
  else if ('press' in step) {
    if (step.on) await tab.press(step.on, step.press, { timeout })
    else await tab.keyboard.press(step.press)
  } else if ('tick' in step) await tab.clock.runFor(step.tick)
  else if ('reload' in step) await tab.reload({ waitUntil: 'load', timeout: LOAD_TIMEOUT_MS })
  else if ('url' in step) {
    const want = url(step.url)
    await tab
      .waitForURL((u) => u.href.split(/[?#]/)[0] === want, { timeout })
      .catch(() => {
        throw new Error(`the page is ${tab.url()}, not ${step.url}`)
      })
  } else await expectOn(tab, step, timeout)
}

type Expectation = Extract<Step, { expect: string }>

async function expectOn(tab: Page, e: Expectation, timeout: number): Promise<void> {
  const arg = JSON.stringify(e)
  try {
    await tab.waitForFunction(`(${HOLDS})(${arg})`, undefined, { timeout, polling: 'raf' })
  } catch (error) {
    // Only "it never held" is about the site; anything else (the page went away) says itself.
    if (tab.isClosed() || (error as Error).name !== 'TimeoutError') throw error
    const seen = await tab.evaluate<string>(`(${DESCRIBE})(${arg})`).catch(() => 'the page could not be inspected')
    throw new Error(`${wanted(e)}; ${seen}`)
  }
}

function wanted(e: Expectation): string {
  const parts = [
    e.count !== undefined && `${e.count} element(s)`,
    e.text !== undefined && `text "${e.text}"`,
    e.value !== undefined && `value "${e.value}"`,
    e.attr !== undefined && `${e.attr}="${e.equals}"`,
    e.visible !== undefined && (e.visible ? 'visible' : 'hidden'),
  ].filter(Boolean)
  return `expected ${e.expect}${parts.length ? ` with ${parts.join(', ')}` : ' to exist'}`
}

// The two functions below run in the page. They are source text, not compiled functions: a
// bundler's helpers (esbuild's __name under tsx) would not exist there.

/** Does the expectation hold now? */
const HOLDS = `(e) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim()
  const shown = (el) => {
    const box = el.getBoundingClientRect()
    const style = getComputedStyle(el)
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' &&
      Number(style.opacity) > 0
  }
  const all = Array.from(document.querySelectorAll(e.expect))
  if (e.count !== undefined && all.length !== e.count) return false
  const matching = all.filter((el) =>
    (e.text === undefined || norm(el.textContent).includes(norm(e.text))) &&
    (e.value === undefined || el.value === e.value) &&
    (e.attr === undefined || el.getAttribute(e.attr) === e.equals))
  if (e.visible === false) return matching.every((el) => !shown(el))
  if (e.count === 0) return true
  if (matching.length === 0) return false
  return e.visible === true ? matching.some(shown) : true
}`

/** What there is instead, for the failure message. */
const DESCRIBE = `(e) => {
  const all = Array.from(document.querySelectorAll(e.expect))
  if (all.length === 0) return 'no element matches ' + e.expect
  const first = all[0]
  const text = (first.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80)
  const value = typeof first.value === 'string' ? ', value "' + first.value.slice(0, 40) + '"' : ''
  return all.length + ' element(s) match; the first has text "' + text + '"' + value
}`

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim().slice(0, 300)
}
