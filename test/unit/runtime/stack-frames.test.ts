import { describe, expect, it } from 'vitest'

import { locateInSite, parseStack } from '../../../plugin/check/runtime/stack-frames.js'

const origin = 'http://127.0.0.1:41177'

// Stacks as Chromium 150 reports them through Playwright's `pageerror` (recorded).
const INLINE_HANDLER = `ReferenceError: saveItem is not defined
    at HTMLButtonElement.onclick (${origin}/index.html:11:37)
    at eval (eval at evaluate (:370:30), <anonymous>:1:34)
    at UtilityScript.evaluate (<anonymous>:372:16)
    at UtilityScript.<anonymous> (<anonymous>:1:44)`

const FROM_SCRIPT = `ReferenceError: undefinedThing is not defined
    at boom (${origin}/js/app.js:15:23)
    at HTMLButtonElement.onclick (${origin}/index.html:17:35)
    at eval (eval at evaluate (:370:30), <anonymous>:1:34)`

const TOP_LEVEL = `TypeError: rejected thing
    at ${origin}/w.html:9:17`

describe('parseStack', () => {
  it('reads function, url, line and column of each frame', () => {
    expect(parseStack(FROM_SCRIPT)).toEqual([
      { fn: 'boom', url: `${origin}/js/app.js`, line: 15, column: 23 },
      { fn: 'HTMLButtonElement.onclick', url: `${origin}/index.html`, line: 17, column: 35 },
      { fn: 'eval', url: 'eval at evaluate (:370:30), <anonymous>', line: 1, column: 34 },
    ])
  })

  it('reads anonymous top-level frames and async frames', () => {
    expect(parseStack(TOP_LEVEL)).toEqual([{ url: `${origin}/w.html`, line: 9, column: 17 }])
    expect(parseStack(`Error: x\n    at async load (${origin}/m.js:2:3)`)).toEqual([
      { fn: 'load', url: `${origin}/m.js`, line: 2, column: 3 },
    ])
  })

  it('skips frames without a position and message lines that look like frames', () => {
    expect(
      parseStack('TypeError: at 1:2 is odd\n    at Array.forEach (<anonymous>)\n    at new Thing (http://h/x.js:1:2)'),
    ).toEqual([{ fn: 'new Thing', url: 'http://h/x.js', line: 1, column: 2 }])
  })

  it('returns no frames for empty or missing stacks', () => {
    expect(parseStack(undefined)).toEqual([])
    expect(parseStack('')).toEqual([])
  })
})

describe('locateInSite', () => {
  it('uses the innermost frame on the site: the script that raised the error', () => {
    expect(locateInSite(FROM_SCRIPT, origin, 'index.html')).toEqual({
      file: 'js/app.js',
      line: 15,
      column: 23,
      fn: 'boom',
    })
  })

  it('keeps the handler name of an inline handler frame so it can be refined', () => {
    expect(locateInSite(INLINE_HANDLER, origin, 'index.html')).toEqual({
      file: 'index.html',
      line: 11,
      column: 37,
      fn: 'HTMLButtonElement.onclick',
    })
  })

  it('passes over external and evaluation frames', () => {
    const stack = `TypeError: x\n    at f (https://cdn.example.com/lib.js:1:100)\n    at g (${origin}/blog/post.html:4:2)`
    expect(locateInSite(stack, origin, 'blog/post.html')).toEqual({
      file: 'blog/post.html',
      line: 4,
      column: 2,
      fn: 'g',
    })
  })

  it('falls back to the page, line 0, without a site frame', () => {
    expect(locateInSite('', origin, 'about.html')).toEqual({ file: 'about.html', line: 0, column: 0 })
    expect(locateInSite('Error: x\n    at https://cdn.example.com/a.js:1:1', origin, 'about.html')).toEqual({
      file: 'about.html',
      line: 0,
      column: 0,
    })
  })
})
