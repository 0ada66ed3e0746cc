/**
 * Accessibility and layout of a page as a person sees it (issue #18): axe-core and the
 * layout probe at desktop width (1280 px), and the layout probe again at phone width
 * (390 px), each on a fresh load before anything is clicked, so pages that size themselves
 * on load are seen as a phone would load them.
 * Layout findings carry the element's selector and a screenshot crop.
 */
import { mkdir } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import type { Browser, Page } from 'playwright-core'

import type { Finding, Severity } from '../../diagnostics/diagnostic.js'
import { checkAccessibility } from './a11y.js'
import { locateElement } from './element-location.js'
import { layoutProbeExpression, type LayoutIssue, type LayoutRule } from './layout-probe.js'
import { settleExpression } from './page-agent.js'
import type { SiteSources } from './site-sources.js'
import { openSiteTab } from './site-tab.js'

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

export interface AuditInput {
  browser: Browser
  origin: string
  url: string
  page: string
  sources: SiteSources
  /** Budget of each width's pass; a pass over it is reported as incomplete (the page check reports pages that hang). */
  timeoutMs: number
  idleMs: number
  opts: AuditOptions
}

/**
 * Both passes for one page: axe and the layout probe at desktop width, the layout probe at
 * phone width. Each pass is a fresh load in its own context with its own budget, so a slow
 * audit never turns into a "page did not load" finding of the page check. The same layout
 * defect of the same element at both widths is reported once, at desktop width.
 */
export async function auditPage(input: AuditInput): Promise<{ findings: Finding[]; incomplete: string[] }> {
  const { opts } = input
  const desktop = await inFreshPage(input, DESKTOP, async (tab) => [
    ...(opts.a11y ? await checkAccessibility(tab, input.page, input.sources) : []),
    ...(opts.layout ? await layoutFindings(tab, input.page, input.sources, DESKTOP.width, opts.cropsDir) : []),
  ])
  const phone = opts.layout
    ? await inFreshPage(input, PHONE, (tab) =>
        layoutFindings(tab, input.page, input.sources, PHONE.width, opts.cropsDir),
      )
    : { findings: [] }
  return {
    findings: [
      ...desktop.findings,
      ...phone.findings.filter((f) => !desktop.findings.some((d) => sameElementIssue(d, f))),
    ],
    // Said, not dropped: a pass that could not finish is not a clean pass.
    incomplete: [desktop.incomplete, phone.incomplete].filter((x): x is string => x !== undefined),
  }
}

function sameElementIssue(a: Finding, b: Finding): boolean {
  return a.rule === b.rule && a.file === b.file && a.line === b.line && a.column === b.column && a.line > 0
}

/** Loads the page at `viewport` in a context that reaches nothing but the site, and runs `work` on it. */
async function inFreshPage(
  input: AuditInput,
  viewport: { width: number; height: number },
  work: (tab: Page) => Promise<Finding[]>,
): Promise<{ findings: Finding[]; incomplete?: string }> {
  const { context, tab } = await openSiteTab(input.browser, input.origin, viewport)
  // Closing the context rejects whatever is pending: a page that hangs costs one budget, no more.
  const deadline = setTimeout(() => void context.close().catch(() => {}), input.timeoutMs)
  try {
    const response = await tab.goto(input.url, { waitUntil: 'load', timeout: input.timeoutMs })
    if (response && response.status() >= 400) return { findings: [] } // the page check reported it
    await tab.evaluate(settleExpression(input.idleMs))
    return { findings: await work(tab) }
  } catch (error) {
    // A page that does not load or hangs is the page check's finding; here it only means
    // this pass could not finish, which the caller says.
    if (pageWentAway(error)) return { findings: [], incomplete: `${input.page} at ${viewport.width} px` }
    throw error
  } finally {
    clearTimeout(deadline)
    await context.close().catch(() => {})
  }
}

/** Errors of the page or of its (closed) context, as opposed to a bug here. */
function pageWentAway(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Target page, context or browser has been closed|Timeout|net::|Navigation/i.test(error.message)
  )
}

async function layoutFindings(
  tab: Page,
  page: string,
  sources: SiteSources,
  width: number,
  cropsDir?: string,
): Promise<Finding[]> {
  const issues = await tab.evaluate<LayoutIssue[]>(
    layoutProbeExpression({ phone: width < DESKTOP.width, max: MAX_PER_RULE }),
  )
  const html = await sources(page)
  const findings: Finding[] = []
  for (const [n, issue] of issues.entries()) {
    const at = html === undefined ? undefined : locateElement(html, issue.element)
    const crop = cropsDir
      ? await saveCrop(
          tab,
          join(cropsDir, 'layout', `${page.replace(/\.html?$/i, '')}-${width}-${n + 1}.png`),
          issue.rect,
        )
      : undefined
    findings.push({
      rule: issue.rule,
      severity: SEVERITY[issue.rule],
      file: page,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      message: `at ${width} px: ${issue.detail}${
        crop && cropsDir
          ? ` (screenshot: ${relative(dirname(dirname(cropsDir)), crop)
              .split('\\')
              .join('/')})`
          : ''
      }`,
      page,
    })
  }
  return findings
}

/** A crop around the element with some context; undefined when the picture could not be taken. */
async function saveCrop(tab: Page, path: string, rect: LayoutIssue['rect']): Promise<string | undefined> {
  const margin = 24
  const size = await tab.evaluate<{ w: number; h: number }>(
    '({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })',
  )
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
