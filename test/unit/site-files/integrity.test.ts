import { describe, expect, it } from 'vitest'
import { checkEditedFile, checkFile, MAX_FILE_BYTES } from '../../../plugin/site-files/integrity.js'

const PAGE =
  '<!doctype html>\n<html lang="en">\n<head><title>x</title></head>\n<body>\n  <main><p>Hello</p></main>\n</body>\n</html>\n'

describe('checkFile (whole files a model wrote)', () => {
  it('accepts a whole page and unwraps one enclosing fence', () => {
    expect(checkFile('index.html', PAGE)).toEqual({ ok: true, content: PAGE })
    expect(checkFile('index.html', '```html\n' + PAGE + '```')).toEqual({ ok: true, content: PAGE })
    expect(checkFile('js/a.js', 'const a = 1')).toEqual({ ok: true, content: 'const a = 1\n' })
  })

  it.each([
    ['index.html', '', /empty/],
    ['index.html', '   \n\n', /empty/],
    ['index.html', PAGE.replace('</html>\n', ''), /cut off/],
    ['index.html', 'Sure! Here is your page.', /chat prose, not a file/],
    ['index.html', 'Some words about a page.', /no page content/],
    ['js/a.js', 'function a() {\n  return 1\n', /does not parse/],
    ['js/a.js', 'function a() {}\n// ... rest of the code remains the same\n', /placeholder for omitted code/],
    ['css/s.css', '.a { color: red;\n', /does not parse/],
    ['css/s.css', '.a { color: red; }\n/* ... */\n', /placeholder/],
    ['js/a.js', 'const a = "\u0000\u0001binary"', /binary or control/],
    ['js/a.js', 'const a = "form\u000cfeed and C1 \u0085"', /binary or control/],
    ['data/x.json', '{"a": 1,}', /not valid JSON/],
    ['img/x.svg', '<div></div>', /no <svg>/],
    ['index.html', 'Here you go:\n```html\n' + PAGE + '```\nEnjoy! <b>x</b>', /code fence/],
    ['index.html', '```html\n' + PAGE + '```\n```css\n.a {}\n```', /code fence/],
    ['js/big.js', `const s = "${'x'.repeat(MAX_FILE_BYTES)}"`, /over the .*byte limit/],
  ])('rejects %s %#', (path, content, reason) => {
    const r = checkFile(path, content)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(reason)
    expect(!r.ok && r.reason.startsWith(path)).toBe(true)
  })

  it('takes the one fenced file out of a few sentences of explanation (Aider-AI/aider#1223)', () => {
    expect(checkFile('index.html', 'Here you go:\n```html\n' + PAGE + '```\nEnjoy!')).toEqual({
      ok: true,
      content: PAGE,
    })
  })

  it('does not mistake prose about "the rest" for a placeholder', () => {
    expect(
      checkFile('about.html', PAGE.replace('Hello', 'The rest of the team bakes the same bread as before.')).ok,
    ).toBe(true)
  })
})

describe('checkEditedFile (after a chunk edit)', () => {
  it('keeps the bytes exactly: CRLF, BOM, no trailing newline', () => {
    const crlf = '\uFEFF' + PAGE.replace(/\n/g, '\r\n').replace(/\r\n$/, '')
    expect(checkEditedFile('index.html', crlf)).toEqual({ ok: true, content: crlf })
  })

  it('does not blame an edit for a comment that was already in the file', () => {
    expect(checkEditedFile('js/a.js', 'function a() {}\n// ...\n').ok).toBe(true)
  })

  it('still refuses a result that does not parse', () => {
    expect(checkEditedFile('css/s.css', '.a { color: red;').ok).toBe(false)
  })
})
