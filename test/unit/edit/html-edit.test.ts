import { parse } from 'parse5'
import { describe, expect, it } from 'vitest'

import { applyChunkEdit, listTargets, locateChunk } from '../../../plugin/edit/index.js'
import { applied, fixture, regionOf, rejected } from './assertions.js'

const PAGE = 'landing.html'
const page = fixture(PAGE)
const head = page.slice(0, page.indexOf('<body'))

function located(
  target: string,
  source = page,
  path = PAGE,
): { start: number; end: number; text: string; kind: string } {
  const r = locateChunk(path, source, target)
  if (!r.ok) throw new Error(r.reason)
  return r
}

describe('the seed case: updating only <body> never duplicates <head>', () => {
  const body = located('body')

  it('replaces the whole <body> element and leaves the head byte for byte', () => {
    const next = applied(
      applyChunkEdit(
        PAGE,
        page,
        'body',
        '<body class="page-home">\n  <main id="main">\n    <h1>Closed for the holidays</h1>\n  </main>\n</body>',
      ),
    )
    const region = regionOf(page, next, body.start, body.end)
    expect(next.startsWith(head)).toBe(true)
    expect(region).toBe(
      '<body class="page-home">\n  <main id="main">\n    <h1>Closed for the holidays</h1>\n  </main>\n</body>',
    )
    expect(next.match(/<head>/g)).toHaveLength(1)
    expect(next.match(/<title>/g)).toHaveLength(1)
  })

  it('takes content without a <body> tag as the new content and keeps the original <body …> tags', () => {
    const next = applied(applyChunkEdit(PAGE, page, 'body', '<main id="main">\n  <h1>Back soon</h1>\n</main>'))
    const region = regionOf(page, next, body.start, body.end)
    expect(region).toBe('<body class="page-home">\n  <main id="main">\n    <h1>Back soon</h1>\n  </main>\n</body>')
  })

  it.each([
    [
      'a whole document',
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>X</title>\n</head>\n<body>\n  <p>Hi</p>\n</body>\n</html>',
      '<!DOCTYPE>',
    ],
    [
      'the head before the body',
      '<head>\n  <title>Harbor Light</title>\n</head>\n<body>\n  <p>Hi</p>\n</body>',
      '<head>',
    ],
    ['an <html> wrapper', '<html lang="en"><body><p>Hi</p></body></html>', '<html>'],
    ['a second <body>', '<body><p>Hi</p></body>\n<body><p>again</p></body>', '<body>'],
    ['a <body> inside content', '<p>Hi</p>\n<body class="x"><p>nested</p></body>', '<body>'],
    ['a closing </head> in content', '<p>Hi</p></head>', '</head>'],
  ])('rejects a body replacement that contains %s', (_what, replacement, tag) => {
    const reason = rejected(applyChunkEdit(PAGE, page, 'body', replacement), 'head-duplication')
    expect(reason).toContain(tag)
    expect(reason).toContain('`body`')
    expect(reason).toMatch(/must not repeat the <head>/)
  })

  it('rejects head-only elements and reloading what <head> already loads, inside any body-side chunk', () => {
    expect(
      rejected(
        applyChunkEdit(PAGE, page, 'body', '<main id="main">\n  <title>Harbor Light</title>\n  <p>x</p>\n</main>'),
        'head-duplication',
      ),
    ).toMatch(/<title> belongs in <head>/)
    expect(
      rejected(
        applyChunkEdit(PAGE, page, '#about', '<section id="about"><meta charset="utf-8"><p>x</p></section>'),
        'head-duplication',
      ),
    ).toMatch(/<meta> belongs in <head>/)
    expect(
      rejected(
        applyChunkEdit(
          PAGE,
          page,
          'body',
          '<link rel="stylesheet" href="css/styles.css">\n<main id="main"><p>x</p></main>',
        ),
        'head-duplication',
      ),
    ).toMatch(/css\/styles\.css/)
    const headStyle = locateChunk(PAGE, page, 'head > style')
    if (!headStyle.ok) throw new Error(headStyle.reason)
    // A long copy is caught as a verbatim copy of another chunk, a short one as a head copy.
    expect(
      rejected(applyChunkEdit(PAGE, page, 'body', `${headStyle.text}\n<main id="main"><p>x</p></main>`), 'overreach'),
    ).toMatch(/also contains `style` \(line 10\) word for word/)
    const small =
      '<!DOCTYPE html>\n<html>\n<head>\n  <style>p { color: red; }</style>\n</head>\n<body>\n  <p>x</p>\n</body>\n</html>\n'
    expect(
      rejected(
        applyChunkEdit('small.html', small, 'body', '<style>p { color: red; }</style>\n<p>y</p>'),
        'head-duplication',
      ),
    ).toMatch(/inline <style> is a copy of one in <head>/)
  })

  it('allows a <title> inside inline SVG, which is not head content', () => {
    const svg =
      '<section id="about"><svg viewBox="0 0 10 10" role="img"><title>Map pin</title><circle cx="5" cy="5" r="4"></circle></svg></section>'
    const next = applied(applyChunkEdit(PAGE, page, '#about', svg))
    expect(next).toContain('<title>Map pin</title>')
  })

  it('rejects a <body> target on a page whose <body> tag is only implied', () => {
    const implied = '<!DOCTYPE html>\n<title>x</title>\n<p>Hi</p>\n'
    const reason = rejected(applyChunkEdit('implied.html', implied, 'body', '<p>Bye</p>'), 'target-missing')
    expect(reason).toMatch(/no <body> tag of its own/)
  })
})

