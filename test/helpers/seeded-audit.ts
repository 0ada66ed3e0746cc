import { locateChunk } from '../../plugin/edit/index.js'
import type { LoopbackRequest, Reply } from '../loopback/server.js'
import { scriptedSite, stageOf, taskOf } from './scripted-site.js'

/**
 * A two-page bakery site for the accessibility and layout loop (issue #18): the small
 * model's first answers carry two of each kind of defect a person would see or hit — an
 * image without alt, a form field without a label, low-contrast text, a page that scrolls
 * sideways at 390 px, a control covered by another element, tap targets too small and too
 * close. The scripted reviewer turns each finding into an issue on the chunk that causes
 * it (often the stylesheet, not the page the finding is in); the scripted fixer answers
 * with that chunk as it should have been.
 */
export const AUDIT_SPEC = `# Crumb bakery

## Look and feel
Warm cream background, dark brown text.

## Home page
Fresh bread every morning, a newsletter and this week's offer.

## Order page
Order a cake for pick-up.
`

const IMG =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='80' height='60'%3E%3Crect width='80' height='60' fill='%23b5532a'/%3E%3C/svg%3E"

const head = (title: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="stylesheet" href="css/style.css">
  <script src="js/main.js" defer></script>
</head>`

const CLEAN: Record<string, string> = {
  'css/style.css': `:root { --text: #2b1d14; --bg: #fbf6ec; --accent: #8a3b12; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--text); background: var(--bg); }
main { padding: 1rem; }
.notice { color: #5c4030; }
.banner { display: block; max-width: 100%; height: auto; }
.offer { position: relative; padding: 1rem; }
.buy { padding: 0.75rem 1.5rem; font-size: 1rem; }
.qty button { min-width: 44px; min-height: 44px; }
.order-btn { color: #ffffff; background: var(--accent); border: 0; padding: 0.75rem 1.5rem; font-size: 1rem; }
.row { display: flex; flex-wrap: wrap; gap: 1rem; }
.row > div { flex: 1 1 8rem; padding: 1rem; background: #f1e6d2; }
.pickup { padding: 1rem 1rem 3rem; }
.pickup a { display: inline-block; padding: 0.75rem 1rem; }
.overlap { position: relative; padding: 2rem 1rem; background: #f1e6d2; }
.pager a { display: inline-block; min-width: 44px; line-height: 44px; text-align: center; }
`,
  'js/main.js': `function setYear() {
  const el = document.getElementById('year')
  if (el) el.textContent = String(new Date().getFullYear())
}

document.addEventListener('DOMContentLoaded', setYear)
`,
  'index.html': `${head('Crumb bakery')}
<body>
  <main>
    <h1>Crumb bakery</h1>
    <section id="hero">
      <img class="banner" src="${IMG}" alt="Loaves on the counter" width="640" height="120">
      <p class="notice">Fresh bread every morning.</p>
    </section>
    <section id="signup">
      <form action="#">
        <label for="email">Your email</label>
        <input id="email" type="email" name="email">
        <button type="submit">Subscribe</button>
      </form>
    </section>
    <section id="offer" class="offer">
      <p>This week: seeded loaf.</p>
      <button class="buy" type="button">Add to basket</button>
    </section>
    <section id="basket">
      <div class="qty"><button type="button" aria-label="Fewer">-</button><button type="button" aria-label="More">+</button></div>
    </section>
  </main>
  <footer><p>&copy; <span id="year">2026</span></p></footer>
</body>
</html>
`,
  'order.html': `${head('Order a cake')}
<body>
  <main>
    <h1>Order a cake</h1>
    <section id="cake">
      <img src="${IMG}" alt="A birthday cake" width="80" height="60">
    </section>
    <section id="choices">
      <div class="row">
        <div>Chocolate</div>
        <div>Lemon</div>
      </div>
    </section>
    <section id="order-form">
      <form action="#">
        <label for="message">Message on the cake</label>
        <textarea id="message" name="message" rows="3"></textarea>
        <button class="order-btn" type="submit">Order now</button>
      </form>
    </section>
    <section class="pickup" id="pickup">
      <p>Pick-up on Saturday.</p>
      <a href="#times">See times</a>
    </section>
    <section class="overlap" id="times">
      <p>From 8 to 12.</p>
    </section>
    <nav class="pager" aria-label="Pages"><a href="index.html">1</a><a href="order.html">2</a></nav>
  </main>
  <footer><p>&copy; <span id="year">2026</span></p></footer>
</body>
</html>
`,
}

interface AuditDefect {
  path: string
  find: string
  replace: string
}

/** Two defects of each kind, as (file, clean text → broken text). */
export const AUDIT_DEFECTS: readonly AuditDefect[] = [
  // missing alt
  { path: 'index.html', find: ' alt="Loaves on the counter"', replace: '' },
  { path: 'order.html', find: ' alt="A birthday cake"', replace: '' },
  // unlabeled inputs
  { path: 'index.html', find: '<label for="email">Your email</label>', replace: '<p>Your email</p>' },
  {
    path: 'order.html',
    find: '<label for="message">Message on the cake</label>',
    replace: '<div>Message on the cake</div>',
  },
  // low contrast
  { path: 'css/style.css', find: '.notice { color: #5c4030; }', replace: '.notice { color: #c9b8a8; }' },
  {
    path: 'css/style.css',
    find: '.order-btn { color: #ffffff; background: var(--accent);',
    replace: '.order-btn { color: #ffffff; background: #f4d35e;',
  },
  // sideways scrolling at 390 px
  {
    path: 'css/style.css',
    find: '.banner { display: block; max-width: 100%; height: auto; }',
    replace: '.banner { display: block; width: 640px; height: 120px; }',
  },
  { path: 'css/style.css', find: '.row > div { flex: 1 1 8rem;', replace: '.row > div { flex: 0 0 220px;' },
  {
    path: 'css/style.css',
    find: '.row { display: flex; flex-wrap: wrap; gap: 1rem; }',
    replace: '.row { display: flex; gap: 1rem; }',
  },
  // covered controls
  {
    path: 'index.html',
    find: '      <button class="buy" type="button">Add to basket</button>\n',
    replace:
      '      <button class="buy" type="button">Add to basket</button>\n      <div class="shade" style="position: absolute; inset: 0; background: rgba(255,255,255,0.01)"></div>\n',
  },
  {
    path: 'css/style.css',
    find: '.overlap { position: relative; padding: 2rem 1rem;',
    replace: '.overlap { position: relative; margin-top: -6rem; padding: 2rem 1rem;',
  },
  // tap targets too small and too close
  {
    path: 'css/style.css',
    find: '.qty button { min-width: 44px; min-height: 44px; }',
    replace: '.qty button { width: 16px; height: 16px; padding: 0; font-size: 10px; line-height: 1; }',
  },
  {
    path: 'css/style.css',
    find: '.pager a { display: inline-block; min-width: 44px; line-height: 44px; text-align: center; }',
    replace: '.pager a { display: inline-block; width: 14px; font-size: 11px; line-height: 14px; text-align: center; }',
  },
]

/** Where a reviewer points the fix, by `rule file` of the finding: [file to change, target]. */
const FIX_TARGETS: Record<string, [string, string][]> = {
  'a11y-image-alt index.html': [['index.html', '#hero']],
  'a11y-image-alt order.html': [['order.html', '#cake']],
  'a11y-label index.html': [['index.html', '#signup']],
  'a11y-label order.html': [['order.html', '#order-form']],
  'a11y-color-contrast index.html': [['css/style.css', '.notice']],
  'a11y-color-contrast order.html': [['css/style.css', '.order-btn']],
  'layout-overflow index.html': [['css/style.css', '.banner']],
  'layout-overflow order.html': [
    ['css/style.css', '.row'],
    ['css/style.css', '.row > div'],
  ],
  'layout-covered index.html': [['index.html', '#offer']],
  'layout-covered order.html': [['css/style.css', '.overlap']],
  'layout-tap-target index.html': [['css/style.css', '.qty button']],
  'layout-tap-target order.html': [['css/style.css', '.pager a']],
}

export function applyAuditDefects(path: string, content: string): string {
  for (const d of AUDIT_DEFECTS.filter((x) => x.path === path)) {
    if (!content.includes(d.find))
      throw new Error(`audit defect for ${path}: ${JSON.stringify(d.find)} is not in the clean file`)
    content = content.replace(d.find, d.replace)
  }
  return content
}

export function cleanAuditFile(path: string): string {
  const clean = CLEAN[path]
  if (clean === undefined) throw new Error(`seeded audit site: no file ${path}`)
  return clean
}

/** The loopback responder: plan from the spec, broken first answers, review and fix as above. */
export function seededAuditSite(): (req: LoopbackRequest) => Reply {
  const reviewer = (req: LoopbackRequest) => {
    const findings = [...req.lastUserMessage.matchAll(/^- ([^:\s]+):\d+:\d+ \[([\w-]+)\] (?:error|warning): (.+)$/gm)]
    const byFile = new Map<
      string,
      { rule: string; severity: 'error'; message: string; fix: { target: string; instructions: string } }[]
    >()
    for (const [, file, rule, message] of findings) {
      for (const [fixFile, target] of FIX_TARGETS[`${rule} ${file}`] ?? []) {
        const issues = byFile.get(fixFile) ?? []
        if (!issues.some((i) => i.fix.target === target))
          issues.push({
            rule,
            severity: 'error',
            message,
            fix: { target, instructions: `1. Fix: ${message}\n2. Change nothing else.` },
          })
        byFile.set(fixFile, issues)
      }
    }
    return { reviews: [...byFile].map(([file, issues]) => ({ file, issues })) }
  }
  const fixer = (req: LoopbackRequest) => {
    const prompt = req.messages.find((m) => m.role === 'user')!.content
    const path = /^File: (.+)$/m.exec(prompt)![1]
    const edits = [...prompt.matchAll(/^Chunk "(.+)":$/gm)].map((m) => {
      const good = locateChunk(path, cleanAuditFile(path), m[1])
      if (!good.ok) throw new Error(good.reason)
      return { target: m[1], replacement: good.text }
    })
    return { edits }
  }
  return scriptedSite({
    mutate: (path) => applyAuditDefects(path, cleanAuditFile(path)),
    review: reviewer,
    fix: fixer,
  })
}

export { stageOf, taskOf }
