import * as acorn from 'acorn'
import { describe, expect, it } from 'vitest'

import { applyChunkEdit, deleteChunk, listTargets, locateChunk } from '../../../plugin/edit/index.js'
import { applied, fixture, regionOf, rejected } from './assertions.js'

const FILE = 'app.js'
const js = fixture(FILE)
const LEGACY = 'events-legacy.crlf.js'
const legacy = fixture(LEGACY)

function located(target: string, source = js, path = FILE): { start: number; end: number; text: string; kind: string } {
  const r = locateChunk(path, source, target)
  if (!r.ok) throw new Error(r.reason)
  return r
}

const parsesAsModule = (code: string): boolean => {
  acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' })
  return true
}

describe('JS targets', () => {
  it.each([
    ['filterMenu', 'function', 'export function filterMenu(category) {'],
    ['function filterMenu', 'function', 'export function filterMenu('],
    ['export filterMenu', 'function', 'export function filterMenu('],
    ['validateEmail', 'function', 'function validateEmail(input) {'],
    ['submitSubscription', 'function', 'async function submitSubscription(form) {'],
    ['Lightbox', 'class', 'class Lightbox {'],
    ['Lightbox.open', 'method', 'open(src, alt) {'],
    ['Lightbox.#root', 'property', '#root = null'],
    ['Lightbox.isOpen', 'method', 'get isOpen() {'],
    ['CountUp.start', 'method', 'start() {'],
    ['theme.toggle', 'property', 'toggle() {'],
    ['THEME_KEY', 'variable', "const THEME_KEY = 'hl-theme'"],
    ['const THEME_KEY', 'variable', "const THEME_KEY = 'hl-theme'"],
    ['PLAN_PRICES', 'variable', 'export const PLAN_PRICES = {'],
    ['export default', 'export-default', 'export default function init('],
    ['default', 'export-default', 'export default function init('],
    ['init', 'export-default', 'export default function init('],
    ["document.addEventListener('DOMContentLoaded')", 'call', "document.addEventListener('DOMContentLoaded', () => {"],
    ['document.addEventListener("DOMContentLoaded", () => {})', 'call', "document.addEventListener('DOMContentLoaded'"],
    ['window.harbor', 'assignment', 'window.harbor = { theme, filterMenu }'],
    ['updateTotal', 'function', 'function updateTotal() {'],
    ['wireGallery', 'variable', 'const wireGallery = () => {'],
  ])('%s → %s', (target, kind, starts) => {
    const r = located(target)
    expect(r.kind).toBe(kind)
    expect(r.text.startsWith(starts)).toBe(true)
    expect(js.slice(r.start, r.end)).toBe(r.text)
  })

  it('finds declarations exported through `export { a as b }` by their export name', () => {
    expect(located('export visible', 'function hidden() {}\nexport { hidden as visible }\n', 'm.js').text).toBe(
      'function hidden() {}',
    )
  })

  it('lists top-level names, members, calls and uniquely named inner functions, each naming one chunk', () => {
    const targets = listTargets(FILE, js)
    expect(targets).toEqual(
      expect.arrayContaining([
        'PLAN_PRICES',
        'theme',
        'theme.toggle',
        'filterMenu',
        'Lightbox',
        'Lightbox.open',
        'CountUp.start',
        "document.addEventListener('DOMContentLoaded')",
        'updateTotal',
        'window.harbor',
        'export default',
      ]),
    )
    for (const t of targets) expect(locateChunk(FILE, js, t).ok, t).toBe(true)
  })
})

