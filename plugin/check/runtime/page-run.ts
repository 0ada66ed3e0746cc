/**
 * One page's run in its own browser context: routes and listens while the page loads, fires
 * its trigger candidates, re-tries doubtful errors on a fresh page and turns what it saw into
 * findings. Split from page-check.ts, which keeps the budget (deadline, abort) around a run.
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { BrowserContext, ConsoleMessage, Page, Request, Route } from 'playwright-core'

import type { Finding } from '../../diagnostics/diagnostic.js'
import { inlineHandlerEvent, locateInlineHandler } from './inline-handler-location.js'
import {
  PAGE_AGENT_SCRIPT,
  listCandidatesExpression,
  settleExpression,
  triggerExpression,
  type TriggerCandidate,
} from './page-agent.js'
import type { PageCheckResult, PageCheckSettings, UncertainFinding, UncertainReason } from './page-check-types.js'
import { TRIGGER_VERB, clip, errorText, isCodeError, isUndefinedName } from './page-errors.js'
import { locateReference } from './reference-location.js'
import { siteFileForUrl } from './site-url.js'
import { locateInSite } from './stack-frames.js'

type Phase =
  /** From navigation until the first trigger: uncaught errors and console errors count. */
  | { kind: 'load' }
  /** Between triggers: a late error here cannot be tied to one element. */
  | { kind: 'between' }
  /** Re-loading to re-try an error from a fresh page: load errors were already recorded. */
  | { kind: 'reload' }
  | { kind: 'trigger'; id: number; candidate: TriggerCandidate }

interface PageErrorRecord {
  seq: number
  phase: Phase
  error: Error
}

interface FailedRequest {
  url: string
  reason: string
  referer?: string
}

/** Resource types whose loss can leave JavaScript globals undefined or promises rejected. */
const CODE_RESOURCE_TYPES = new Set(['script', 'fetch', 'xhr', 'eventsource', 'websocket'])

export class PageRun {
  closed = false
  crashed = false
  private seq = 0
  private phase: Phase = { kind: 'load' }
  private armed = false
  private firstBlockedCodeSeq = Number.POSITIVE_INFINITY
  private readonly errors: PageErrorRecord[] = []
  private readonly consoleErrors: Array<{ seq: number; message: ConsoleMessage }> = []
  private readonly failed = new Map<string, FailedRequest>()
  private readonly scriptsLoaded = new Set<string>()
  private readonly findings: Finding[] = []
  private stuck = false
  private readonly uncertain: UncertainFinding[] = []
  private screenshot?: string
  private tab?: Page
  private loadErrorsCollected = false

  constructor(
    private readonly settings: PageCheckSettings,
    private readonly page: string,
    private readonly context: BrowserContext,
  ) {}

  async execute(): Promise<void> {
    const { context, settings } = this
    await context.addInitScript({ content: PAGE_AGENT_SCRIPT })
    await context.route('**/*', (route, request) => this.route(route, request))
    // WebSockets bypass request routing. A static site has no socket server, so every
    // socket gets a mock that closes at once; an external one also counts as blocked code.
    await context.routeWebSocket(
      () => true,
      (socket) => {
        if (siteFileForUrl(socket.url().replace(/^ws/, 'http'), settings.origin) === undefined) this.markCodeBlocked()
        void socket.close().catch(() => {})
      },
    )
    const tab = await context.newPage()
    this.tab = tab
    this.listen(tab)
    // Popups (window.open, target=_blank) are not the page under test.
    context.on('page', (other) => {
      if (other !== tab) void other.close().catch(() => {})
    })

    const url = settings.urlOf(this.page)
    const response = await tab.goto(url, { waitUntil: 'load', timeout: settings.timeoutMs })
    if (response && response.status() >= 400) {
      this.findings.push(
        this.pageFinding(
          'failed-request',
          `page could not be loaded: ${response.status()} ${response.statusText()}`.trim(),
        ),
      )
      return
    }
    await tab.evaluate(settleExpression(settings.idleMs))
    if (settings.screenshotsDir) await this.takeScreenshot(tab, settings.screenshotsDir)
    this.armed = true
    const candidates = await this.listCandidates(tab)
    this.phase = { kind: 'between' }
    await this.collectLoadErrors()
    await this.triggerAll(tab, url, candidates)
    await this.collectStrayErrors()
  }