describe('head', () => {
  it('replaces the head (whole element or content only) and leaves the body untouched', () => {
    const h = located('head')
    const whole = applied(
      applyChunkEdit(PAGE, page, 'head', '<head>\n  <meta charset="utf-8">\n  <title>New title</title>\n</head>'),
    )
    expect(regionOf(page, whole, h.start, h.end)).toBe(
      '<head>\n  <meta charset="utf-8">\n  <title>New title</title>\n</head>',
    )
    const inner = applied(applyChunkEdit(PAGE, page, 'head', '<meta charset="utf-8">\n<title>Only content</title>'))
    expect(regionOf(page, inner, h.start, h.end)).toBe(
      '<head>\n  <meta charset="utf-8">\n  <title>Only content</title>\n</head>',
    )
  })

  it('rejects a head replacement that brings a body along', () => {
    const reason = rejected(
      applyChunkEdit(PAGE, page, 'head', '<head><title>x</title></head>\n<body><p>x</p></body>'),
      'head-duplication',
    )
    expect(reason).toMatch(/head update must not include the body/)
  })
})

describe('element targets by selector', () => {
  it.each([
    ['#main-nav', 'nav', 'element'],
    ['main > section.hero', 'section', 'element'],
    ['footer', 'footer', 'element'],
    ['#main-nav ul', 'ul', 'element'],
    ['section:nth-of-type(2)', 'section', 'element'],
    ['#menu-grid > article:nth-of-type(3)', 'article', 'element'],
    ['article.card:nth-child(2)', 'article', 'element'],
    ['script[src="js/app.js"]', 'script', 'element'],
    ['head > style', 'style', 'element'],
    ['#menu-title + p', 'p', 'element'],
    ['#contact-title ~ address', 'address', 'element'],
  ])('locates %s', (target, tag, kind) => {
    const r = located(target)
    expect(r.kind).toBe(kind)
    expect(r.text.startsWith(`<${tag}`)).toBe(true)
    expect(r.text.endsWith(`</${tag}>`)).toBe(true)
    expect(page.slice(r.start, r.end)).toBe(r.text)
  })

  it('finds the same element whether named by id, by path or by position', () => {
    expect(located('#about').start).toBe(located('main > section:nth-of-type(2)').start)
    expect(located('#about').start).toBe(located('section.about').start)
  })

  it("replaces one element and re-indents a flush-left replacement to the element's column", () => {
    const nav = located('#main-nav')
    const next = applied(
      applyChunkEdit(
        PAGE,
        page,
        '#main-nav',
        '<nav id="main-nav" class="main-nav" aria-label="Primary">\n  <ul>\n    <li><a href="#menu">Menu</a></li>\n  </ul>\n</nav>',
      ),
    )
    expect(regionOf(page, next, nav.start, nav.end)).toBe(
      '<nav id="main-nav" class="main-nav" aria-label="Primary">\n        <ul>\n          <li><a href="#menu">Menu</a></li>\n        </ul>\n      </nav>',
    )
  })

  it("leaves a replacement written at the file's own indentation (as locateChunk shows it) as it is", () => {
    const about = located('#about')
    const asShown = about.text.replace('A roastery that started with a rowboat', 'A roastery born in a rowboat')
    const next = applied(applyChunkEdit(PAGE, page, '#about', asShown))
    expect(regionOf(page, next, about.start, about.end)).toBe(asShown)
  })

  it('edits an inline <script> like any element and checks the code inside parses', () => {
    const target = 'body > script:nth-of-type(2)'
    const script = located(target)
    const good = applied(
      applyChunkEdit(
        PAGE,
        page,
        target,
        '<script>\n  function toggleNav(button) {\n    button.classList.toggle("open");\n  }\n</script>',
      ),
    )
    expect(regionOf(page, good, script.start, script.end)).toContain('button.classList.toggle("open")')
    const reason = rejected(
      applyChunkEdit(PAGE, page, target, '<script>\n  function toggleNav(button {\n  }\n</script>'),
      'does-not-parse',
    )
    expect(reason).toMatch(/^landing\.html:\d+:\d+: .*inline script/)
    expect(reason).toContain('function toggleNav(button {')
  })

  it('checks an inline <style> the same way', () => {
    const reason = rejected(
      applyChunkEdit(PAGE, page, 'head > style', '<style>\n  .hero { color: red;\n</style>'),
      'does-not-parse',
    )
    expect(reason).toMatch(/inline style: Unclosed block/)
  })
})

