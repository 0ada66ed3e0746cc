import { describe, expect, it } from 'vitest'

import {
  applyChunkEdit,
  applyChunkEdits,
  deleteChunk,
  editLanguage,
  findPlaceholder,
  listChunks,
  listTargets,
  locateChunk,
  stripFences,
} from '../../../plugin/edit/index.js'
import { copiedChunks, repeatsRestOfFile } from '../../../plugin/edit/overreach.js'
import { fitIndentation } from '../../../plugin/edit/reindent.js'
import { applied, fixture, regionOf, rejected } from './assertions.js'

const PAGE = 'landing.html'
const page = fixture(PAGE)
const css = fixture('styles.css')

describe('markdown fences', () => {
  it.each([
    ['```css\n.a { color: red; }\n```', '.a { color: red; }'],
    ['```\n.a {}\n```\n', '.a {}'],
    ['  ~~~ js  \nconst a = 1\n~~~', 'const a = 1'],
    ['````html\n<p>```</p>\n````', '<p>```</p>'],
    ['no fence here', 'no fence here'],
  ])('strips one enclosing fence: %j', (input, output) => {
    expect(stripFences(input)).toBe(output)
  })

  it('strips the fence before the edit is checked, and refuses fence lines left inside', () => {
    const next = applied(applyChunkEdit('styles.css', css, '.lead', '```css\n.lead {\n  font-size: 1.3rem;\n}\n```'))
    expect(next).toContain('.lead {\n  font-size: 1.3rem;\n}')
    expect(
      rejected(
        applyChunkEdit('styles.css', css, '.lead', 'Here is the rule:\n```css\n.lead { color: red; }\n```'),
        'markdown-fence',
      ),
    ).toMatch(/line 2 of the replacement/)
  })
})

describe('lazy placeholders', () => {
  it.each([
    '// rest of the code remains the same',
    '  // ... existing code ...',
    '/* ... */',
    '<!-- ... -->',
    '<!-- rest of the page unchanged -->',
    '...',
    '  …',
    'function a() { ... }',
    '/* other styles omitted for brevity */',
    '// existing functions here',
    '<!-- same as before -->',
    '// keep existing styles unchanged',
  ])('flags %j', (text) => {
    expect(findPlaceholder(`a\n${text}\nb`)).toMatchObject({ line: 2 })
  })

  it.each([
    '// Returns the input unchanged when it is empty, which callers rely on.',
    'const all = [...items, ...more]',
    '<p>Loading...</p>',
    '// Spread the rest of the arguments into the call',
    '/* Fraunces is the display face; Inter for body text */',
    'const url = "https://example.com/rest-of-the-code"',
    '<!-- Site header: logo, primary navigation and the theme switch -->',
  ])('lets %j through', (text) => {
    expect(findPlaceholder(text)).toBeNull()
  })

  it('lets through a placeholder-looking comment the original chunk already had', () => {
    expect(findPlaceholder('a\n// ...\nb', 'x\n// ...\ny')).toBeNull()
    expect(findPlaceholder('a\n// ...\nb', 'x')).not.toBeNull()
  })
})

describe('empty, unsupported and odd inputs', () => {
  it('rejects an empty or whitespace-only replacement (deletion is deleteChunk)', () => {
    for (const empty of ['', '   \n\t', '```\n\n```']) {
      expect(rejected(applyChunkEdit(PAGE, page, '#main-nav', empty), 'empty-replacement')).toMatch(
        /is empty; send the complete new `#main-nav` chunk/,
      )
    }
    expect(rejected(applyChunkEdits(PAGE, page, []), 'empty-replacement')).toMatch(/no edits/)
  })

  it('refuses files that are not HTML, CSS or JS', () => {
    expect(editLanguage('notes.md')).toBeNull()
    expect(editLanguage('a/b/App.MJS')).toBe('js')
    expect(rejected(applyChunkEdit('notes.md', '# hi', 'x', 'y'), 'unsupported-file')).toMatch(
      /^notes\.md: chunk edits apply to \.html, \.css and \.js files only/,
    )
    expect(listTargets('notes.md', '# hi')).toEqual([])
    expect(listChunks('broken.css', 'a {')).toMatchObject({ ok: false, code: 'unparsable-source' })
  })

  it('keeps a byte-order mark and reports offsets that include it', () => {
    const bom = '\uFEFF' + '.a {\n  color: red;\n}\n\n.b {\n  color: blue;\n}\n'
    const r = locateChunk('bom.css', bom, '.b')
    expect(r).toMatchObject({ ok: true, text: '.b {\n  color: blue;\n}' })
    if (r.ok) expect(bom.slice(r.start, r.end)).toBe(r.text)
    const next = applied(applyChunkEdit('bom.css', bom, '.b', '.b { color: green; }'))
    expect(next).toBe('\uFEFF.a {\n  color: red;\n}\n\n.b { color: green; }\n')
    const html =
      '\uFEFF<!DOCTYPE html>\n<html>\n<head><title>x</title></head>\n<body>\n  <p id="p">Hi</p>\n</body>\n</html>\n'
    expect(applied(applyChunkEdit('bom.html', html, '#p', '<p id="p">Bye</p>'))).toBe(html.replace('Hi', 'Bye'))
  })
})

