/**
 * The hand-written example site (scripts/example-answers/files) driven in real headless
 * Chromium the way a visitor would use it: the phone menu, the menu filter (including deep
 * links), and the pre-order form (validation, live total, in-page confirmation, reset).
 * The clock and time zone are fixed so date rules (tomorrow, two weeks, closed Mondays,
 * "open now") give the same answer on every day the suite runs.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { CHROMIUM_ARGS, defaultChromiumPath } from '../../../plugin/check/runtime/chromium.js'
import { startStaticServer, type StaticServer } from '../../../plugin/check/runtime/static-server.js'

const FILES = join(import.meta.dirname, '..', '..', '..', 'scripts', 'example-answers', 'files')
const CHROMIUM = defaultChromiumPath()
/** Wednesday 11 June 2025, 10:00 in London (BST): the bakery is open until 16:00. */
const NOW = new Date('2025-06-11T09:00:00Z')

describe.skipIf(!existsSync(CHROMIUM))('example answers in a browser', () => {
  let server: StaticServer
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let problems: string[]

  beforeAll(async () => {
    server = await startStaticServer(FILES)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  beforeEach(async () => {
    problems = []
    context = await browser.newContext({
      viewport: { width: 390, height: 800 },
      timezoneId: 'Europe/London',
      locale: 'en-GB',
    })
    page = await context.newPage()
    await page.clock.setFixedTime(NOW)
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
    })
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`))
  })
  afterEach(async () => {
    await context?.close()
    expect(problems).toEqual([])
  })

  it('opens and closes the phone menu, and fills the footer year and opening status', async () => {
    await page.goto(server.url('index.html'))
    const nav = page.locator('#site-nav')
    const toggle = page.locator('#nav-toggle')
    await expect.poll(() => nav.isVisible()).toBe(false)

    await toggle.click()
    expect(await nav.isVisible()).toBe(true)
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')

    await page.keyboard.press('Escape')
    expect(await nav.isVisible()).toBe(false)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nav-toggle')

    expect(await page.textContent('#year')).toBe('2025')
    expect(await page.textContent('#open-status')).toBe('Open now until 16:00')
  })

  it('filters the menu by category, from the buttons and from a link', async () => {
    await page.goto(server.url('menu.html'))
    expect(await page.textContent('#menu-count')).toBe('Showing all 16 items.')

    await page.click('.filter-btn[data-filter="pastries"]')
    expect(await page.textContent('#menu-count')).toBe('Showing 4 pastries.')
    expect(await page.locator('.menu-category:visible').evaluateAll((els) => els.map((e) => e.id))).toEqual([
      'pastries',
    ])
    expect(await page.getAttribute('.filter-btn[data-filter="pastries"]', 'aria-pressed')).toBe('true')
    expect(new URL(page.url()).hash).toBe('#pastries')

    await page.click('.filter-btn[data-filter="all"]')
    expect(await page.locator('.menu-item:visible').count()).toBe(16)

    await page.goto(server.url('index.html'))
    await page.click('a[href="menu.html#cakes"]')
    await page.waitForURL(/menu\.html#cakes$/)
    expect(await page.textContent('#menu-count')).toBe('Showing 4 cakes.')
  })

  it('validates the order form in place and never submits it', async () => {
    await page.goto(server.url('order.html'))
    const formUrl = page.url()
    await page.click('button[type="submit"]')

    const errors = await page.evaluate(() =>
      ['name', 'email', 'pickup-date', 'pickup-time', 'items'].map(
        (id) => document.getElementById(`${id}-error`)?.textContent ?? '',
      ),
    )
    expect(errors.every((e) => e.length > 0)).toBe(true)
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('name')
    expect(page.url()).toBe(formUrl)

    await page.fill('#name', 'Sam')
    await page.fill('#email', 'sam@example.com')
    await page.selectOption('#pickup-time', '10:30')
    await page.fill('#qty-sourdough', '2')
    await page.fill('#pickup-date', '2025-06-16') // a Monday
    await page.click('button[type="submit"]')
    expect(await page.textContent('#pickup-date-error')).toMatch(/Monday/)
    expect(await page.textContent('#name-error')).toBe('')

    for (const tooEarlyOrLate of ['2025-06-11', '2025-06-26']) {
      await page.fill('#pickup-date', tooEarlyOrLate)
      await page.click('button[type="submit"]')
      expect(await page.textContent('#pickup-date-error'), tooEarlyOrLate).toMatch(/between tomorrow and two weeks/)
    }
    expect(await page.isHidden('#order-confirmation')).toBe(true)
  })

  it('keeps a live total, confirms a valid order on the page, and starts over', async () => {
    await page.goto(server.url('order.html'))
    expect(await page.textContent('#order-total')).toBe('£0.00')
    await page.fill('#qty-sourdough', '2')
    await page.fill('#qty-sponge', '1')
    expect(await page.textContent('#order-total')).toBe('£31.60')
    expect(await page.locator('#order-lines li').allTextContents()).toEqual([
      '2 × Country sourdough£9.60',
      '1 × Whole Victoria sponge£22.00',
    ])

    await page.fill('#name', 'Sam')
    await page.fill('#email', 'sam@example.com')
    await page.fill('#pickup-date', '2025-06-12')
    await page.selectOption('#pickup-time', '10:30')
    await page.click('button[type="submit"]')

    expect(await page.isVisible('#order-confirmation')).toBe(true)
    expect(await page.isHidden('#order-layout')).toBe(true)
    expect(await page.textContent('#confirm-name')).toBe('Sam')
    expect(await page.textContent('#confirm-pickup')).toBe('Thursday 12 June at 10:30')
    expect(await page.textContent('#confirm-total')).toBe('£31.60')
    expect(await page.textContent('#confirm-ref')).toMatch(/^CC-\d{6}$/)

    await page.click('#order-confirmation button')
    expect(await page.isVisible('#order-layout')).toBe(true)
    expect(await page.isHidden('#order-confirmation')).toBe(true)
    expect(await page.textContent('#order-total')).toBe('£0.00')
    expect(await page.inputValue('#name')).toBe('')
  })
})
