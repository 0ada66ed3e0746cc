import { describe, expect, it } from 'vitest'

import { analyzePage } from '../../../plugin/analysis/html-page.js'
import { scriptSetSite } from './script-set-site.js'

/**
 * analyzePage parses without end positions (#13, scale): every offset it reports must
 * still point at the start of what it names, including text that arrives as several
 * tokens, elements closed implicitly, and attributes after nested end tags.
 */
const TRICKY = `<!doctype html><html><head><title>t</title>
<style>
  .a { color: red }   </style>
<script>
  const a = 1 < 2 && '</p>'
  function go() { return a }
</script>
</head><body>
<p>one <b>bold <i>both</b> italic</i><p id="second" onclick="go()">two
<ul><li><a href="#second">x</a><li><img src="i.png" srcset="a.png 1x,  b.png 2x" alt=""></ul>
<table><tr><td style="margin: 0">c<td><a href="x.html" onmouseover = 'go()'>y</a></table>
<template><p id="in-template">t</p></template>
<script type="module">import './m.js'
go()</script>
</body></html>`

describe('page positions', () => {
  it('point at each inline script, style, handler, link and id they name', () => {
    const pages = [TRICKY, ...[...scriptSetSite(1)].filter(([p]) => p.endsWith('.html')).map(([, t]) => t)]
    let checked = 0
    for (const source of pages) {
      const f = analyzePage(source)
      const at = (offset: number, text: string) => {
        expect(source.slice(offset, offset + text.length)).toBe(text)
        checked++
      }
      for (const s of f.scripts) {
        if ('inline' in s) at(s.inline.offset, s.inline.code)
        else at(s.offset, s.src)
      }
      for (const s of [...f.styles, ...f.styleAttrs, ...f.handlers]) at(s.offset, s.code)
      for (const l of f.links) at(l.offset, l.url)
      for (const [id, offsets] of f.ids)
        for (const o of offsets) expect(source.slice(o, o + 4 + id.length)).toMatch(/^id=/)
    }
    expect(checked).toBeGreaterThan(400)
    const tricky = analyzePage(TRICKY)
    expect(tricky.handlers.map((h) => h.code)).toEqual(['go()', 'go()'])
    expect(tricky.links.map((l) => l.url)).toEqual(['#second', 'i.png', 'a.png', 'b.png', 'x.html'])
    expect([...tricky.ids.keys()]).toEqual(['second'])
    expect([...tricky.templateIds]).toEqual(['in-template'])
  })
})
