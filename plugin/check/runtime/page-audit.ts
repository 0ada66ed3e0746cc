/**
 * Accessibility and layout of a page as a person sees it (issue #18): axe-core and the
 * layout probe at desktop width (1280 px, in the tab the runtime check already loaded,
 * before anything is clicked), and the layout probe again at phone width (390 px) in a
 * fresh context, so pages that size themselves on load are seen as a phone would load them.
 * Layout findings carry the element's selector and a screenshot crop.
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { Browser, Page } from 'playwright-core'

import type { Finding, Severity } from '../../report/diagnostic.js'
import { checkAccessibility } from './a11y.js'
import { locateElement } from './element-location.js'
import { layoutProbeExpression, type LayoutIssue, type LayoutRule } from './layout-probe.js'
import { PAGE_AGENT_SCRIPT, settleExpression } from './page-agent.js'
import type { SiteSources } from './site-sources.js'
import { siteFileForUrl } from './site-url.js'

export const DESKTOP = Object.freeze({ width: 1280, height: 800 })
export const PHONE = Object.freeze({ width: 390, height: 844 })

/** Which audits run. */
export interface AuditOptions {
  /** axe-core WCAG A/AA rules. @default true */
  a11y: boolean
  /** Overflow, covered controls, tap targets, cut-off and clipped text at 1280 and 390 px. @default true */
  layout: boolean
  /** Where layout crops are written (`<dir>/layout/<page>-<width>-<n>.png`); none when undefined. */
  cropsDir?: string
}

const SEVERITY: Readonly<Record<LayoutRule, Severity>> = Object.freeze({
  'layout-overflow': 'error',
  'layout-covered': 'error',
  'layout-tap-target': 'warning',
  'layout-offscreen': 'warning',
  'layout-clipped-text': 'warning',
})

/** Findings of one rule at most per page and width: a broken grid should not flood the review. */
const MAX_PER_RULE = 5

/** The desktop audit, in the runtime check's own tab (loaded, settled, nothing fired yet). */
export async function auditDesktop(tab: Page, page: string, sources: SiteSources, opts: AuditOptions): Promise<Finding[]> {
  const findings: Finding[] = []
  if (opts.a11y) findings.push(...(await checkAccessibility(tab, page, sources)))
  if (opts.layout) findings.push(...(await layoutFindings(tab, page, sources, DESKTOP.width, opts.cropsDir)))
  return findings
}

/** The phone-width layout audit, in a fresh context that reaches nothing but the site. */
export async function auditPhone(input: {
  browser: Browser
  origin: string
  url: string
  page: string
  sources: SiteSources
  timeoutMs: number
  idleMs: number
  opts: AuditOptions
}): Promise<Finding[]> {
  if (!input.opts.layout) return []
  const context = await input.browser.newContext({ serviceWorkers: 'block', viewport: { ...PHONE } })
  // Closing the context rejects whatever is pending: a page that hangs costs one budget, no more.
  const deadline = setTimeout(() => void context.close().catch(() => {}), input.timeoutMs)
  try {
    await context.addInitScript({ content: PAGE_AGENT_SCRIPT })
    await context.route('**/*', (route, request) =>
      (siteFileForUrl(request.url(), input.origin) === undefined ? route.abort('blockedbyclient') : route.continue()).catch(() => {}),
    )
    await context.routeWebSocket(() => true, (socket) => void socket.close().catch(() => {}))
    const tab = await context.newPage()
    tab.on('dialog', (dialog) => void dialog.accept().catch(() => {}))
    const response = await tab.goto(input.url, { waitUntil: 'load', timeout: input.timeoutMs })
    if (response && response.status() >= 400) return [] // the desktop pass reported it
    await tab.evaluate(settleExpression(input.idleMs))
    return await layoutFindings(tab, input.page, input.sources, PHONE.width, input.opts.cropsDir)
  } catch (error) {
    // The desktop pass already reported a page that does not load or hangs; a browser that
    // died is reported by the next page's check.
    if (pageWentAway(error)) return []
    throw error
  } finally {
    clearTimeout(deadline)
    await context.close().catch(() => {})
  }
}

/** Errors of the page or of its (closed) context, as opposed to a bug here. */
function pageWentAway(error: unknown): boolean {
  return error instanceof Error && /Target page, context or browser has been closed|Timeout|net::|Navigation/i.test(error.message)
}

async function layoutFindings(tab: Page, page: string, sources: SiteSources, width: number, cropsDir?: string): Promise<Finding[]> {
  const issues = (await tab.evaluate(layoutProbeExpression({ phone: width < DESKTOP.width, max: MAX_PER_RULE }))) as LayoutIssue[]
  const html = await sources(page)
  const findings: Finding[] = []
  for (const [n, issue] of issues.entries()) {
    const at = html === undefined ? undefined : locateElement(html, issue.element)
    const crop = cropsDir ? await saveCrop(tab, join(cropsDir, 'layout', `${page.replace(/\.html?$/i, '')}-${width}-${n + 1}.png`), issue.rect) : undefined
    findings.push({
      rule: issue.rule,
      severity: SEVERITY[issue.rule],
      file: page,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      message: `at ${width} px: ${issue.detail}${crop && cropsDir ? ` (screenshot: ${relative(dirname(dirname(cropsDir)), crop).split('\\').join('/')})` : ''}`,
      page,
    })
  }
  return findings
}

/** A crop around the element with some context; undefined when the picture could not be taken. */
async function saveCrop(tab: Page, path: string, rect: LayoutIssue['rect']): Promise<string | undefined> {
  const margin = 24
  const size = (await tab.evaluate('({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })')) as { w: number; h: number }
  const x = Math.max(0, Math.floor(rect.x - margin))
  const y = Math.max(0, Math.floor(rect.y - margin))
  const width = Math.max(1, Math.min(size.w - x, Math.ceil(rect.width + 2 * margin), 1600))
  const height = Math.max(1, Math.min(size.h - y, Math.ceil(rect.height + 2 * margin), 1200))
  try {
    await mkdir(dirname(path), { recursive: true })
    await tab.screenshot({ path, fullPage: true, clip: { x, y, width, height }, timeout: 5000 })
    return path
  } catch {
    return undefined // a missing picture is not a site defect
  }
}