describe('model habits that are undone, or named', () => {
  const js = fixture('app.js')

  it('accepts a target wrapped in backticks or quotes', () => {
    expect(locateChunk(PAGE, page, '`#main-nav`')).toMatchObject({
      ok: true,
      text: expect.stringMatching(/^<nav id="main-nav"/),
    })
    expect(applied(applyChunkEdit('styles.css', css, '".lead"', '.lead { color: red; }'))).toContain(
      '.lead { color: red; }',
    )
  })

  it('drops a verbatim copy of the comment that sits right above the chunk, which stays in the file', () => {
    const theme = locateChunk('app.js', js, 'theme')
    if (!theme.ok) throw new Error(theme.reason)
    const replacement =
      "/** Theme switching: remembers the choice, follows the OS until the user picks. */\nexport const theme = {\n  current() {\n    return 'light'\n  },\n}"
    const next = applied(applyChunkEdit('app.js', js, 'theme', replacement))
    expect(next.match(/Theme switching/g)).toHaveLength(1)
    expect(regionOf(js, next, theme.start, theme.end)).toBe(
      "export const theme = {\n  current() {\n    return 'light'\n  },\n}",
    )
    // A different comment is the model's own and is kept.
    expect(
      applied(applyChunkEdit('app.js', js, 'theme', replacement.replace('Theme switching', 'Theme handling'))),
    ).toContain('/** Theme handling')
  })

  it('names a one-line answer full of literal \\n sequences (a JSON envelope escaped twice)', () => {
    const reason = rejected(
      applyChunkEdit(PAGE, page, '#main-nav', '<nav id="main-nav">\\n  <ul>\\n    <li>Menu</li>\\n  </ul>\\n</nav>'),
      'wrong-kind',
    )
    expect(reason).toMatch(/escaped twice; send the chunk with real line breaks/)
  })

  it('says that a comment before an element is not part of it', () => {
    expect(
      rejected(
        applyChunkEdit(PAGE, page, '#site-footer', '<!-- Footer -->\n<footer id="site-footer"></footer>'),
        'wrong-kind',
      ),
    ).toMatch(/a comment outside the element stays where it is/)
  })
})

describe('indentation', () => {
  it('shifts a flush-left chunk to the region indentation', () => {
    expect(fitIndentation('.a {\n  color: red;\n}', '    ')).toBe('.a {\n      color: red;\n    }')
  })
  it('leaves a chunk written the way locateChunk shows it', () => {
    expect(fitIndentation('.a {\n      color: red;\n    }', '    ')).toBe('.a {\n      color: red;\n    }')
  })
  it('moves a fully indented chunk to the region indentation', () => {
    expect(fitIndentation('        .a {\n          color: red;\n        }', '  ')).toBe('.a {\n    color: red;\n  }')
  })
  it('never touches lines indented less than the chunk (template literal or <pre> content)', () => {
    expect(fitIndentation('    const t = `\nline at column 0\n`\n    f(t)', '  ')).toBe(
      'const t = `\nline at column 0\n`\n  f(t)',
    )
  })
  it('only trims the first line when text precedes the region on its line', () => {
    expect(fitIndentation('  <b>x\n</b>', null)).toBe('<b>x\n</b>')
  })
})