describe('rejections leave the page untouched and say why', () => {
  const original = page

  it('missing target: names close matches and lists targets', () => {
    const reason = rejected(applyChunkEdit(PAGE, page, '#main-nva', '<nav id="main-nva"></nav>'), 'target-missing')
    expect(reason).toMatch(/no element matches `#main-nva`/)
    expect(reason).toMatch(/Did you mean `#main-nav`\?/)
    expect(reason).toMatch(/Available targets: `head`, .*`body`/)
    expect(page).toBe(original)
  })

  it('ambiguous target: says how many matched and suggests selectors that each name one', () => {
    const reason = rejected(applyChunkEdit(PAGE, page, 'section', '<section></section>'), 'target-ambiguous')
    expect(reason).toMatch(/matches 12 elements \(lines \d+, \d+/)
    const suggested = [...reason.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((s) => s !== 'section')
    expect(suggested.length).toBeGreaterThanOrEqual(2)
    for (const s of suggested) expect(locateChunk(PAGE, page, s).ok, s).toBe(true)
  })

  it('malformed selectors and the whole document are refused as targets', () => {
    expect(rejected(applyChunkEdit(PAGE, page, 'nav, footer', '<nav></nav>'), 'invalid-target')).toMatch(
      /selector lists/,
    )
    expect(rejected(applyChunkEdit(PAGE, page, 'p::before', '<p></p>'), 'invalid-target')).toMatch(/pseudo-elements/)
    expect(rejected(applyChunkEdit(PAGE, page, 'html', '<html></html>'), 'invalid-target')).toMatch(/whole document/)
  })

  it('a different element instead of the target', () => {
    const reason = rejected(
      applyChunkEdit(PAGE, page, '#main-nav', '<div id="main-nav"><a href="#menu">Menu</a></div>'),
      'wrong-kind',
    )
    expect(reason).toMatch(/must be the whole <nav> element/)
  })

  it('a replacement cut off before its end tag', () => {
    expect(
      rejected(
        applyChunkEdit(PAGE, page, '#main-nav', '<nav id="main-nav">\n  <ul>\n    <li>Menu</li>\n  </ul>'),
        'wrong-kind',
      ),
    ).toMatch(/must end with <\/nav>.*cut off/)
  })

  it.each([
    ['an unclosed <div>', '<nav id="main-nav"><div><a href="#menu">Menu</a></nav>', /<div> is never closed/],
    [
      'an end tag that closes the enclosing <div> early',
      '<nav id="main-nav"><ul><li>Menu</li></div></ul></nav>',
      /<nav> is never closed/,
    ],
    [
      'a stray end tag',
      '<nav id="main-nav"><ul><li>Menu</li></span></ul></nav>',
      /<\/span> does not close any open element/,
    ],
    ['a tag broken by a quote', '<nav id="main-nav"><a href="#menu"">Menu</a></nav>', /tokenizer reports `[a-z-]+`/],
    [
      'an element that closes early',
      '<nav id="main-nav"></nav><p>after</p></nav>',
      /closes before the replacement ends|does not close any open element/,
    ],
  ])('%s: does-not-parse with file:line:col and a code frame', (_what, replacement, message) => {
    const reason = rejected(applyChunkEdit(PAGE, page, '#main-nav', replacement), 'does-not-parse')
    expect(reason).toMatch(/^landing\.html:\d+:\d+: after applying the replacement for `#main-nav`/)
    expect(reason).toMatch(message)
    expect(reason).toMatch(/\n> +\d+ \|/)
  })

  it('an element whose end tag is only implied cannot be replaced on its own', () => {
    const loose =
      '<!DOCTYPE html>\n<html>\n<head><title>x</title></head>\n<body>\n<ul id="list">\n  <li id="one">one\n  <li>two\n</ul>\n</body>\n</html>\n'
    expect(rejected(applyChunkEdit('loose.html', loose, '#one', '<li id="one">uno</li>'), 'invalid-target')).toMatch(
      /no closing tag in the source.*target `#list`/,
    )
  })

  it('a replacement that repeats an id from elsewhere on the page', () => {
    const reason = rejected(
      applyChunkEdit(PAGE, page, '#main-nav', '<nav id="main-nav"><p id="faq-title">FAQ</p></nav>'),
      'overreach',
    )
    expect(reason).toMatch(/repeats `id="faq-title"`, which already exists at line \d+ outside the target/)
  })

  it('a section replacement that carries the next section along verbatim', () => {
    const about = located('#about')
    const menu = located('#menu')
    const reason = rejected(
      applyChunkEdit(PAGE, page, '#about', about.text.replace('rowboat', 'dinghy') + '\n\n' + menu.text),
      'overreach',
    )
    expect(reason).toMatch(/`#about`/)
  })
})

describe('a CRLF page', () => {
  const file = 'events.crlf.html'
  const crlf = fixture(file)

  it('stays CRLF inside the inserted region and byte-identical outside it', () => {
    const section = locateChunk(file, crlf, '#private')
    if (!section.ok) throw new Error(section.reason)
    const next = applied(
      applyChunkEdit(
        file,
        crlf,
        '#private',
        '<section id="private" class="section private">\n  <h2>Private cuppings</h2>\n  <p>Now on Saturdays too.</p>\n</section>',
      ),
    )
    const region = regionOf(crlf, next, section.start, section.end)
    expect(region).toBe(
      '<section id="private" class="section private">\r\n      <h2>Private cuppings</h2>\r\n      <p>Now on Saturdays too.</p>\r\n    </section>',
    )
    expect(next.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('lists its targets', () => {
    expect(listTargets(file, crlf)).toEqual(
      expect.arrayContaining(['head', 'body', '#main-nav', '#classes', '#private', '#site-footer']),
    )
  })
})

describe('listTargets on HTML', () => {
  it('offers head, body, landmarks and ids, each of which parses back to one element', () => {
    const targets = listTargets(PAGE, page)
    expect(targets.slice(0, 4)).toEqual(['head', 'style', 'head > script', 'body'])
    expect(targets).toEqual(
      expect.arrayContaining([
        '#site-header',
        '#main-nav',
        '#main',
        'section.hero',
        '#menu',
        '#faq',
        '#site-footer',
        'script[src="js/app.js"]',
      ]),
    )
    const doc = parse(page, { sourceCodeLocationInfo: true })
    expect(doc.childNodes.length).toBeGreaterThan(0)
    for (const t of targets) expect(locateChunk(PAGE, page, t).ok, t).toBe(true)
  })
})
