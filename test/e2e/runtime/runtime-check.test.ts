/**
 * The runtime check against real headless Chromium on three fixture sites: one that works
 * (no findings at all), one with defects only a browser sees (exact findings), and one full
 * of things that look broken offline but are not the site's fault (set aside, not reported).
 * One check run — one browser launch — per site.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

import { compareFindings, type Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { runRuntimeCheck, type RuntimeCheckResult } from '../../../plugin/check/runtime/index.js'

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'runtime')

/** 1-based line and column where `needle` starts in a fixture file (so expectations follow the fixture text). */
function at(site: string, file: string, needle: string): { line: number; column: number } {
  const text = readFileSync(join(FIXTURES, site, file), 'utf8')
  const index = text.indexOf(needle)
  if (index < 0 || text.indexOf(needle, index + 1) >= 0)
    throw new Error(`fixture ${site}/${file}: "${needle}" must occur exactly once`)
  const before = text.slice(0, index).split('\n')
  return { line: before.length, column: before[before.length - 1].length + 1 }
}

function lineOf(site: string, file: string, needle: string): number {
  return at(site, file, needle).line
}

describe('runtime check: a site that works', () => {
  let result: RuntimeCheckResult
  const progress: string[] = []

  beforeAll(async () => {
    result = await runRuntimeCheck({
      dir: join(FIXTURES, 'clean'),
      pages: ['index.html', 'about.html', 'contact.html', 'thanks.html'],
      onProgress: (page) => progress.push(page),
    })
  })

  it('reports nothing — handlers, listeners, delegated tabs, forms, links and a blocked CDN script included', () => {
    expect(result.skipped).toBeUndefined()
    expect(result.findings).toEqual([])
    expect(result.uncertain).toEqual([])
  })

  it('checks every page and reports progress once per page', () => {
    expect(result.pagesChecked).toBe(4)
    // Two pages at a time by default: they may finish in any order.
    expect([...progress].sort()).toEqual(['about.html', 'contact.html', 'index.html', 'thanks.html'])
    expect(result.durationMs).toBeGreaterThan(0)
    expect(result.screenshots).toEqual([])
  })
})

describe('runtime check: defects only a browser sees', () => {
  let result: RuntimeCheckResult

  beforeAll(async () => {
    result = await runRuntimeCheck({ dir: join(FIXTURES, 'broken'), pages: ['index.html', 'about.html', 'menu.html'] })
  })

  const runtimeError = (
    file: string,
    page: string,
    line: number,
    message: string,
    column: unknown = expect.any(Number),
  ): Finding => ({ rule: 'runtime-error', severity: 'error', file, page, line, column, message }) as Finding
  const failedRequest = (
    file: string,
    page: string,
    where: { line: number; column: number },
    target: string,
  ): Finding => ({
    rule: 'failed-request',
    severity: 'error',
    file,
    page,
    ...where,
    message: `failed to load ${target}: 404 Not Found`,
  })

  it('reports exactly the defects, each in the file that holds it, de-duplicated and sorted', () => {
    const expected = [
      // index.html
      failedRequest('index.html', 'index.html', at('broken', 'index.html', 'css/missing.css'), 'css/missing.css'),
      failedRequest('index.html', 'index.html', at('broken', 'index.html', 'js/analytics.js'), 'js/analytics.js'),
      // site.css is loaded by both pages: its missing background is one finding, on the first page.
      failedRequest('css/site.css', 'index.html', at('broken', 'css/site.css', '../img/paper.png'), 'img/paper.png'),
      runtimeError(
        'index.html',
        'index.html',
        at('broken', 'index.html', 'saveItem()').line,
        'clicking button#save: ReferenceError: saveItem is not defined',
        at('broken', 'index.html', 'saveItem()').column,
      ),
      runtimeError(
        'js/app.js',
        'index.html',
        lineOf('broken', 'js/app.js', 'classlist.toggle'),
        "clicking button#menu-toggle: TypeError: Cannot read properties of undefined (reading 'toggle')",
      ),
      // about.html
      runtimeError(
        'js/load-error.js',
        'about.html',
        lineOf('broken', 'js/load-error.js', 'window.siteConfig.theme'),
        "uncaught TypeError: Cannot read properties of undefined (reading 'theme')",
      ),
      runtimeError(
        'about.html',
        'about.html',
        lineOf('broken', 'about.html', "console.error('newsletter"),
        'console.error: newsletter form not found',
      ),
      // A module import is reported in the importing module.
      failedRequest('js/team.js', 'about.html', at('broken', 'js/team.js', './format.js'), 'js/format.js'),
      // menu.html: fetch() sends the page as Referer; the call is in the script.
      failedRequest('js/menu.js', 'menu.html', at('broken', 'js/menu.js', 'data/menu.json'), 'data/menu.json'),
      // Raised after the click's fetch() resolved: the check waits for it.
      runtimeError(
        'js/menu.js',
        'menu.html',
        lineOf('broken', 'js/menu.js', 'data.specials.forEach'),
        "clicking button#show-specials: TypeError: Cannot read properties of undefined (reading 'forEach')",
      ),
    ]
    // Sorted on what is known exactly; columns from V8 are matched with expect.any(Number).
    expect(result.findings).toEqual(expected.sort((a, b) => compareFindings({ ...a, column: 0 }, { ...b, column: 0 })))
    expect(result.uncertain).toEqual([])
    expect(result.pagesChecked).toBe(3)
  })

  it('points an inline handler error at the attribute text, even when the tag spans lines', () => {
    const finding = result.findings.find((f) => f.message.includes('saveItem'))
    expect(finding).toMatchObject(at('broken', 'index.html', 'saveItem()'))
  })

  it('gives a column from the stack for script errors', () => {
    const finding = result.findings.find((f) => f.file === 'js/app.js')
    const line = readFileSync(join(FIXTURES, 'broken', 'js', 'app.js'), 'utf8').split('\n')[finding!.line - 1]
    // V8 points at the failing property access.
    expect(line.slice(finding!.column - 1)).toMatch(/^\.?toggle\('open'\)/)
  })

  it('leaves the button that works alone: only the defects are reported', () => {
    expect(result.findings.some((f) => f.message.includes('button#add'))).toBe(false)
  })
})