describe('several edits in one call', () => {
  it('applies all of them, each located in the original', () => {
    const a = locateChunk(PAGE, page, '#hero-title')
    const b = locateChunk(PAGE, page, '#faq-title')
    if (!a.ok || !b.ok) throw new Error('fixture changed')
    const next = applied(
      applyChunkEdits(PAGE, page, [
        { target: '#faq-title', replacement: '<h2 id="faq-title">Frequently asked</h2>' },
        { target: '#hero-title', replacement: '<h1 id="hero-title">Coffee worth the trip</h1>' },
      ]),
    )
    expect(next.slice(0, a.start)).toBe(page.slice(0, a.start))
    expect(next.endsWith(page.slice(b.end))).toBe(true)
    const between = page.slice(a.end, b.start)
    expect(next).toContain(
      `<h1 id="hero-title">Coffee worth the trip</h1>${between}<h2 id="faq-title">Frequently asked</h2>`,
    )
  })

  it('rejects overlapping edits, naming both', () => {
    const reason = rejected(
      applyChunkEdits(PAGE, page, [
        { target: '#site-header', replacement: '<header id="site-header"></header>' },
        { target: '#main-nav', replacement: '<nav id="main-nav"></nav>' },
      ]),
      'overlap',
    )
    expect(reason).toMatch(
      /edits 1 \(`#site-header`\) and 2 \(`#main-nav`\) overlap; `#main-nav` lies inside `#site-header`, so fold it into that edit/,
    )
    expect(
      rejected(
        applyChunkEdits(PAGE, page, [
          { target: '#faq-title', replacement: '<h2 id="faq-title">a</h2>' },
          { target: '#faq-title', replacement: '<h2 id="faq-title">b</h2>' },
        ]),
        'overlap',
      ),
    ).toMatch(/edits 1 \(`#faq-title`\) and 2 \(`#faq-title`\) overlap; both replace the same chunk/)
  })

  it('is all or nothing: one bad edit rejects the call and says which', () => {
    const reason = rejected(
      applyChunkEdits(PAGE, page, [
        { target: '#hero-title', replacement: '<h1 id="hero-title">Fine</h1>' },
        { target: '#nowhere', replacement: '<p></p>' },
      ]),
      'target-missing',
    )
    expect(reason).toMatch(/^edit 2 of 2 \(`#nowhere`\): landing\.html: no element matches `#nowhere`/)
  })
})

describe('rewrites more than the target', () => {
  it('detects verbatim copies of other chunks', () => {
    const listed = listChunks(PAGE, page)
    if (!Array.isArray(listed)) throw new Error(listed.reason)
    const faq = listed.find((c) => c.target === '#faq')!
    const team = listed.find((c) => c.target === '#team')!
    const copies = copiedChunks(
      `<section id="faq">x</section>\n${page.slice(team.start, team.end).replace(/\n\s*/g, ' ')}`,
      page,
      faq,
      listed,
    )
    expect(copies.map((c) => c.target)).toEqual(['#team'])
  })

  it('detects a replacement that is the rest of the file, and not a large genuine expansion', () => {
    const nav = locateChunk(PAGE, page, '#main-nav')
    if (!nav.ok) throw new Error(nav.reason)
    expect(repeatsRestOfFile(page, page, nav)).not.toBeNull()
    const longNav = `<nav id="main-nav">\n${Array.from({ length: 120 }, (_, i) => `  <a href="#section-${i}">Brand new navigation entry number ${i}</a>`).join('\n')}\n</nav>`
    expect(repeatsRestOfFile(longNav, page, nav)).toBeNull()
    expect(applied(applyChunkEdit(PAGE, page, '#main-nav', longNav))).toContain('entry number 119')
  })

  it('rejects a page pasted into one element with a reason naming the target', () => {
    const body = locateChunk(PAGE, page, 'main')
    if (!body.ok) throw new Error(body.reason)
    const reason = rejected(applyChunkEdit(PAGE, page, '#hero-title', body.text), 'overreach')
    expect(reason).toMatch(
      /the replacement for `#hero-title` is \d+× the size of its target and repeats \d+% of the rest of the file/,
    )
  })
})

describe('deleteChunk', () => {
  it('removes a CSS rule with its line and an HTML element with its line', () => {
    const lead = locateChunk('styles.css', css, '.lead')
    if (!lead.ok) throw new Error(lead.reason)
    const next = applied(deleteChunk('styles.css', css, '.lead'))
    expect(next).toBe(css.slice(0, lead.start) + css.slice(lead.end + 1))
    const nav = locateChunk(PAGE, page, '#site-footer')
    if (!nav.ok) throw new Error(nav.reason)
    const lineStart = page.lastIndexOf('\n', nav.start) + 1
    expect(applied(deleteChunk(PAGE, page, '#site-footer'))).toBe(page.slice(0, lineStart) + page.slice(nav.end + 1))
  })

  it('refuses to delete head or body, and reports missing targets', () => {
    expect(rejected(deleteChunk(PAGE, page, 'body'), 'wrong-kind')).toMatch(/exactly one <head> and one <body>/)
    expect(rejected(deleteChunk('styles.css', css, '.nope'), 'target-missing')).toMatch(/`\.nope`/)
  })
})

describe('regionOf helper sanity', () => {
  it('fails when a byte outside the region changed', () => {
    expect(() => regionOf('abcdef', 'abXdef', 3, 3)).toThrow()
  })
})