  /** Called when the page budget ran out: say where it got stuck. */
  timedOut(): void {
    this.stuck = true
    const where =
      this.phase.kind === 'trigger'
        ? `${TRIGGER_VERB[this.phase.candidate.type]} ${this.phase.candidate.label} did not return`
        : this.phase.kind === 'between'
          ? 'the page stopped responding'
          : 'the page did not finish loading'
    this.findings.push(
      this.pageFinding(
        'runtime-error',
        `${where} within ${this.settings.timeoutMs} ms (a script may be stuck in an endless loop)`,
      ),
    )
  }

  /** Called when the renderer died: that is the page's doing (runaway memory, say), not the check's. */
  reportCrash(): void {
    const during =
      this.phase.kind === 'trigger'
        ? ` after ${TRIGGER_VERB[this.phase.candidate.type]} ${this.phase.candidate.label}`
        : ''
    this.findings.push(
      this.pageFinding(
        'runtime-error',
        `the page crashed the browser tab${during} (out of memory or a runaway script?)`,
      ),
    )
  }

  async result(): Promise<PageCheckResult> {
    // A page that got stuck while loading may still have thrown first: report that too.
    if (!this.loadErrorsCollected) await this.collectLoadErrors()
    await this.collectFailedRequests()
    return {
      findings: this.findings,
      uncertain: this.uncertain,
      ...(this.screenshot ? { screenshot: this.screenshot } : {}),
      ...(this.stuck ? { stuck: true as const } : {}),
    }
  }

  private listen(tab: Page): void {
    tab.on('pageerror', (error) => {
      if (!this.closed) this.errors.push({ seq: ++this.seq, phase: this.phase, error })
    })
    tab.on('console', (message) => {
      // Browser-made messages ("Failed to load resource", WebSocket failures) carry no
      // arguments; they are covered by the request checks or are about blocked externals.
      if (this.closed || message.type() !== 'error' || message.args().length === 0) return
      if (this.phase.kind === 'load') this.consoleErrors.push({ seq: ++this.seq, message })
    })
    tab.on('crash', () => {
      this.crashed = true
    })
    // alert/confirm/prompt would block the page until answered; accepting runs the most code.
    tab.on('dialog', (dialog) => void dialog.accept().catch(() => {}))
    tab.on('response', (response) => {
      const request = response.request()
      if (response.status() >= 400) this.recordFailure(request, `${response.status()} ${response.statusText()}`.trim())
      else if (request.resourceType() === 'script') {
        const file = siteFileForUrl(request.url(), this.settings.origin)
        if (file) this.scriptsLoaded.add(file)
      }
    })
    tab.on('requestfailed', (request) => {
      const reason = request.failure()?.errorText ?? 'failed'
      // ERR_ABORTED is a cancellation (our navigation block, a reload, or a 4xx body
      // Chromium stopped reading): never a defect by itself; 4xx are recorded above.
      if (!reason.includes('ERR_ABORTED')) this.recordFailure(request, reason)
    })
  }

  private async route(route: Route, request: Request): Promise<void> {
    // The route may outlive the context (closed on timeout); a failed abort/continue is moot then.
    if (siteFileForUrl(request.url(), this.settings.origin) === undefined) {
      if (CODE_RESOURCE_TYPES.has(request.resourceType())) this.markCodeBlocked()
      return route.abort('blockedbyclient').catch(() => {})
    }
    // After load, a click that would leave the page is stopped so the page stays put.
    if (this.armed && this.isPageNavigation(request)) return route.abort('aborted').catch(() => {})
    return route.continue().catch(() => {})
  }

  private isPageNavigation(request: Request): boolean {
    try {
      return request.isNavigationRequest() && request.frame() === this.tab?.mainFrame()
    } catch {
      return false // requests without a frame (workers) are not navigations
    }
  }

  private markCodeBlocked(): void {
    if (this.firstBlockedCodeSeq === Number.POSITIVE_INFINITY) this.firstBlockedCodeSeq = ++this.seq
  }