describe('runtime check: what looks broken offline but is not the site', () => {
  let result: RuntimeCheckResult

  beforeAll(async () => {
    result = await runRuntimeCheck({
      dir: join(FIXTURES, 'precision'),
      pages: ['cdn.html', 'quote.html', 'dialog.html', 'order.html', 'subscribe.html', 'validate.html'],
    })
  })

  it('reports no findings', () => {
    expect(result.findings).toEqual([])
    expect(result.pagesChecked).toBe(6)
  })

  it('sets aside, with the reason, errors it cannot blame on the site', () => {
    expect(
      result.uncertain.map((f) => ({ page: f.page, reason: f.reason, message: f.message, file: f.file, line: f.line })),
    ).toEqual([
      {
        // jQuery from a CDN never arrives offline.
        page: 'cdn.html',
        reason: 'external-code-blocked',
        message: 'uncaught ReferenceError: $ is not defined',
        file: 'cdn.html',
        line: lineOf('precision', 'cdn.html', "$('#next')"),
      },
      {
        // The dialog's Save only works once a recipe was opened; the dialog is closed (hidden).
        page: 'dialog.html',
        reason: 'hidden-element',
        message: "clicking button#save-edit: TypeError: Cannot set properties of null (setting 'name')",
        file: 'dialog.html',
        line: lineOf('precision', 'dialog.html', 'current.name ='),
      },
      {
        // Fails only after "Clear list" was clicked first; from a fresh page it works.
        page: 'order.html',
        reason: 'order-dependent',
        message: "clicking button#shout-first: TypeError: Cannot read properties of undefined (reading 'toUpperCase')",
        file: 'order.html',
        line: lineOf('precision', 'order.html', 'items[0].toUpperCase()'),
      },
      {
        // A third-party API, blocked offline.
        page: 'quote.html',
        reason: 'external-code-blocked',
        message: 'clicking button#refresh: TypeError: Failed to fetch',
        file: 'quote.html',
        line: lineOf('precision', 'quote.html', "fetch('https://api.quotable.io/random')"),
      },
      {
        // A deliberate throw for the empty input a synthetic click comes with.
        page: 'validate.html',
        reason: 'not-a-code-error',
        message: 'clicking button#check: Error: Please enter an order number',
        file: 'validate.html',
        line: lineOf('precision', 'validate.html', 'throw new Error('),
      },
    ])
  })

  it('does not report a POST to a backend the static preview lacks, nor a link it stopped from navigating', () => {
    expect([...result.findings, ...result.uncertain].filter((f) => f.page === 'subscribe.html')).toEqual([])
  })
})
