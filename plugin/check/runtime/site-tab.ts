/**
 * A fresh browser tab for one look at a site page (accessibility/layout passes, visual-review
 * screenshots): its own context at the given viewport, service workers blocked, every request
 * off the site aborted and every WebSocket closed (the check is offline), dialogs accepted,
 * popups closed, and the page agent installed so `settleExpression` can wait for quiet.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'

import { PAGE_AGENT_SCRIPT } from './page-agent.js'
import { siteFileForUrl } from './site-url.js'

export async function openSiteTab(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; tab: Page }> {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { ...viewport } })
  try {
    await context.addInitScript({ content: PAGE_AGENT_SCRIPT })
    await context.route('**/*', (route, request) =>
      (siteFileForUrl(request.url(), origin) === undefined ? route.abort('blockedbyclient') : route.continue()).catch(
        () => {},
      ),
    )
    await context.routeWebSocket(
      () => true,
      (socket) => void socket.close().catch(() => {}),
    )
    const tab = await context.newPage()
    tab.on('dialog', (dialog) => void dialog.accept().catch(() => {}))
    // Popups are not the page under test.
    context.on('page', (other) => {
      if (other !== tab) void other.close().catch(() => {})
    })
    return { context, tab }
  } catch (error) {
    await context.close().catch(() => {})
    throw error
  }
}
