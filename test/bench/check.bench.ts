/**
 * Static checker benchmark (issue 5): a synthetic 500-file site (300 pages, 100
 * stylesheets, 100 scripts, cross-referenced like a real site) checked with `checkSite`.
 *  - check_500_files_ms: median wall time of several runs, in this process.
 *  - check_500_files_peak_rss_mb: peak RSS of a child process that only runs the check
 *    (this file re-run with `--rss-child`), so the number is the checker's own.
 *  - check_vs_html_validate_ratio: sitesmith check ÷ html-validate (v10, recommended
 *    rules) on the same HTML files, both in this process, runs interleaved in one go.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { FileSystemConfigLoader, HtmlValidate } from 'html-validate'

import { checkSite } from '../../plugin/check/index.js'
import type { BenchResult } from './types.js'
import { median } from './timing.js'

const PAGES_PER_SECTION = 30
const RUNS = 7

/**
 * Write the synthetic site; returns the HTML files (absolute) for html-validate. Each
 * section adds 50 files (30 pages, 10 stylesheets, 10 scripts): 10 sections → 501 files,
 * 100 → 5,001, 400 → 20,001 (issue 13's scale figures).
 */
export function writeSyntheticSite(root: string, sections = 10): string[] {
  const SECTIONS = sections
  const COMPONENT_SHEETS = 10 * SECTIONS - 1 - SECTIONS
  const UTIL_MODULES = 10 * SECTIONS - 1 - SECTIONS
  const pages: string[] = []
  const write = (rel: string, text: string) => {
    const abs = join(root, rel)
    mkdirSync(dirname(abs), { recursive: true })
    writeFileSync(abs, text)
    if (rel.endsWith('.html')) pages.push(abs)
  }

  write(
    'css/base.css',
    `:root {\n  --brand: #4f46e5;\n  --text: #111827;\n  --surface: #fff;\n  --space: 1rem;\n}\n` +
      `body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--text); background: var(--surface); }\n` +
      `.nav a { padding: calc(var(--space) / 2); color: var(--brand); }\n.is-active { font-weight: 700; }\n`,
  )
  for (let k = 0; k < COMPONENT_SHEETS; k++) {
    let css = `/* component ${k} */\n.c${k} { display: grid; gap: var(--space); padding: var(--space); --c${k}-accent: hsl(${k * 7} 70% 50%); }\n`
    for (let r = 0; r < 12; r++)
      css += `.c${k}__el${r} { color: var(--c${k}-accent, var(--brand)); margin-block: ${r}px; border-radius: ${r % 5}px; }\n`
    css += `@media (max-width: 600px) { .c${k} { grid-template-columns: 1fr; } }\n`
    write(`css/components/c${k}.css`, css)
  }
  for (let s = 0; s < SECTIONS; s++) {
    write(
      `css/section-${s}.css`,
      `@import url("components/c${s}.css");\n.section-${s} { border-top: 4px solid var(--brand); }\n.section-${s} .card { box-shadow: 0 1px 2px rgb(0 0 0 / 0.1); }\n`,
    )
  }

  write(
    'js/common.js',
    `/* classic: page globals */\nconst SITE = { name: 'Synthetic' };\n` +
      `function toggleMenu(button) {\n  document.getElementById('menu').classList.toggle('is-open');\n` +
      `  button.setAttribute('aria-expanded', 'true');\n}\nfunction track(name) { console.log(SITE.name, name); }\n`,
  )
  for (let k = 0; k < UTIL_MODULES; k++) {
    const dep = k > 0 ? `import { util${k - 1}a } from './util-${k - 1}.js';\n` : ''
    let js = `${dep}export function util${k}a(x) {\n  return ${k > 0 ? `util${k - 1}a(x) + ` : ''}x * ${k + 1};\n}\n`
    js += `export function util${k}b(el) {\n  el.classList.add('u${k}');\n  for (const child of el.querySelectorAll('.card')) child.dataset.util = '${k}';\n  return el;\n}\n`
    js += `export const UTIL_${k} = Object.freeze({ id: ${k}, label: 'util ${k}' });\n`
    write(`js/lib/util-${k}.js`, js)
  }
  for (let s = 0; s < SECTIONS; s++) {
    const a = (s * 7) % UTIL_MODULES
    const b = (s * 13 + 5) % UTIL_MODULES
    write(
      `js/section-${s}.js`,
      `import { util${a}a, util${a}b } from './lib/util-${a}.js';\nimport { util${b}b, UTIL_${b} } from './lib/util-${b}.js';\n\n` +
        `const main = document.getElementById('main');\nconst cards = document.querySelectorAll('.section-${s} .card');\n` +
        `for (const card of cards) util${a}b(card);\nutil${b}b(main);\nmain.dataset.total = String(util${a}a(cards.length) + UTIL_${b}.id);\n` +
        `function openPanel(id) {\n  document.getElementById(id)?.classList.add('is-active');\n}\nwindow.openPanel = openPanel;\n`,
    )
  }

  const pagePath = (s: number, i: number) => `pages/section-${s}/page-${i}.html`
  for (let s = 0; s < SECTIONS; s++) {
    for (let i = 0; i < PAGES_PER_SECTION; i++) {
      const links: string[] = []
      for (let l = 1; l <= 6; l++) {
        const ts = (s + l) % SECTIONS
        const ti = (i * 3 + l) % PAGES_PER_SECTION
        links.push(`<a href="../section-${ts}/page-${ti}.html${l % 2 ? `#block-${l}` : ''}">Page ${ts}.${ti}</a>`)
      }
      let body = ''
      for (let blk = 0; blk < 16; blk++) {
        const comp = (s * 5 + blk) % COMPONENT_SHEETS
        body +=
          `<section id="block-${blk}" class="card c${comp} section-${s}">\n` +
          `  <h2 class="c${comp}__el${blk % 12}">Block ${blk} of page ${s}.${i}</h2>\n` +
          `  <p style="margin: var(--space)">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.</p>\n` +
          `  <button type="button" onclick="openPanel('block-${blk}'); track('block-${blk}')">Open</button>\n` +
          `</section>\n`
      }
      write(
        pagePath(s, i),
        `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
          `<title>Page ${s}.${i}</title>\n<link rel="stylesheet" href="../../css/base.css">\n<link rel="stylesheet" href="../../css/section-${s}.css">\n` +
          `<link rel="stylesheet" href="../../css/components/c${(s + i) % COMPONENT_SHEETS}.css">\n` +
          `<script src="../../js/common.js" defer></script>\n<script type="module" src="../../js/section-${s}.js"></script>\n</head>\n` +
          `<body>\n<header><button type="button" aria-expanded="false" onclick="toggleMenu(this)">Menu</button>\n` +
          `<nav id="menu" class="nav">\n${links.join('\n')}\n<a href="../../index.html">Home</a>\n</nav>\n</header>\n` +
          `<main id="main">\n${body}</main>\n<footer><a href="#main">Top</a></footer>\n</body>\n</html>\n`,
      )
    }
  }
  const index = Array.from(
    { length: SECTIONS },
    (_, s) => `<li><a href="${pagePath(s, 0)}">Section ${s}</a></li>`,
  ).join('\n')
  write(
    'index.html',
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Synthetic site</title>\n` +
      `<link rel="stylesheet" href="css/base.css">\n</head>\n` +
      `<body>\n<main id="main">\n<ul class="nav">\n${index}\n</ul>\n</main>\n</body>\n</html>\n`,
  )
  return pages.sort()
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}

export async function run(): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'sitesmith-check-bench-'))
  try {
    const htmlFiles = writeSyntheticSite(root)
    const validator = new HtmlValidate(new FileSystemConfigLoader({ extends: ['html-validate:recommended'] }))
    const runCheck = () => checkSite(root)
    const runHtmlValidate = () => validator.validateMultipleFiles(htmlFiles)

    // Warm both (JIT, module loading, html-validate's config and element metadata).
    const findings = await runCheck()
    await runHtmlValidate()
    const checkTimes: number[] = []
    const validateTimes: number[] = []
    for (let i = 0; i < RUNS; i++) {
      checkTimes.push(await timed(runCheck))
      validateTimes.push(await timed(runHtmlValidate))
    }
    const checkMs = median(checkTimes)
    const validateMs = median(validateTimes)
    const rssMb = await childPeakRssMb(root)
    return {
      check_500_files_ms: {
        value: checkMs,
        unit: 'ms',
        target: '<= 1000',
        note: `median of ${RUNS} runs; ${findings.length} findings on the synthetic site`,
      },
      check_500_files_peak_rss_mb: {
        value: rssMb,
        unit: 'MB',
        target: '<= 300',
        note: 'peak RSS of a child process running one check (includes Node + tsx)',
      },
      check_vs_html_validate_ratio: {
        value: checkMs / validateMs,
        unit: 'ratio',
        target: '<= 1.0',
        note: `sitesmith check ${checkMs.toFixed(0)} ms vs html-validate ${validateMs.toFixed(0)} ms on ${htmlFiles.length} HTML files (medians, same process, interleaved)`,
      },
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

const thisFile = fileURLToPath(import.meta.url)

async function childPeakRssMb(root: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', thisFile, '--rss-child', root], {
    cwd: join(dirname(thisFile), '..', '..'),
    timeout: 120_000,
  })
  const kb = Number(/maxrss_kb=(\d+)/.exec(stdout)?.[1])
  if (!Number.isFinite(kb)) throw new Error(`rss child printed no measurement: ${stdout}`)
  return kb / 1024
}

// Child mode: run one check and report this process's peak resident set size.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.argv[2] === '--rss-child') {
  const root = process.argv[3]
  if (!root) throw new Error('usage: check.bench.ts --rss-child <dir>')
  await checkSite(root)
  process.stdout.write(`maxrss_kb=${process.resourceUsage().maxRSS}\n`)
}
