import { describe, expect, it } from 'vitest'

import { checkFiles } from '../../../plugin/check/index.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'

/**
 * One true positive and the tricky true negatives for each rule, on in-memory sites
 * (`checkFiles` is what the pipeline calls before anything is written).
 */
function check(files: Record<string, string>, otherPaths: string[] = []): Finding[] {
  return checkFiles(new Map(Object.entries(files)), { otherPaths })
}

function only(findings: Finding[], rule: string): string[] {
  return findings.filter((f) => f.rule === rule).map((f) => `${f.file}:${f.line}:${f.column}`)
}

/**
 * A "reports nothing" test could pass because the checker gave up on the site (an open
 * page, a parse failure). The control adds one real defect and expects exactly it.
 */
function expectControl(files: Record<string, string>, file: string, append: string, rule: string): void {
  const f = check({ ...files, [file]: files[file] + append })
  expect(f.map((x) => `${x.rule} ${x.file}`)).toEqual([`${rule} ${file}`])
}

const page = (body: string, head = '') =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n${head}\n</head>\n<body>\n${body}\n</body>\n</html>\n`

describe('broken-link', () => {
  it('reports missing local pages, images, stylesheet urls and imports, at the reference', () => {
    const f = check({
      'index.html': page(
        '<a href="contact.html">c</a>\n<img src="img/logo.png" alt="">',
        '<link rel="stylesheet" href="css/site.css">',
      ),
      'css/site.css': 'body {\n  background: url("../img/bg.jpg");\n}\n',
      'js/app.js': "import { x } from './missing.js'\nexport const y = x\n",
      'module.html': page('<script type="module" src="js/app.js"></script>'),
    })
    expect(only(f, 'broken-link')).toEqual([
      'css/site.css:2:15',
      'index.html:9:10',
      'index.html:10:11',
      'js/app.js:1:19',
    ])
    expect(f.find((x) => x.file === 'index.html')?.message).toContain('contact.html')
  })

  it('resolves queries, hashes, directories, root-relative, clean URLs and Vite public/; ignores other schemes', () => {
    const f = check(
      {
        'index.html': page(
          [
            '<a href="about.html?ref=nav#team">a</a>',
            '<a href="blog/">b</a> <a href="blog">b2</a> <a href="pricing">p</a>',
            '<a href="mailto:a@b.c">m</a> <a href="tel:+1">t</a> <a href="javascript:void(0)">j</a>',
            '<img src="data:image/png;base64,AAAA" alt=""> <a href="//cdn.example.com/x.js">x</a> <a href="https://example.com/nope">e</a>',
            '<a href="{{ post.url }}">templated</a> <a href="../outside.html">outside the root</a>',
            '<img src="/favicon.svg" alt=""> <img src="img/a%20b.png" alt="">',
            '<img srcset="img/a%20b.png 1x, img/a%20b.png 2x" alt="">',
          ].join('\n'),
        ),
        'about.html': page('<h2 id="team">Team</h2>'),
        'blog/index.html': page('<p>blog</p>'),
        'blog/post.html': page('<a href="/index.html">home</a> <a href="../about.html#team">about</a>'),
        'pricing.html': page('<p>pricing</p>'),
      },
      ['public/favicon.svg', 'img/a b.png'],
    )
    expect(f).toEqual([])
  })

  it('warns (not errors) about an extensionless import that only a bundler resolves', () => {
    const f = check({
      'index.html': page('<script type="module" src="main.js"></script>'),
      'main.js': "import { a } from './util'\nconsole.log(a)\n",
      'util.js': 'export const a = 1\n',
    })
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ rule: 'broken-link', severity: 'warning', file: 'main.js', line: 1 })
    expect(f[0].message).toContain('./util.js')
  })

  it('resolves worker URLs against the page, not the script', () => {
    const files = {
      'index.html': page('<script src="js/app.js"></script>'),
      'js/app.js': "const w = new Worker('js/worker.js')\nnavigator.serviceWorker.register('sw.js')\n",
      'js/worker.js': 'self.onmessage = (e) => postMessage(e.data)\n',
      'sw.js': "self.addEventListener('fetch', () => {})\n",
    }
    expect(check(files)).toEqual([])
    expect(only(check({ ...files, 'js/app.js': "new Worker('worker.js')\n" }), 'broken-link')).toEqual([
      'js/app.js:1:12',
    ])
  })
})

describe('missing-anchor', () => {
  it('reports fragments with no matching id on this page or the target page', () => {
    const f = check({
      'index.html': page('<a href="#pricing">p</a>\n<a href="docs.html#install">d</a>\n<section id="plans"></section>'),
      'docs.html': page('<h2 id="setup">Setup</h2>'),
    })
    expect(only(f, 'missing-anchor')).toEqual(['index.html:9:10', 'index.html:10:10'])
    expect(f.every((x) => x.severity === 'warning')).toBe(true)
  })

  it('accepts #top, #, routes, <a name>, encoded ids, JS-created ids and hash-routed pages', () => {
    const files: Record<string, string> = {
      'index.html': page(
        [
          '<a href="#top">top</a> <a href="#">none</a> <a href="#/inbox">route</a> <a href="#!/x">bang</a>',
          '<a href="#legacy">legacy</a> <a name="legacy"></a>',
          '<a href="#caf%C3%A9">café</a> <h2 id="café">Café</h2>',
          '<a href="#toast">toast</a>',
          '<svg><use href="#icon"></use></svg><svg><symbol id="icon"></symbol></svg>',
          '<a href="app.html#settings">settings</a> <a href="#0">placeholder</a>',
          '<a href="docs.html#getting-started">docs</a>',
        ].join('\n'),
        '<script src="toast.js"></script>',
      ),
      'toast.js': "const t = document.createElement('div')\nt.id = 'toast'\ndocument.body.append(t)\n",
      'app.html': page('<main id="view"></main>', '<script src="router.js"></script>'),
      'router.js':
        "addEventListener('hashchange', () => { document.getElementById('view').dataset.route = location.hash })\n",
      // Heading ids computed at runtime: any fragment may exist on docs.html.
      'docs.html': page('<h2>Getting started</h2>', '<script src="toc.js" defer></script>'),
      'toc.js':
        "for (const h of document.querySelectorAll('h2')) h.id = h.textContent.toLowerCase().replaceAll(' ', '-')\n",
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'index.html', '<a href="#nowhere">x</a>', 'missing-anchor')
  })

  it('checks SVG <use href="#x"> against element ids', () => {
    const f = check({ 'index.html': page('<svg><use href="#icon-close"></use></svg>') })
    expect(only(f, 'missing-anchor')).toEqual(['index.html:9:17'])
  })
})

describe('unknown-handler', () => {
  it('reports handlers calling module-scoped or undefined functions, with the reason', () => {
    const f = check({
      'index.html': page(
        '<button onclick="save()">s</button>\n<button onclick="reset2(); return false">r</button>',
        '<script type="module" src="app.js"></script>',
      ),
      'app.js': 'function save() {}\nexport {}\n',
    })
    expect(only(f, 'unknown-handler')).toEqual(['index.html:9:18', 'index.html:10:18'])
    expect(f[0].message).toMatch(/declared in app\.js.*not global/)
  })

  it('accepts window exposure, global objects, event/this, form controls, element ids and builtins', () => {
    const files: Record<string, string> = {
      'index.html': page(
        [
          '<button onclick="save(event, this)">s</button>',
          '<button onclick="app.open(this.dataset.id)">o</button>',
          '<button onclick="helpers.format(1)">h</button>',
          '<button onclick="settings.showModal()">d</button><dialog id="settings"></dialog>',
          '<form oninput="total.value = a.valueAsNumber + b.valueAsNumber"><input name="a" type="number"><input name="b" type="number"><output name="total"></output></form>',
          '<button onclick="history.back(); alert(\'x\'); console.log(document.title)">b</button>',
          '<button onclick="if (typeof maybe === \'function\') maybe()">m</button>',
          '<form onsubmit="event.preventDefault(); submit()"></form>',
          '<button onclick="counter = (counter || 0) + 1; bump(counter)">c</button>',
        ].join('\n'),
        '<script type="module" src="app.js"></script>\n<script src="helpers.js"></script>',
      ),
      'app.js': 'function save(e, el) {}\nwindow.save = save\nObject.assign(window, { app: { open() {} } })\n',
      'helpers.js': 'const helpers = { format: (n) => String(n) }\nfunction bump(n) { return n }\n',
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'index.html', '<button onclick="nowhere()">x</button>', 'unknown-handler')
  })

  it('says nothing on a page that loads an external script (its globals are unknowable)', () => {
    const f = check({
      'index.html': page(
        '<button onclick="$(\'.x\').hide()">x</button><button onclick="Alpine.start()">a</button>',
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>',
      ),
    })
    expect(f).toEqual([])
  })
})

describe('missing-element', () => {
  it('reports ids on no page that runs the script, even when another page has it', () => {
    const f = check({
      'a.html': page('<div id="cart"></div>', '<script src="shared.js"></script>'),
      'b.html': page('<div id="menu"></div>', '<script src="shared.js"></script>'),
      'other.html': page('<div id="checkout"></div>'),
      'shared.js':
        "document.getElementById('cart')\ndocument.getElementById('menu')\ndocument.querySelector('#checkout')\n",
    })
    expect(only(f, 'missing-element')).toEqual(['shared.js:3:24'])
    expect(f[0].message).toContain('checkout')
  })

  it('accepts ids created by JS, in templates, in markup strings or patterns, and computed lookups', () => {
    const files: Record<string, string> = {
      'index.html': page(
        '<template id="row-tpl"><tr id="row-head"></tr></template><ul id="list"></ul>',
        '<script src="app.js"></script>',
      ),
      'app.js': [
        "const toast = document.createElement('div'); toast.id = 'toast'; document.body.append(toast)",
        "document.getElementById('toast').textContent = 'hi'",
        "document.getElementById('row-tpl'); document.getElementById('row-head')",
        "document.getElementById('list').innerHTML = '<li id=\"first-item\">1</li>'",
        "document.getElementById('first-item')",
        'for (let i = 0; i < 3; i++) { const li = document.createElement("li"); li.id = `item-${i}`; }',
        "document.getElementById('item-2')",
        "const which = 'panel-' + Math.random(); document.getElementById(which)",
        "document.querySelector('#list > li:not(#nothing)')",
        "const box = document.createElement('div'); box.setAttribute('id', 'modal-root'); document.getElementById('modal-root')",
      ].join('\n'),
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'app.js', "\ndocument.getElementById('nowhere')", 'missing-element')
  })
})

describe('missing-element severity', () => {
  it('is a warning when the result is only used through ?.', () => {
    const f = check({
      'index.html': page('', '<script src="app.js"></script>'),
      'app.js': "document.getElementById('gone')?.remove()\ndocument.getElementById('crash').remove()\n",
    })
    expect(f.map((x) => `${x.rule} ${x.severity} ${x.line}`)).toEqual([
      'missing-element warning 1',
      'missing-element error 2',
    ])
  })
})

describe('missing-class', () => {
  it('reports classes in no page and added by no script', () => {
    const f = check({
      'index.html': page('<ul class="list"></ul>', '<script src="app.js"></script>'),
      'app.js': "document.querySelector('.lsit')\ndocument.getElementsByClassName('item')\n",
    })
    expect(only(f, 'missing-class')).toEqual(['app.js:1:24', 'app.js:2:33'])
    expect(f.map((x) => x.severity)).toEqual(['error', 'warning'])
  })

  it('accepts classes added by classList/className/markup strings, :not(), selector lists and constants', () => {
    const files: Record<string, string> = {
      'index.html': page('<ul class="list"></ul>', '<script src="app.js"></script>'),
      'app.js': [
        "const list = document.querySelector('.list')",
        "list.classList.add('is-ready'); document.querySelector('.list.is-ready')",
        'list.className = `list ${list.children.length ? "has-items" : "empty"}`',
        "document.querySelectorAll('.has-items, .empty')",
        "list.innerHTML = '<li class=\"item item--new\">x</li>'; document.querySelector('.item--new')",
        "document.querySelector('.list:not(.is-loading)')",
        "const ACTIVE = 'is-active'; document.querySelector('.is-active')",
        "list.classList.toggle('status-' + 'ok'); document.querySelector('.status-ok')",
        'const kind = String(Date.now() % 2); list.classList.add(`tone-${kind}`); document.querySelector(".tone-1")',
      ].join('\n'),
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'app.js', "\ndocument.querySelector('.nowhere')", 'missing-class')
  })
})

describe('duplicate-id', () => {
  it('reports the second element with an id, pointing at the first', () => {
    const f = check({ 'index.html': page('<div id="a"></div>\n<p id="a"></p>') })
    expect(only(f, 'duplicate-id')).toEqual(['index.html:10:4'])
    expect(f[0].message).toContain('line 9')
  })

  it('does not count <template> content or other pages', () => {
    const f = check({
      'index.html': page('<div id="a"></div><template><div id="a"></div><div id="a"></div></template>'),
      'other.html': page('<div id="a"></div>'),
    })
    expect(f).toEqual([])
  })
})

describe('js-syntax', () => {
  it('reports classic scripts with import, broken inline scripts and handlers at file positions', () => {
    const f = check({
      'index.html': page(
        '<button onclick="go(">x</button>\n<script>\n  const a = [1, 2;\n</script>',
        '<script src="app.js"></script>',
      ),
      'app.js': "import { a } from './a.js'\n",
      'a.js': 'export const a = 1\n',
    })
    expect(only(f, 'js-syntax')).toEqual(['app.js:1:1', 'index.html:9:21', 'index.html:11:18'])
    expect(f.find((x) => x.file === 'app.js')?.message).toContain('type="module"')
  })

  it('accepts modules with top-level await and non-JS script blocks', () => {
    const f = check({
      'index.html': page(
        [
          '<script type="application/ld+json">{ "@context": "https://schema.org", "@type": "Person" }</script>',
          '<script type="text/template"><li class="x">{{ name }}</li></script>',
          '<script type="importmap">{ "imports": {} }</script>',
          '<script type="module">const r = await Promise.resolve(1); console.log(r)</script>',
        ].join('\n'),
      ),
    })
    expect(f).toEqual([])
  })
})

describe('css-syntax', () => {
  it('reports stylesheets, <style> and style="" that do not parse', () => {
    const f = check({
      'index.html': page(
        '<p style="color: red; }">x</p>',
        '<link rel="stylesheet" href="a.css">\n<style>\n.x { color: red;\n</style>',
      ),
      'a.css': '.a { color: red }\n.b { color: blue\n',
    })
    expect(only(f, 'css-syntax')).toEqual(['a.css:2:1', 'index.html:8:1', 'index.html:12:23'])
  })

  it('accepts modern CSS: layers, nesting, @supports, @container, @property', () => {
    const files: Record<string, string> = {
      'a.css': [
        '@layer base, components;',
        '@property --angle { syntax: "<angle>"; inherits: false; initial-value: 0deg; }',
        '@layer components { .card { color: red; &:hover { color: blue; } .title { font-weight: 700 } } }',
        '@supports (display: grid) and (not (display: inline-grid)) { .g { display: grid } }',
        '@container sidebar (min-width: 400px) { .c { rotate: var(--angle) } }',
        '@media (width >= 600px) { .m { inset: 0 } }',
      ].join('\n'),
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'a.css', '\n.e { color: red', 'css-syntax')
  })
})

describe('missing-export', () => {
  it('reports named and default imports the target does not export', () => {
    const f = check({
      'index.html': page('<script type="module" src="main.js"></script>'),
      'main.js':
        "import fmt, { parse, render } from './lib.js'\nexport { missing } from './lib.js'\nrender(parse, fmt)\n",
      'lib.js': 'export function render() {}\nexport const parser = 1\n',
    })
    expect(only(f, 'missing-export')).toEqual(['main.js:1:8', 'main.js:1:15', 'main.js:2:10'])
    expect(f.find((x) => x.column === 15)?.message).toContain('did you mean "parser"')
  })

  it('follows export * and renames; skips targets it cannot read', () => {
    const files: Record<string, string> = {
      'index.html': page('<script type="module" src="main.js"></script>'),
      'main.js': [
        "import def, { a, b as bee, c, ns } from './barrel.js'",
        "import { anything } from 'https://cdn.example.com/lib.js'",
        "import { other } from './external-star.js'",
        "import data from './data.json' with { type: 'json' }",
        'console.log(def, a, bee, c, ns, anything, other, data)',
      ].join('\n'),
      'barrel.js':
        "export * from './a.js'\nexport { x as b } from './b.js'\nexport * as ns from './b.js'\nexport default 1\n",
      'a.js': "export const a = 1\nexport * from './c.js'\n",
      'b.js': 'const x = 2\nexport { x }\n',
      'c.js': 'export function c() {}\n',
      'external-star.js': "export * from 'https://cdn.example.com/other.js'\n",
      'data.json': '{}',
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'main.js', "\nimport { nowhere } from './barrel.js'", 'missing-export')
  })
})

describe('undefined-reference', () => {
  it('reports reads declared nowhere, and module names used outside their module', () => {
    const f = check({
      'index.html': page(
        '',
        '<script src="a.js"></script>\n<script type="module" src="m.js"></script>\n<script type="module">\nhelper()\n</script>',
      ),
      'a.js': 'function init() { return cnt + 1 }\n',
      'm.js': 'function helper() {}\nexport { helper }\n',
    })
    expect(only(f, 'undefined-reference')).toEqual(['a.js:1:26', 'index.html:9:1'])
    expect(f.find((x) => x.file === 'index.html')?.message).toMatch(/m\.js/)
  })

  it('understands scopes, hoisting, classic globals across scripts and typeof guards', () => {
    const files: Record<string, string> = {
      'index.html': page(
        '<div id="app"></div><form name="signup"></form>',
        '<script src="config.js"></script>\n<script src="app.js"></script>\n<script type="module" src="mod.js"></script>',
      ),
      'config.js':
        "const API = '/api'\nlet counter = 0\nclass Store {}\nvar legacy = true\nimplicitGlobal = 42\nwindow.published = 1\n",
      'app.js': [
        'function run(a, { b = a, ...rest } = {}, [c] = []) {',
        '  const f = function named() { return named && arguments.length }',
        '  outer: for (const x of [a, b, c]) { if (x) break outer; else continue outer }',
        '  try { hoisted() } catch ({ message }) { console.log(message) }',
        '  function hoisted() { return new Store() }',
        '  if (true) { var fromBlock = 1 }',
        '  class Point { static origin = new Point(); #x = 1; y = this.#x; static { Point.count = 0 } get x() { return this.#x } }',
        '  return [f, fromBlock, rest, API, counter, legacy, implicitGlobal, published, app, signup, Point]',
        '}',
        "if (typeof module !== 'undefined') module.exports = run",
        'const obj = { key: 1, [API]: 2, run, nested: { deep: true } }',
        'obj.key = obj.nested.deep',
        'label: { break label }',
        'for (let i = 0, j = i; i < 1; i++) console.log(i, j)',
        'switch (1) { case 1: { const z = 1; console.log(z) } }',
      ].join('\n'),
      'mod.js':
        'const { a = API } = {}\nexport default class extends Store { m() { return a + counter + super.toString() } }\nimport.meta.url\n',
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'app.js', '\nnowhere()', 'undefined-reference')
    expectControl(files, 'mod.js', '\nconsole.log(implicitGlobal, nowhere)', 'undefined-reference')
  })

  it('reports a shared script only when no loading page defines the name; skips open pages', () => {
    const files = {
      'a.html': page('', '<script src="defs.js"></script><script src="shared.js"></script>'),
      'b.html': page('', '<script src="shared.js"></script>'),
      'defs.js': 'function onlyOnA() {}\n',
      'shared.js': 'onlyOnA()\n',
    }
    expect(check(files)).toEqual([])
    expect(only(check({ ...files, 'defs.js': 'function renamed() {}\n' }), 'undefined-reference')).toEqual([
      'shared.js:1:1',
    ])
    expect(
      check({
        ...files,
        'b.html': page('', '<script src="https://cdn.example.com/x.js"></script><script src="shared.js"></script>'),
        'defs.js': '',
      }),
    ).toEqual([])
  })

  it('does not report reads that only run where an environment probe succeeds (UMD, optional globals)', () => {
    const files: Record<string, string> = {
      // Separate pages: a UMD wrapper passes `this` around, which (rightly) makes its page's globals unknowable.
      'umd.html': page('', '<script src="umd.js"></script>'),
      'index.html': page('', '<script type="module" src="iso.js"></script>'),
      'umd.js': [
        '(function (root, factory) {',
        "  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory(require('dep'))",
        "  : typeof define === 'function' && define.amd ? define(['dep'], factory)",
        '  : (root = root || self, root.Widget = factory(root.Dep));',
        '})(this, function (Dep) { return { Dep } });',
        "if (typeof process !== 'undefined') { process.on('exit', () => {}) }",
      ].join('\n'),
      'iso.js': [
        "export const decode = (s) => (globalThis.Buffer ? Buffer.from(s, 'base64') : atob(s))",
        "export const hasX = 'XR' in window && XR",
        "const mod = {}; (function (factory) { typeof define === 'function' && define.amd ? define(['dep'], factory) : factory(mod, GlobalDep) })(function (m, dep) { m.dep = dep })",
      ].join('\n'),
    }
    expect(check(files)).toEqual([])
    expectControl(files, 'iso.js', '\nconsole.log(Bufer)', 'undefined-reference')
  })

  it('leaves Node tooling next to the site alone (vite.config.js, CommonJS)', () => {
    const f = check({
      'index.html': page('<p>x</p>'),
      'vite.config.js':
        "import { defineConfig } from 'vite'\nexport default defineConfig({ root: process.cwd(), base: __dirname })\n",
      'postcss.config.cjs': 'module.exports = { plugins: [require("autoprefixer")] }\n',
      'scripts/build.js': "const fs = require('fs')\nfs.writeFileSync(process.argv[2], '')\n",
    })
    expect(f).toEqual([])
  })

  it('gives worker scripts their own globals', () => {
    const f = check({
      'index.html': page('', '<script src="app.js"></script>'),
      'app.js': "new Worker('worker.js')\n",
      'worker.js': "importScripts('helpers.js')\nself.onmessage = (e) => postMessage(double(e.data))\n",
      'helpers.js': 'function double(x) { return x * 2 }\n',
    })
    expect(f).toEqual([])
  })
})

describe('undefined-css-variable', () => {
  it('reports var() without fallback of a property defined nowhere', () => {
    const f = check({ 'a.css': ':root { --brand: red }\n.a { color: var(--brnd) }\n' })
    expect(only(f, 'undefined-css-variable')).toEqual(['a.css:2:13'])
    expect(f[0].message).toContain('--brand')
  })

  it('accepts fallbacks, other files, @property, style attributes and JS setProperty', () => {
    const files: Record<string, string> = {
      'index.html': page(
        '<p style="--inline: 1px; margin: var(--inline)">x</p>',
        '<link rel="stylesheet" href="a.css"><script src="app.js"></script>',
      ),
      'a.css': [
        '.a { color: var(--undefined-with-fallback, red); }',
        '.b { color: var(--outer, var(--inner-unknown)); --outer: blue; }',
        '@property --progress { syntax: "<number>"; inherits: true; initial-value: 0 }',
        '.c { width: calc(var(--progress) * 1%); border-width: var(--inline); }',
        '.d { translate: var(--from-js) var(--from-css-text); }',
      ].join('\n'),
      'b.css': ':root { --shared: 1 }\n',
      'app.js':
        "document.documentElement.style.setProperty('--from-js', '2px')\ndocument.body.style.cssText = '--from-css-text: 3px'\n",
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'a.css', '\n.e { color: var(--nowhere) }', 'undefined-css-variable')
  })
})

describe('stylesheets from other origins', () => {
  const files: Record<string, string> = {
    'index.html': page(
      '<p class="text-muted" style="color: var(--bs-secondary)">x</p>',
      '<link rel="stylesheet" href="https://cdn.example.com/bootstrap.min.css">\n<link rel="stylesheet" href="css/site.css">',
    ),
    'css/site.css': '@import "parts.css";\n.lead { color: var(--bs-primary) }\n',
    'css/parts.css': '.card { border-color: var(--bs-border-color) }\n',
    'other.html': page('<p>x</p>', '<link rel="stylesheet" href="css/own.css">'),
    'css/own.css': '.own { color: var(--own-undefined) }\n',
  }

  it('do not judge var() in sheets applied to a page that loads one; others still are', () => {
    expect(only(check(files), 'undefined-css-variable')).toEqual(['css/own.css:1:15'])
  })

  it('an @import from another origin counts too', () => {
    const f = check({
      ...files,
      'css/own.css': '@import url("https://fonts.example.com/vars.css");\n.own { color: var(--from-cdn) }\n',
    })
    expect(only(f, 'undefined-css-variable')).toEqual([])
  })
})

describe('markup outside HTML elements', () => {
  it('reads ids and classes from JSX blocks and client templates; skips Vite %ENV% URLs', () => {
    const files: Record<string, string> = {
      'index.html': page(
        '<div id="root"></div>\n<script type="text/babel">\n' +
          'function App() { return <main id="app-main" className="shell wide">hi</main> }\n</script>\n' +
          '<a href="#app-main">skip</a>\n<link rel="icon" href="%BASE_URL%favicon.svg">',
        '<script src="app.js" defer></script>',
      ),
      'app.js': "document.getElementById('app-main'); document.querySelector('.shell.wide')\n",
    }
    expect(check(files)).toEqual([])
    expectControl(files, 'app.js', "document.querySelector('.narrow')", 'missing-class')
  })
})

describe('unknown-css-property', () => {
  it('reports typos with a suggestion', () => {
    const f = check({ 'a.css': '.a {\n  colr: red;\n  backgrond-color: blue;\n}\n' })
    expect(only(f, 'unknown-css-property')).toEqual(['a.css:2:3', 'a.css:3:3'])
    expect(f.map((x) => x.message)).toEqual([
      expect.stringContaining('"color"'),
      expect.stringContaining('"background-color"'),
    ])
  })

  it('accepts custom, vendor-prefixed, hacks, descriptors and any case', () => {
    const files: Record<string, string> = {
      'a.css': [
        '.a { --anything-goes: 1; -webkit-line-clamp: 2; -moz-osx-font-smoothing: grayscale; *zoom: 1; _height: 1px; COLOR: red; }',
        '@font-face { font-family: X; src: url(x.woff2) format("woff2"); font-display: swap; unicode-range: U+0000-00FF; }',
        '@page { size: A4; margin: 1cm; }',
        '@counter-style thumbs { system: cyclic; symbols: "👍"; suffix: " "; }',
      ].join('\n'),
      'button.module.css': '.primary { composes: base from "./base.module.css"; color: red }\n',
      'x.woff2': '',
    }
    const f = check(files)
    expect(f).toEqual([])
    expectControl(files, 'a.css', '\n.e { colour: red }', 'unknown-css-property')
  })
})

describe('checkFiles', () => {
  it('returns findings sorted and restricted to `only` files', () => {
    const files = new Map(
      Object.entries({
        'b.css': '.a { colr: red }\n',
        'a.css': '.a { colr: red }\n.b { colr: red }\n',
      }),
    )
    const all = checkFiles(files)
    expect(all.map((f) => `${f.file}:${f.line}`)).toEqual(['a.css:1', 'a.css:2', 'b.css:1'])
    expect(checkFiles(files, { only: ['b.css'] }).map((f) => f.file)).toEqual(['b.css'])
  })

  it('reports a script run both as classic and as module once per finding', () => {
    const f = check({
      'a.html': page('', '<script src="x.js"></script>'),
      'b.html': page('', '<script type="module" src="x.js"></script>'),
      'x.js': 'nope()\n',
    })
    expect(f.map((x) => `${x.rule} ${x.file}:${x.line}:${x.column}`)).toEqual(['undefined-reference x.js:1:1'])
  })
})