describe('JS edits', () => {
  it('replaces an exported function and keeps every other byte', () => {
    const fn = located('planTotal')
    const replacement =
      "export function planTotal(form) {\n  const plan = form.querySelector('input[name=\"plan\"]:checked')?.value ?? 'deckhand'\n  return PLAN_PRICES[plan]?.[28] ?? null\n}"
    const next = applied(applyChunkEdit(FILE, js, 'planTotal', replacement))
    expect(regionOf(js, next, fn.start, fn.end)).toBe(replacement)
    expect(parsesAsModule(next)).toBe(true)
  })

  it('re-indents a flush-left function nested inside a handler', () => {
    const fn = located('updateTotal')
    const next = applied(
      applyChunkEdit(
        FILE,
        js,
        'updateTotal',
        'function updateTotal() {\n  total.textContent = formatPrice(planTotal(form) ?? 0)\n}',
      ),
    )
    expect(regionOf(js, next, fn.start, fn.end)).toBe(
      'function updateTotal() {\n    total.textContent = formatPrice(planTotal(form) ?? 0)\n  }',
    )
  })

  it('edits class methods, private fields and object methods in place', () => {
    const open = located('Lightbox.isOpen')
    const a = applied(applyChunkEdit(FILE, js, 'Lightbox.isOpen', 'get isOpen() {\n  return Boolean(this.#root)\n}'))
    expect(regionOf(js, a, open.start, open.end)).toBe('get isOpen() {\n    return Boolean(this.#root)\n  }')
    const toggle = located('theme.toggle')
    const b = applied(
      applyChunkEdit(
        FILE,
        js,
        'theme.toggle',
        "toggle() {\n  this.apply(this.current() === 'dark' ? 'light' : 'dark')\n},",
      ),
    )
    // The trailing comma the model added is dropped: the original one after the member stays.
    expect(regionOf(js, b, toggle.start, toggle.end)).toBe(
      "toggle() {\n    this.apply(this.current() === 'dark' ? 'light' : 'dark')\n  }",
    )
    expect(parsesAsModule(b)).toBe(true)
  })

  it('lets a function bring a new helper along', () => {
    const next = applied(
      applyChunkEdit(
        FILE,
        js,
        'validateEmail',
        'function isEmail(text) {\n  return EMAIL_RE.test(text.trim())\n}\n\nfunction validateEmail(input) {\n  return isEmail(input.value)\n}',
      ),
    )
    expect(next).toContain('function isEmail(text)')
  })

  it('keeps a classic script a classic script (CRLF included)', () => {
    const fn = located('pad', legacy, LEGACY)
    const next = applied(
      applyChunkEdit(LEGACY, legacy, 'pad', 'function pad(n) {\n  return String(n).padStart(2, "0");\n}'),
    )
    expect(regionOf(legacy, next, fn.start, fn.end)).toBe(
      'function pad(n) {\r\n  return String(n).padStart(2, "0");\r\n}',
    )
    expect(() => acorn.parse(next, { ecmaVersion: 'latest', sourceType: 'script' })).not.toThrow()
    const reason = rejected(
      applyChunkEdit(LEGACY, legacy, 'pad', 'export function pad(n) {\n  return String(n)\n}'),
      'does-not-parse',
    )
    expect(reason).toMatch(
      /^events-legacy\.crlf\.js:\d+:1: after the edit the script does not parse as a classic script/,
    )
  })

  it('edits a nested function of a classic script inside its IIFE', () => {
    const fn = located('countdown', legacy, LEGACY)
    const next = applied(
      applyChunkEdit(LEGACY, legacy, 'countdown', 'function countdown(el) {\n  el.textContent = "soon";\n}'),
    )
    expect(regionOf(legacy, next, fn.start, fn.end)).toBe(
      'function countdown(el) {\r\n    el.textContent = "soon";\r\n  }',
    )
  })
})

