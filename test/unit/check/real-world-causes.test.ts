import { describe, expect, it } from 'vitest'

import { checkFiles } from '../../../plugin/check/index.js'

/**
 * False-positive causes found on real public sites (issue #13), each with its near miss:
 * the construct that is valid is accepted, and the same construct one step off is still
 * reported, so a fix cannot pass by switching a rule off. The clean corpus holds a whole
 * site per cause (`test/fixtures/check/clean/…`).
 */
function rules(files: Record<string, string>, otherPaths: string[] = []): string[] {
  return checkFiles(new Map(Object.entries(files)), { otherPaths }).map(
    (f) => `${f.rule} ${f.file}:${f.line} ${f.message}`,
  )
}

const page = (body: string, head = '') =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n${head}\n</head>\n<body>\n${body}\n</body>\n</html>\n`

describe('CSS custom functions (@function)', () => {
  const css = (body: string) => ({
    'index.html': page('<p class="x">x</p>', '<link rel="stylesheet" href="s.css">'),
    's.css': body,
  })

  it('accepts `result` and the parameters inside the function body, nested rules included', () => {
    expect(
      rules(
        css(
          '@function --f(--a <length>, --b: calc(1px + 2px)) returns <length> {\n  result: calc(var(--a) + var(--b));\n  @media (width < 30em) { result: var(--a); }\n}\n.x { width: --f(1px); }\n',
        ),
      ),
    ).toEqual([])
  })

  it('still reports `result` outside a function and a var() that is not a parameter', () => {
    expect(
      rules(css('@function --f(--a) {\n  result: var(--c);\n}\n.x {\n  result: 1px;\n  width: var(--a);\n}\n')),
    ).toEqual([
      'undefined-css-variable s.css:2 var(--c) has no fallback and --c is defined nowhere',
      'unknown-css-property s.css:5 "result" is not a CSS property (did you mean "rest"?)',
      'undefined-css-variable s.css:6 var(--a) has no fallback and --a is defined nowhere',
    ])
  })
})

describe('worklet scripts', () => {
  const files = {
    'index.html': page('<h1>x</h1>', '<script src="app.js"></script>'),
    'app.js': "CSS.paintWorklet.addModule('paint.js')\nnew AudioContext().audioWorklet.addModule('sound.js')\n",
    'paint.js': "registerPaint('p', class { paint(ctx) { ctx.fillRect(0, 0, devicePixelRatio, 1) } })\n",
    'sound.js': "registerProcessor('s', class extends AudioWorkletProcessor { process() { return sampleRate > 0 } })\n",
  }

  it('judges a worklet against its own globals, resolved against the page', () => {
    expect(rules(files)).toEqual([])
  })

  it('still reports window globals a worklet does not have, and a missing worklet file', () => {
    expect(rules({ ...files, 'paint.js': files['paint.js'] + 'document.title = registerProcessor\n' })).toEqual([
      'undefined-reference paint.js:2 "document" is not defined in a paint worklet (it has its own globals, not the page\'s)',
      'undefined-reference paint.js:2 "registerProcessor" is not defined',
    ])
    const { 'sound.js': _gone, ...withoutSound } = files
    expect(rules(withoutSound)).toEqual([
      'broken-link app.js:2 worklet script "sound.js" points to sound.js, which does not exist',
    ])
  })
})

describe('scripts no page loads', () => {
  const files = {
    'index.html': page(
      '<p id="out"></p>',
      '<!--[if lt IE 9]><script src="shiv.js"></script><![endif]-->\n<script src="app.js"></script>',
    ),
    'app.js': "document.getElementById('out').textContent = 'ok'\nnew Worker('worker.js')\n",
    'shiv.js': 'html5.elements.split(" ")\n',
    'server.js': 'Deno.serve(() => new Response("hi"))\n',
    'old/app.js': "document.getElementById('gone').textContent = render()\n",
    'worker.js': "importScripts('lib.js')\nonmessage = (e) => postMessage(twice(e.data))\n",
    'lib.js': 'function twice(x) { return x * 2 }\n',
  }

  it('are parsed but not judged: server files, stale copies, IE-only scripts', () => {
    expect(rules(files)).toEqual([])
    expect(rules({ ...files, 'server.js': 'Deno.serve(() => {\n' })).toEqual([
      'js-syntax server.js:2 script does not parse: Unexpected token',
    ])
  })

  it('still judges what a page, a worker or importScripts loads', () => {
    expect(rules({ ...files, 'app.js': files['app.js'] + 'render()\n' })).toEqual([
      'undefined-reference app.js:3 "render" is not defined',
    ])
    expect(rules({ ...files, 'worker.js': files['worker.js'] + 'thrice(1)\n' })).toEqual([
      'undefined-reference worker.js:3 "thrice" is not defined',
    ])
    expect(rules({ ...files, 'lib.js': files['lib.js'] + 'nowhere()\n' })).toEqual([
      'undefined-reference lib.js:2 "nowhere" is not defined',
    ])
  })
})

describe('vendor-prefixed browser globals', () => {
  const files = (code: string) => ({ 'index.html': page('<p>x</p>', '<script src="app.js"></script>'), 'app.js': code })

  it('accepts webkit*/moz*/ms*/WebKit*/MS* names as platform fallbacks', () => {
    expect(
      rules(
        files(
          'const R = window.SpeechRecognition || webkitSpeechRecognition\nconst raf = mozRequestAnimationFrame\nnew MSStream(); new WebKitCSSMatrix()\nR(raf)\n',
        ),
      ),
    ).toEqual([])
  })

  it('still reports a misspelt unprefixed name and a prefix without a capital (a plain name)', () => {
    expect(rules(files('new SpeechRecognitio()\nwebkitspeech()\n'))).toEqual([
      'undefined-reference app.js:1 "SpeechRecognitio" is not defined (did you mean "SpeechRecognition"?)',
      'undefined-reference app.js:2 "webkitspeech" is not defined',
    ])
  })
})

describe('CSS properties newer (or older) than known-css-properties', () => {
  const css = (body: string) => ({
    'index.html': page('<p class="x">x</p>', '<link rel="stylesheet" href="s.css">'),
    's.css': body,
  })

  it('accepts properties MDN lists: new, experimental and legacy', () => {
    expect(
      rules(css('.x { corner-shape: squircle; interest-delay: 1s; masonry-auto-flow: next; box-align: center; }\n')),
    ).toEqual([])
  })

  it('still reports typos and names no list has', () => {
    expect(
      rules(css('.x {\n  corner-shap: round;\n  text-colour: red;\n  transition-iteration-count: 2;\n}\n')),
    ).toEqual([
      'unknown-css-property s.css:2 "corner-shap" is not a CSS property (did you mean "corner-shape"?)',
      'unknown-css-property s.css:3 "text-colour" is not a CSS property',
      'unknown-css-property s.css:4 "transition-iteration-count" is not a CSS property',
    ])
  })
})

describe('HTML snippets (no doctype, <html>, <head> or <body>)', () => {
  const files = {
    'index.html': page('<h2 id="home">Home</h2>'),
    'nav.html': '<nav><a href="#home">h</a> <a href="#elsewhere">e</a></nav>\n',
  }

  it('do not judge their own #links: the page they are pasted into holds the ids', () => {
    expect(rules(files)).toEqual([])
  })

  it('still judge links to other pages, and full pages still judge their own #links', () => {
    expect(rules({ ...files, 'nav.html': '<a href="index.html#nope">x</a>\n' })).toEqual([
      'missing-anchor nav.html:1 <a href="index.html#nope">: index.html has no element with id (or <a name>) "nope" (did you mean "home"?)',
    ])
    expect(rules({ ...files, 'nav.html': '<body><a href="#elsewhere">e</a></body>\n' })).toEqual([
      'missing-anchor nav.html:1 <a href="#elsewhere">: this page has no element with id (or <a name>) "elsewhere"',
    ])
  })
})

describe('UMD globals assigned through an expression that picks the global object', () => {
  const files = (lib: string) => ({
    'index.html': page('<p>x</p>', '<script src="lib.js"></script><script src="app.js"></script>'),
    'lib.js': `!function (f) { ${lib} = f() }(function () { return {} })\n`,
    'app.js': 'console.log(lib)\n',
  })

  it('accepts (typeof window !== "undefined" ? window : …).x =, and (window || self).x =', () => {
    expect(
      rules(files("(typeof window !== 'undefined' ? window : typeof global !== 'undefined' ? global : this).lib")),
    ).toEqual([])
    expect(rules(files('(window || self).lib'))).toEqual([])
  })

  it('still reports when no branch is the global object', () => {
    expect(rules(files('(typeof exports !== "undefined" ? exports : {}).lib'))).toEqual([
      'undefined-reference app.js:1 "lib" is not defined',
    ])
  })
})

describe('links a history.pushState router answers', () => {
  const files = (script: string, links: string) => ({
    'index.html': page(links, '<script src="r.js"></script>'),
    'r.js': script,
  })
  const router = "document.body.onclick = (e) => { e.preventDefault(); history.pushState({}, '', e.target.href) }\n"

  it('accepts extensionless links on a page that routes with pushState', () => {
    expect(rules(files(router, '<a href="eagle">e</a> <a href="birds/owl">o</a>'))).toEqual([])
  })

  it('still reports missing files with an extension there, and routes on pages without a router', () => {
    expect(rules(files(router, '<a href="eagle.html">e</a>\n<img src="eagle.png" alt="">'))).toEqual([
      'broken-link index.html:9 <a href> "eagle.html" points to eagle.html, which does not exist',
      'broken-link index.html:10 <img src> "eagle.png" points to eagle.png, which does not exist',
    ])
    expect(rules(files('console.log(1)\n', '<a href="eagle">e</a>'))).toEqual([
      'broken-link index.html:9 <a href> "eagle" points to eagle, which does not exist',
    ])
  })
})

describe('root-relative URLs and where the site is served', () => {
  const site = {
    'index.html': page('<a href="/docs/about.html">a</a> <a href="/docs/gone.html">g</a> <a href="/blog/">b</a>'),
    'about.html': page('<p>a</p>'),
  }
  const check = (files: Record<string, string>, options: { base?: string; siteName?: string }) =>
    checkFiles(new Map(Object.entries(files)), options).map((f) => `${f.rule} ${f.file} ${f.message}`)

  it('with a base (Vite base): resolves URLs under it, leaves other sites on the origin alone', () => {
    expect(check(site, { base: '/docs/' })).toEqual([
      'broken-link index.html <a href> "/docs/gone.html" points to gone.html, which does not exist',
    ])
  })

  it('without one: a folder named like the site is a sub-path deploy; a site with an index judges the rest', () => {
    expect(check(site, { siteName: 'docs' })).toEqual([
      'broken-link index.html <a href> "/docs/gone.html" points to gone.html, which does not exist',
      'broken-link index.html <a href> "/blog/" points to blog/, which does not exist',
    ])
  })

  it('a folder without a root index.html is part of a larger deploy: its root-relative URLs are not judged', () => {
    expect(check({ 'lesson.html': page('<a href="/about">a</a> <a href="gone.html">g</a>') }, {})).toEqual([
      'broken-link lesson.html <a href> "gone.html" points to gone.html, which does not exist',
    ])
  })
})
