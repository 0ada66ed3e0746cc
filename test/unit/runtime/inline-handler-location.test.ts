import { describe, expect, it } from 'vitest'

import { inlineHandlerEvent, locateInlineHandler } from '../../../plugin/check/runtime/inline-handler-location.js'

// Page and stack positions recorded from Chromium 150: it positions an inline handler at
// the end of the element's start tag (first handler line shifted past the `>`). The e2e
// tests check the same mapping against a live browser.
const PAGE = [
  '<!doctype html>',
  '<html><body>',
  '<button id="a" onclick="saveItem()">a</button>',
  '<button id="b"',
  '   onclick="saveItem()"',
  '   class="y">b</button>',
  '<button id="c" onclick="var q = 1;',
  '  saveItem()">c</button>',
  '    <div><span id="d" title="x" onmouseover="nope()">d</span></div>',
  '<button id="e" onclick=oops()>e</button>',
  '</body></html>',
].join('\n')

describe('inlineHandlerEvent', () => {
  it.each([
    ['HTMLButtonElement.onclick', 'click'],
    ['HTMLFormElement.onsubmit', 'submit'],
    ['onload', 'load'],
    ['saveItem', undefined],
    ['HTMLButtonElement.<anonymous>', undefined],
    ['Object.onClickHandler', undefined],
    [undefined, undefined],
  ])('%s → %s', (fn, event) => {
    expect(inlineHandlerEvent(fn)).toBe(event)
  })
})

describe('locateInlineHandler', () => {
  it('maps a one-line handler on a one-line tag to the attribute text', () => {
    // Chromium: h.html:3:37
    expect(locateInlineHandler(PAGE, 'click', { line: 3, column: 37 })).toEqual({ line: 3, column: 25 })
  })

  it('maps a handler whose tag ends on a later line', () => {
    // Chromium: h.html:6:14 (the `>` is on line 6, the attribute on line 5)
    expect(locateInlineHandler(PAGE, 'click', { line: 6, column: 14 })).toEqual({ line: 5, column: 13 })
  })

  it('maps the second line of a multi-line handler', () => {
    // Chromium: h.html:9:3 for `saveItem()`, written on line 8: the handler's second line is
    // counted from the line of the tag's `>`, which is already line 8.
    expect(locateInlineHandler(PAGE, 'click', { line: 9, column: 3 })).toEqual({ line: 8, column: 3 })
    // No click handler explains a position before the `>` of button c on line 8.
    expect(locateInlineHandler(PAGE, 'click', { line: 8, column: 3 })).toBeUndefined()
  })

  it('maps other events and nested elements', () => {
    // Chromium: h.html:9:54
    expect(locateInlineHandler(PAGE, 'mouseover', { line: 9, column: 54 })).toEqual({ line: 9, column: 46 })
  })

  it('maps an unquoted attribute value', () => {
    const end = PAGE.split('\n')[9].indexOf('>') + 2 // column after the start tag's `>`
    expect(locateInlineHandler(PAGE, 'click', { line: 10, column: end })).toEqual({ line: 10, column: 24 })
  })

  it('is undefined when no such handler precedes the position', () => {
    expect(locateInlineHandler(PAGE, 'submit', { line: 3, column: 37 })).toBeUndefined()
    expect(locateInlineHandler(PAGE, 'click', { line: 2, column: 5 })).toBeUndefined()
  })
})