describe('JS rejections', () => {
  it('missing and misspelled names, and a call used for a function name', () => {
    expect(rejected(applyChunkEdit(FILE, js, 'filtreMenu', 'x'), 'target-missing')).toMatch(/Did you mean `filterMenu`/)
    expect(rejected(applyChunkEdit(FILE, js, 'filterMenu()', 'x'), 'target-missing')).toMatch(
      /`filterMenu` exists but is not `filterMenu\(\)`; target `filterMenu`/,
    )
    expect(rejected(applyChunkEdit(FILE, js, 'let THEME_KEY', 'x'), 'target-missing')).toMatch(/target `THEME_KEY`/)
  })

  it('ambiguous members and names', () => {
    const source =
      'class A {\n  get x() { return 1 }\n  set x(v) {}\n}\nfunction f() { function h() {} }\nfunction g() { function h() {} }\n'
    expect(rejected(applyChunkEdit('a.js', source, 'A.x', 'get x() { return 2 }'), 'target-ambiguous')).toMatch(
      /matches 2 chunks \(lines 2, 3\); a getter and setter .* edit the whole class `A`/,
    )
    expect(rejected(applyChunkEdit('a.js', source, 'h', 'function h() {}'), 'target-ambiguous')).toMatch(
      /matches 2 chunks/,
    )
  })

  it('a replacement that renames the declaration or drops its export', () => {
    expect(
      rejected(applyChunkEdit(FILE, js, 'filterMenu', 'export function applyFilter(c) {\n  return c\n}'), 'wrong-kind'),
    ).toMatch(/does not declare `filterMenu` \(it declares `applyFilter`\); keep the name/)
    expect(
      rejected(applyChunkEdit(FILE, js, 'filterMenu', 'function filterMenu(c) {\n  return c\n}'), 'wrong-kind'),
    ).toMatch(/drops `export` from `filterMenu`/)
    expect(
      rejected(applyChunkEdit(FILE, js, 'Lightbox.close', 'shut() {\n  this.#root = null\n}'), 'wrong-kind'),
    ).toMatch(/must still define `close`/)
    expect(rejected(applyChunkEdit(FILE, js, 'export default', 'function init() {}'), 'wrong-kind')).toMatch(
      /export default/,
    )
  })

  it('a result that does not parse, with the location and a frame', () => {
    const reason = rejected(
      applyChunkEdit(
        FILE,
        js,
        'validateEmail',
        'function validateEmail(input) {\n  return EMAIL_RE.test(input.value\n}',
      ),
      'does-not-parse',
    )
    expect(reason).toMatch(/^app\.js:\d+:\d+: after the edit the script does not parse as a module: Unexpected token/)
    expect(reason).toMatch(/\n> +\d+ \|/)
  })

  it('a replacement that runs into the code after it (no semicolon before a line starting with "(")', () => {
    const source = 'const a = 1\nconst b = 2\n;(function () {})()\n'
    const reason = rejected(applyChunkEdit('asi.js', source, 'b', 'const b = 3\n(function () {})'), 'does-not-parse')
    expect(reason).toMatch(/runs into the code around it/)
  })

  it('a replacement that redeclares code from outside its target, or is the whole file', () => {
    expect(
      rejected(
        applyChunkEdit(
          FILE,
          js,
          'validateEmail',
          'function validateEmail(input) {\n  return true\n}\n\nconst THEME_KEY = "x"',
        ),
        'overreach',
      ),
    ).toMatch(/also declares `THEME_KEY` \(line 12\), which already exists outside the target/)
    expect(
      rejected(
        applyChunkEdit(FILE, js, 'wireFilters', 'function wireFilters() {}\nfunction updateTotal() {}'),
        'overreach',
      ),
    ).toMatch(/also declares `updateTotal`/)
    expect(
      rejected(
        applyChunkEdit(FILE, js, 'validateEmail', js.replace('input.setAttribute', 'input.toggleAttribute')),
        'overreach',
      ),
    ).toMatch(/rewrites more than `validateEmail`/)
    expect(rejected(applyChunkEdit(LEGACY, legacy, 'pad', legacy.replace("'0' + n", "'00' + n")), 'overreach')).toMatch(
      /rewrites more than `pad`/,
    )
  })

  it('placeholders standing for omitted code', () => {
    for (const body of [
      '  // ... existing code ...',
      '  // rest of the function remains the same',
      '  ...',
      '  /* unchanged */',
    ]) {
      expect(
        rejected(
          applyChunkEdit(FILE, js, 'validateEmail', `function validateEmail(input) {\n${body}\n  return true\n}`),
          'placeholder',
        ),
      ).toMatch(/placeholder/)
    }
  })

  it('a file that does not parse cannot be chunk-edited', () => {
    const reason = rejected(
      applyChunkEdit('broken.js', 'function ok() {}\nfunction (', 'ok', 'function ok() { return 1 }'),
      'unparsable-source',
    )
    expect(reason).toMatch(/^broken\.js:2:10: the script does not parse/)
  })
})

describe('deleteChunk in JS', () => {
  it('removes a declaration with its line, a declarator or member with its comma', () => {
    expect(applied(deleteChunk('a.js', 'const a = 1\nfunction gone() {\n  return 2\n}\nconst b = 3\n', 'gone'))).toBe(
      'const a = 1\nconst b = 3\n',
    )
    expect(applied(deleteChunk('a.js', 'let a = 1, b = 2, c = 3\n', 'b'))).toBe('let a = 1, c = 3\n')
    expect(applied(deleteChunk('a.js', 'const o = {\n  a() {},\n  b() {},\n}\n', 'o.a'))).toBe(
      'const o = {\n  b() {},\n}\n',
    )
  })
})
