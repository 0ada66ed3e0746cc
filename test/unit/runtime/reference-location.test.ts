import { describe, expect, it } from 'vitest'

import { locateReference } from '../../../plugin/check/runtime/reference-location.js'

describe('locateReference', () => {
  const page = [
    '<!doctype html>',
    '<head>',
    '  <link rel="stylesheet" href="css/missing.css">',
    '  <script src="/js/app.js?v=2"></script>',
    '</head>',
  ].join('\n')

  it('finds a path relative to the referring page', () => {
    expect(locateReference(page, 'index.html', 'css/missing.css')).toEqual({ line: 3, column: 32 })
  })

  it('finds a root-absolute path, with a query string after it', () => {
    expect(locateReference(page, 'index.html', 'js/app.js')).toEqual({ line: 4, column: 16 })
  })

  it('resolves relative to the referrer directory (a stylesheet url(), a nested page)', () => {
    const css = 'body {\n  background: url(../img/paper.png);\n}'
    expect(locateReference(css, 'css/site.css', 'img/paper.png')).toEqual({ line: 2, column: 19 })
    expect(locateReference('<img src="./pic.png">', 'blog/post.html', 'blog/pic.png')).toEqual({ line: 1, column: 11 })
  })

  it('finds percent-encoded spellings', () => {
    expect(locateReference('<img src="my%20photo.png">', 'index.html', 'my photo.png')).toEqual({ line: 1, column: 11 })
  })

  it('does not match the path inside a longer name', () => {
    expect(
      locateReference(
        '<link href="print-css/missing.css"><link href="css/missing.css.map">',
        'index.html',
        'css/missing.css',
      ),
    ).toBeUndefined()
  })

  it('is undefined when the reference is built at runtime', () => {
    expect(locateReference("fetch('data/' + name + '.json')", 'js/app.js', 'data/menu.json')).toBeUndefined()
  })
})