  private recordFailure(request: Request, reason: string): void {
    const url = request.url()
    const method = request.method()
    // Only GETs of site files: a static host cannot answer a POST, and externals are blocked on purpose.
    if (this.closed || (method !== 'GET' && method !== 'HEAD')) return
    if (siteFileForUrl(url, this.settings.origin) === undefined || this.failed.has(url)) return
    // Main-document failures are reported by execute() itself.
    if (this.isPageNavigation(request)) return
    // The Referer says which file asked: the page, a stylesheet (url()), a module (import).
    const referer = request.headers()['referer']
    this.failed.set(url, { url, reason, ...(referer ? { referer } : {}) })
  }

  private async collectLoadErrors(): Promise<void> {
    this.loadErrorsCollected = true
    for (const record of this.errors.filter((e) => e.phase.kind === 'load')) {
      const finding = await this.errorFinding(record.error, 'uncaught ')
      if (this.afterBlockedCode(record.seq) && isCodeError(record.error))
        this.setAside(finding, 'external-code-blocked')
      else this.findings.push(finding)
    }
    for (const { seq, message } of this.consoleErrors) {
      const location = message.location()
      const file = siteFileForUrl(location.url, this.settings.origin)
      const finding: Finding = {
        rule: 'runtime-error',
        severity: 'error',
        file: file ?? this.page,
        line: file ? location.line + 1 : 0,
        column: file ? location.column + 1 : 0,
        message: clip(`console.error: ${message.text()}`),
        page: this.page,
      }
      if (this.afterBlockedCode(seq)) this.setAside(finding, 'external-code-blocked')
      else this.findings.push(finding)
    }
  }

  /** Uncaught errors between triggers cannot be tied to an element: kept, but as uncertain. */
  private async collectStrayErrors(): Promise<void> {
    for (const record of this.errors.filter((e) => e.phase.kind === 'between')) {
      this.setAside(await this.errorFinding(record.error, 'uncaught after triggering elements: '), 'order-dependent')
    }
  }

  private async triggerAll(tab: Page, url: string, initial: TriggerCandidate[]): Promise<void> {
    const { settings } = this
    let candidates = initial
    // Whether the page state is still as loaded; errors in a changed state are re-tried fresh.
    let fresh = true
    for (let index = 0; index < candidates.length; index++) {
      settings.signal?.throwIfAborted()
      let candidate = candidates[index]
      let errors = await this.fire(tab, index, candidate)
      // "x is not defined" does not depend on what was clicked before; other errors may.
      const doubtful = fresh ? [] : errors.filter((r) => !isUndefinedName(r.error))
      if (doubtful.length > 0) {
        // Re-load, find the same element again and fire it alone.
        await this.reload(tab, url)
        candidates = await this.listCandidates(tab)
        const again =
          candidates[index]?.label === candidate.label && candidates[index].type === candidate.type
            ? index
            : candidates.findIndex((c) => c.label === candidate.label && c.type === candidate.type)
        const retried = again >= 0 ? await this.fire(tab, again, candidates[again]) : []
        const reproduced = new Set(retried.map((r) => errorText(r.error)))
        for (const record of doubtful.filter((r) => !reproduced.has(errorText(r.error)))) {
          this.setAside(
            await this.errorFinding(record.error, `${TRIGGER_VERB[candidate.type]} ${candidate.label}: `),
            'order-dependent',
          )
        }
        const doubtfulTexts = new Set(doubtful.map((r) => errorText(r.error)))
        errors = [
          ...errors.filter((r) => isUndefinedName(r.error)),
          ...retried.filter((r) => doubtfulTexts.has(errorText(r.error))),
        ]
        if (again >= 0) {
          index = again
          candidate = candidates[again]
        }
      }
      fresh = false
      for (const record of errors) {
        const finding = await this.errorFinding(record.error, `${TRIGGER_VERB[candidate.type]} ${candidate.label}: `)
        if (this.afterBlockedCode(record.seq)) this.setAside(finding, 'external-code-blocked')
        else if (!candidate.visible && record.error.name !== 'ReferenceError') this.setAside(finding, 'hidden-element')
        else this.findings.push(finding)
      }
    }
  }

