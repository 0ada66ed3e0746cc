/**
 * external-resource (#10): a generated file that makes the browser load from, or send the
 * visitor to, another origin is an error; links, hints, allowed origins and files a person
 * wrote are not judged.
 */
import { describe, expect, it } from 'vitest'

import { checkFiles } from '../../../plugin/check/index.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { resolveOptions, type SitesmithOptions } from '../../../plugin/options.js'

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="30; url=https://evil.example/next">
  <title>Shop</title>
  <link rel="preconnect" href="https://fonts.gstatic.com">
  <link rel="stylesheet" href="https://cdn.example.net/kit.css">
  <link rel="canonical" href="https://shop.example/">
  <script src="//cdn.example.net/track.js"></script>
  <link rel="stylesheet" href="css/site.css">
</head>
<body>
  <a href="https://elsewhere.example/">a plain link is fine</a>
  <img src="https://pixel.example/p.gif?u=1" alt="" width="1" height="1">
  <iframe src="https://ads.example/frame" title="ad"></iframe>
  <form action="https://collect.example/post"><button type="submit">Send</button></form>
  <script type="module">import { x } from 'https://esm.example/x.js'; console.log(x)</script>
</body>
</html>
`
const CSS = `@import url("https://fonts.googleapis.com/css2?family=Inter");
@font-face { font-family: X; src: url(https://fonts.gstatic.com/x.woff2) format('woff2'); }
body { background: url(img/bg.png); }
`
const files = new Map([
  ['index.html', PAGE],
  ['css/site.css', CSS],
])
const rulesOf = (findings: Finding[]) => findings.filter((f) => f.rule === 'external-resource')

describe('external-resource', () => {
  it('reports every load from another origin in generated files, at the URL', () => {
    const found = rulesOf(
      checkFiles(files, {
        otherPaths: ['img/bg.png'],
        generated: { generated: new Set(files.keys()), allowOrigins: [] },
      }),
    )
    const urls = found.map((f) => /"([^"]+)" loads/.exec(f.message)?.[1]).sort()
    expect(urls).toEqual(
      [
        '//cdn.example.net/track.js',
        'https://cdn.example.net/kit.css',
        'https://ads.example/frame',
        'https://collect.example/post',
        'https://esm.example/x.js',
        'https://evil.example/next',
        'https://fonts.googleapis.com/css2?family=Inter',
        'https://fonts.gstatic.com/x.woff2',
        'https://pixel.example/p.gif?u=1',
      ].sort(),
    )
    for (const f of found) expect(f).toMatchObject({ severity: 'error' })
    const pixel = found.find((f) => f.message.includes('pixel.example'))!
    expect(PAGE.split('\n')[pixel.line - 1]).toContain('https://pixel.example/p.gif')
  })

  it('allowed origins are not reported', () => {
    const found = rulesOf(
      checkFiles(files, {
        otherPaths: ['img/bg.png'],
        generated: {
          generated: new Set(files.keys()),
          allowOrigins: ['https://fonts.googleapis.com', 'https://fonts.gstatic.com/'],
        },
      }),
    )
    expect(found.some((f) => /fonts\.g/.test(f.message))).toBe(false)
    expect(found.length).toBe(7)
  })

  it("judges only generated files: a person's own page, or a folder with no tracker, gets none", () => {
    expect(
      rulesOf(
        checkFiles(files, {
          otherPaths: ['img/bg.png'],
          generated: { generated: new Set(['css/site.css']), allowOrigins: [] },
        }),
      ).every((f) => f.file === 'css/site.css'),
    ).toBe(true)
    expect(rulesOf(checkFiles(files, { otherPaths: ['img/bg.png'] }))).toEqual([])
  })

  it('the check.allowOrigins option is a list: a lone string from a JavaScript config is refused, not split', () => {
    const root = process.cwd()
    const origins = ['https://fonts.googleapis.com']
    expect(resolveOptions({ check: { allowOrigins: origins } }, { root }).check.allowOrigins).toEqual(origins)
    const lone = { check: { allowOrigins: 'https://fonts.googleapis.com' } } as unknown as SitesmithOptions
    expect(() => resolveOptions(lone, { root })).toThrow(/option "check.allowOrigins": must be an array/)
  })
})
