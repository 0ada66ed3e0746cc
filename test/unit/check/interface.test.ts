import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { extractInterface, parseCheck } from '../../../plugin/check/index.js'
import { FileInterfaceSchema } from '../../../plugin/store/artifact-schemas.js'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'check')

describe('extractInterface', () => {
  it('lists what a page offers: ids (templates too), classes, inline globals, css vars, local links', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="css/site.css?v=2"><link rel="icon" href="favicon.ico">
      <script src="js/app.js" defer></script>
      <script>function openMenu() {} const state = {}; window.track = () => {}</script>
      <script type="module">export function hidden() {}; window.exposed = 1</script>
      <style>:root { --brand: red } .x { color: var(--brand) }</style>
    </head><body>
      <nav id="nav" class="nav nav--main"><a href="about/">About</a> <a href="blog.html#x">Blog</a> <a href="https://x.test">X</a> <a href="#nav">Top</a></nav>
      <template id="row"><tr class="row"></tr></template>
      <p style="--gap: 1rem" class="nav">x</p>
    </body></html>`
    const i = extractInterface('index.html', html)
    expect(i).toEqual({
      ids: ['nav', 'row'],
      // `.x` is styled by the page's own <style>: a class the page offers, like a stylesheet.
      classes: ['nav', 'nav--main', 'row', 'x'],
      globals: ['exposed', 'openMenu', 'state', 'track'],
      exports: [],
      cssVars: ['--brand', '--gap'],
      links: ['about/index.html', 'blog.html', 'css/site.css', 'js/app.js'],
    })
    expect(FileInterfaceSchema.parse(i)).toEqual(i)
  })

  it('lists what a stylesheet offers: selector ids/classes, custom properties, imports', () => {
    const css = `@import url("base.css"); @property --angle { syntax: '<angle>'; inherits: false; initial-value: 0deg }
      :root { --brand: red } #app .card:hover, .btn--primary > .icon { color: red }
      @keyframes spin { from { rotate: 0 } 50.5% { rotate: 180deg } }`
    expect(extractInterface('css/site.css', css)).toEqual({
      ids: ['app'],
      classes: ['btn--primary', 'card', 'icon'],
      globals: [],
      exports: [],
      cssVars: ['--angle', '--brand'],
      links: ['css/base.css'],
    })
  })

  it('lists what a module offers: exports, window globals, ids/classes it creates, imports', () => {
    const js = `import { a } from './a.js'
      import lib from 'https://cdn.test/lib.js'
      export const x = 1, { y, z: [w] } = {}
      export default function () {}
      export { a as reA }
      export * as ns from '../shared/ns.js'
      function local() {}
      window.app = { local }
      const el = document.createElement('div'); el.id = 'toast'; el.classList.add('toast', 'is-visible')
      document.documentElement.style.setProperty('--progress', '1')
      import('./lazy.js')`
    expect(extractInterface('js/main.js', js)).toEqual({
      ids: ['toast'],
      classes: ['is-visible', 'toast'],
      globals: ['app'],
      exports: ['default', 'ns', 'reA', 'w', 'x', 'y'],
      cssVars: ['--progress'],
      links: ['js/a.js', 'js/lazy.js', 'shared/ns.js'],
    })
  })

  it('lists the globals of a classic script (let/const/class are global too)', () => {
    const js =
      'var a = 1; let b = 2; const c = 3; class D {} function e() { implicit = 1 } (function () { var hidden })()'
    expect(extractInterface('js/legacy.js', js).globals).toEqual(['D', 'a', 'b', 'c', 'e', 'implicit'])
  })

  it('is deterministic and never throws on unparsable input', () => {
    const page = readFileSync(join(fixtures, 'clean', 'todo-app', 'index.html'), 'utf8')
    expect(extractInterface('index.html', page)).toEqual(extractInterface('index.html', page))
    expect(extractInterface('broken.js', 'function (')).toEqual({
      ids: [],
      classes: [],
      globals: [],
      exports: [],
      cssVars: [],
      links: [],
    })
    expect(extractInterface('image.png', '\u0000\u0001')).toEqual({
      ids: [],
      classes: [],
      globals: [],
      exports: [],
      cssVars: [],
      links: [],
    })
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('a.html', 'a.css', 'a.js'), (text, path) => {
        const i = extractInterface(path, text)
        for (const list of Object.values(i)) expect([...list].sort()).toEqual(list)
        FileInterfaceSchema.parse(i)
      }),
      { numRuns: 150 },
    )
  })
})

describe('parseCheck', () => {
  it('accepts valid files of every kind', () => {
    expect(parseCheck('a.js', 'const data = await fetch("x"); export default data')).toEqual({ ok: true })
    expect(parseCheck('legacy.js', 'with (Math) { var r = max(1, 2) }')).toEqual({ ok: true })
    expect(parseCheck('a.css', '@layer x { .a { &:hover { color: red } } }')).toEqual({ ok: true })
    expect(parseCheck('a.json', '{"a": [1, 2]}')).toEqual({ ok: true })
    expect(parseCheck('a.html', '<!doctype html><title>x</title><p>unclosed <b>tags</i> are fine')).toEqual({
      ok: true,
    })
    expect(parseCheck('image.svg', '<svg')).toEqual({ ok: true })
    for (const site of ['todo-app', 'landing']) {
      const page = readFileSync(join(fixtures, 'clean', site, 'index.html'), 'utf8')
      expect(parseCheck('index.html', page)).toEqual({ ok: true })
    }
  })

  it('rejects JS that parses neither as module nor as script, at the furthest error', () => {
    expect(parseCheck('a.js', 'function go() {\n  return [1, 2;\n}')).toMatchObject({ ok: false, line: 2, column: 15 })
    // As a module it gets to line 2 (strict mode forbids `with`); as a script it fails at once.
    const r = parseCheck('a.js', 'import x from "y"\nwith (x) {}')
    expect(r).toMatchObject({ ok: false, line: 2, column: 6 })
  })

  it('rejects CSS and JSON that do not parse, with a location', () => {
    expect(parseCheck('a.css', '.a { color: red }\n.b { color: blue')).toMatchObject({
      ok: false,
      line: 2,
      column: 1,
      message: expect.stringContaining('Unclosed block'),
    })
    expect(parseCheck('a.json', '{"a": [1, 2}')).toMatchObject({ ok: false, line: 1 })
  })

  it('rejects HTML whose inline script or style does not parse, or that is cut off', () => {
    const script = parseCheck('a.html', '<!doctype html>\n<body>\n<script>\nconst a = {\n</script>\n</body>')
    expect(script).toMatchObject({ ok: false, line: 5, message: expect.stringContaining('inline script') })
    const style = parseCheck('a.html', '<style>\n.a { color: red\n</style><body></body>')
    expect(style).toMatchObject({ ok: false, line: 2, column: 1 })
    expect(parseCheck('a.html', '<!doctype html><body><div class="card')).toMatchObject({
      ok: false,
      message: expect.stringContaining('eof-in-tag'),
    })
    expect(parseCheck('a.html', '<!doctype html><html><body><main><p>The rest of the')).toMatchObject({
      ok: false,
      message: expect.stringContaining('never closed'),
    })
  })
})