  /** Fires one candidate and returns the ReferenceErrors/TypeErrors it caused. */
  private async fire(tab: Page, index: number, candidate: TriggerCandidate): Promise<PageErrorRecord[]> {
    const phase: Phase = { kind: 'trigger', id: ++this.seq, candidate }
    this.phase = phase
    try {
      // One round trip: fire, then let timers and promise chains started by the handler run.
      await tab.evaluate(`(${triggerExpression(index)}, ${settleExpression(this.settings.triggerIdleMs)})`)
    } catch (error) {
      if (this.closed || tab.isClosed()) throw error
      // The page went away under the trigger (document replaced, navigation we could not
      // stop): put it back so the remaining elements are still tried.
      await this.reload(tab, this.settings.urlOf(this.page))
    } finally {
      this.phase = { kind: 'between' }
    }
    // Errors recorded in this phase arrived before the evaluate answer (one ordered channel).
    const caused = this.errors.filter((e) => e.phase === phase)
    for (const record of caused.filter((e) => !isCodeError(e.error))) {
      this.setAside(
        await this.errorFinding(record.error, `${TRIGGER_VERB[candidate.type]} ${candidate.label}: `),
        'not-a-code-error',
      )
    }
    return caused.filter((e) => isCodeError(e.error))
  }

  private async listCandidates(tab: Page): Promise<TriggerCandidate[]> {
    return (await tab.evaluate<TriggerCandidate[] | null>(listCandidatesExpression(this.settings.maxTriggers))) ?? []
  }

  /** Back to a first visit: storage cleared (earlier triggers may have saved state), page re-loaded. */
  private async reload(tab: Page, url: string): Promise<void> {
    this.phase = { kind: 'reload' }
    this.armed = false
    try {
      await tab.evaluate('try { localStorage.clear(); sessionStorage.clear() } catch {}').catch(() => {})
      await this.context.clearCookies()
      await tab.goto(url, { waitUntil: 'load', timeout: this.settings.timeoutMs })
      await tab.evaluate(settleExpression(this.settings.idleMs))
    } finally {
      this.armed = true
      this.phase = { kind: 'between' }
    }
  }

  private async takeScreenshot(tab: Page, dir: string): Promise<void> {
    const path = join(dir, `${this.page}.png`)
    try {
      await mkdir(dirname(path), { recursive: true })
      await tab.screenshot({ path, fullPage: true, timeout: this.settings.timeoutMs })
      this.screenshot = path
    } catch {
      // A missing picture is not a site defect; the result simply lists no screenshot for it.
    }
  }

  private async collectFailedRequests(): Promise<void> {
    const { sources, origin } = this.settings
    for (const failure of this.failed.values()) {
      const target = siteFileForUrl(failure.url, origin) as string
      const referrer = (failure.referer && siteFileForUrl(failure.referer, origin)) || this.page
      // fetch() sends the page as Referer even when a script made the call: look in the
      // page's scripts too so the finding lands in the file that holds the reference.
      let file = referrer
      let position: { line: number; column: number } | undefined
      for (const candidate of [referrer, ...this.scriptsLoaded]) {
        const text = await sources(candidate)
        // A script's fetch('x') resolves against the page; import.meta.url-style against the script.
        position =
          text === undefined
            ? undefined
            : (locateReference(text, referrer, target) ?? locateReference(text, candidate, target))
        if (position) {
          file = candidate
          break
        }
      }
      this.findings.push({
        rule: 'failed-request',
        severity: 'error',
        file,
        line: position?.line ?? 0,
        column: position?.column ?? 0,
        message: clip(`failed to load ${target}: ${failure.reason}`),
        page: this.page,
      })
    }
  }

  private async errorFinding(error: Error, prefix: string): Promise<Finding> {
    const at = locateInSite(error.stack, this.settings.origin, this.page)
    let { line, column } = at
    const event = inlineHandlerEvent(at.fn)
    if (event && line > 0 && /\.html?$/i.test(at.file)) {
      const html = await this.settings.sources(at.file)
      const exact = html === undefined ? undefined : locateInlineHandler(html, event, { line, column })
      if (exact) ({ line, column } = exact)
    }
    return {
      rule: 'runtime-error',
      severity: 'error',
      file: at.file,
      line,
      column,
      message: clip(prefix + errorText(error)),
      page: this.page,
    }
  }

  private pageFinding(rule: string, message: string): Finding {
    return { rule, severity: 'error', file: this.page, line: 0, column: 0, message, page: this.page }
  }

  private afterBlockedCode(seq: number): boolean {
    return seq > this.firstBlockedCodeSeq
  }

  private setAside(finding: Finding, reason: UncertainReason): void {
    this.uncertain.push({ ...finding, reason })
  }
}
