/**
 * Screenshots of pages at desktop and phone width for the visual review (issue #18): the
 * site served on 127.0.0.1, every request off the site blocked (`openSiteTab`), each page loaded fresh in
 * its own context per width and pictured as loaded (the top 2,000 CSS px at most, enough
 * for a model to judge the layout without paying for a whole long page).
 */
import type { Browser } from 'playwright-core'

import { defaultChromiumPath, launchChromium } from './chromium.js'
import { DESKTOP, PHONE } from './page-audit.js'
import { settleExpression } from './page-agent.js'
import { openSiteTab } from './site-tab.js'
import { normalizePagePath } from './site-url.js'
import { startStaticServer } from './static-server.js'

export interface PageShots {
  page: string
  /** PNG, base64. */
  desktop: string
  phone: string
}

const MAX_HEIGHT = 2000

/** Pictures of `pages` (site-relative) under `dir`; `skipped` says why there are none (no Chromium). */
export async function screenshotPages(opts: {
  dir: string
  pages: string[]
  executablePath?: string
  timeoutMs?: number
  signal?: AbortSignal
}): Promise<{ shots: PageShots[]; skipped?: string }> {
  const pages = [...new Set(opts.pages.map(normalizePagePath))]
  if (pages.length === 0) return { shots: [] }
  const server = await startStaticServer(opts.dir)
  try {
    const launched = await launchChromium(opts.executablePath ?? defaultChromiumPath(), 30_000)
    if (launched.skipped !== undefined) return { shots: [], skipped: launched.skipped }
    const { browser } = launched
    const close = () => void browser.close().catch(() => {})
    opts.signal?.addEventListener('abort', close, { once: true })
    try {
      const shots: PageShots[] = []
      for (const page of pages) {
        opts.signal?.throwIfAborted()
        const url = server.url(page)
        const shoot = (viewport: { width: number; height: number }) =>
          picture(browser, server.origin, url, viewport, opts.timeoutMs ?? 15_000)
        shots.push({ page, desktop: await shoot(DESKTOP), phone: await shoot(PHONE) })
      }
      return { shots }
    } finally {
      opts.signal?.removeEventListener('abort', close)
      await browser.close().catch(() => {})
    }
  } finally {
    await server.close()
  }
}

async function picture(
  browser: Browser,
  origin: string,
  url: string,
  viewport: { width: number; height: number },
  timeoutMs: number,
): Promise<string> {
  const { context, tab } = await openSiteTab(browser, origin, viewport)
  try {
    await tab.goto(url, { waitUntil: 'load', timeout: timeoutMs })
    await tab.evaluate(settleExpression(100))
    const height = await tab.evaluate<number>('document.documentElement.scrollHeight')
    const png = await tab.screenshot({
      fullPage: true,
      clip: { x: 0, y: 0, width: viewport.width, height: Math.max(1, Math.min(height, MAX_HEIGHT)) },
      timeout: timeoutMs,
    })
    return png.toString('base64')
  } finally {
    await context.close().catch(() => {})
  }
}
