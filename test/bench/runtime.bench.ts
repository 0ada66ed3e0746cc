/**
 * runtime_check_ms_per_page: wall time of the whole runtime check (server start, one
 * Chromium launch, every page loaded and every handler fired, browser closed) divided by the
 * number of pages, on a synthetic 10-page site that is clean — so the figure is the cost of
 * checking, not of reporting. Median of three runs.
 *
 * runtime_check_audit_ms_per_page / runtime_check_audit_cost_ratio (issue #18): the same
 * check with accessibility (axe-core) and layout at 1280 and 390 px on, interleaved with the
 * runs without, so the ratio compares like with like on this machine at this moment.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { runRuntimeCheck } from '../../plugin/check/runtime/index.js'
import type { BenchResult } from './types.js'
import { median } from './timing.js'

const PAGES = 10
const RUNS = 3

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-bench-runtime-'))
  try {
    const pages = writeSite(dir)
    const plain: number[] = []
    const audited: number[] = []
    for (let i = 0; i < RUNS; i++) {
      for (const [audit, times] of [
        [false, plain],
        [true, audited],
      ] as const) {
        const result = await runRuntimeCheck({ dir, pages, ...(audit ? { audit: { a11y: true, layout: true } } : {}) })
        if (result.skipped) throw new Error(`runtime bench needs Chromium: ${result.skipped}`)
        if (result.findings.length > 0 || result.pagesChecked !== PAGES) {
          throw new Error(`runtime bench site must check clean: ${JSON.stringify(result.findings.slice(0, 3))}`)
        }
        times.push(result.durationMs / result.pagesChecked)
      }
    }
    return {
      runtime_check_ms_per_page: {
        value: median(plain),
        unit: 'ms',
        note: `median of ${RUNS} runs; total/pages on a ${PAGES}-page site, ~6 triggers per page, one browser launch included`,
      },
      runtime_check_audit_ms_per_page: {
        value: median(audited),
        unit: 'ms',
        note: `the same with axe-core (WCAG A/AA) and the layout probe at 1280 and 390 px (two more page loads per page); median of ${RUNS}, interleaved`,
      },
      runtime_check_audit_cost_ratio: {
        value: median(audited) / median(plain),
        unit: 'ratio',
        note: `${median(audited).toFixed(0)} vs ${median(plain).toFixed(0)} ms per page, with vs without accessibility + layout`,
      },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A small realistic site: shared stylesheet and script, a nav, handlers and a form on every page. */
function writeSite(dir: string): string[] {
  mkdirSync(join(dir, 'css'))
  mkdirSync(join(dir, 'js'))
  writeFileSync(
    join(dir, 'css', 'site.css'),
    ':root { --accent: #235; }\nbody { font-family: system-ui; margin: 0; }\n' +
      'nav a { display: inline-block; padding: 0.75rem 0.5rem; color: var(--accent); }\n' +
      'button { padding: 0.5rem 1rem; }\n.open { display: block; }\n',
  )
  writeFileSync(
    join(dir, 'js', 'site.js'),
    `function toggleMenu() { document.getElementById('menu').classList.toggle('open') }
function like(id) { const el = document.getElementById('likes-' + id); el.textContent = String(Number(el.textContent) + 1) }
document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault()
  document.getElementById('result').textContent = 'Searching for ' + event.target.elements.q.value
})
document.getElementById('q').addEventListener('input', (event) => {
  document.getElementById('hint').textContent = event.target.value.length + ' characters'
})
`,
  )
  const names = Array.from({ length: PAGES }, (_, i) => (i === 0 ? 'index.html' : `page-${i}.html`))
  const nav = names.map((n, i) => `<a href="${n}">Page ${i}</a>`).join('\n      ')
  names.forEach((name, i) => {
    writeFileSync(
      join(dir, name),
      `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Page ${i}</title>
  <link rel="stylesheet" href="css/site.css">
  <script src="js/site.js" defer></script>
</head>
<body>
  <header>
    <button id="menu-button" onclick="toggleMenu()">Menu</button>
    <nav id="menu">
      ${nav}
    </nav>
  </header>
  <main>
    <h1>Page ${i}</h1>
    ${[1, 2, 3].map((n) => `<article><h2>Story ${n}</h2><p>Text of story ${n} on page ${i}.</p><button onclick="like(${n})">Like</button> <span id="likes-${n}">0</span></article>`).join('\n    ')}
    <form id="search"><label for="q">Search</label> <input id="q" name="q"><button type="submit">Search</button></form>
    <p id="hint"></p><p id="result"></p>
  </main>
</body>
</html>
`,
    )
  })
  return names
}
