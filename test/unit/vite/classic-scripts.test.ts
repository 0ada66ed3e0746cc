import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse, type DefaultTreeAdapterMap } from 'parse5'
import { describe, expect, it } from 'vitest'
import { analyzePage, scriptKindOfType } from '../../../plugin/analysis/html-page.js'
import { markClassicScripts, resolveFromPage } from '../../../plugin/vite/classic-scripts.js'
import { REPO } from '../../helpers/temp-site.js'

type Node = DefaultTreeAdapterMap['node']

/** What a full HTML parse says: the `src` of every classic, local, not-ignored script. */
function classicByParse5(html: string): string[] {
  const out: string[] = []
  const walk = (n: Node) => {
    if ('tagName' in n && n.tagName === 'script') {
      const a = new Map(n.attrs.map((x) => [x.name, x.value]))
      const src = a.get('src')
      if (
        src &&
        !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(src) &&
        !a.has('vite-ignore') &&
        scriptKindOfType(a.get('type')) === 'classic'
      )
        out.push(src)
    }
    for (const c of 'childNodes' in n ? (n.childNodes as Node[]) : []) walk(c)
    if ('content' in n && n.content) walk(n.content)
  }
  walk(parse(html))
  return out
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? htmlFiles(p) : name.endsWith('.html') ? [p] : []
  })
}

const pages = [
  ...htmlFiles(join(REPO, 'test', 'fixtures')),
  ...htmlFiles(join(REPO, 'scripts', 'example-answers', 'files')),
]

describe('markClassicScripts', () => {
  it(`agrees with parse5 on every fixture page (${pages.length} pages)`, () => {
    expect(pages.length).toBeGreaterThan(30)
    for (const p of pages) {
      const html = readFileSync(p, 'utf8')
      const { html: out, scripts } = markClassicScripts(html)
      expect(
        scripts.map((s) => s.src),
        p,
      ).toEqual(classicByParse5(html))
      // After marking, parse5 sees every one of them as ignored, and only ` vite-ignore` was added.
      expect(classicByParse5(out), p).toEqual([])
      expect(out.replaceAll(' vite-ignore', ''), p).toBe(html)
    }
  })

  it('handles the awkward cases the same way a browser does', () => {
    const html = [
      '<!-- <script src="commented.js"></script> -->',
      '<script src="a.js" defer></script>',
      '<script type="module" src="m.js"></script>',
      '<script src="https://cdn.example/x.js"></script>',
      `<script>document.write('<script src="written.js"><\\/script>')</script>`,
      '<script data-x="a>b" src="b.js"></script>',
      '<script src=c.js async/>',
      '<textarea><script src="text.js"></script></textarea>',
      '<script type="text/template"><script src="tpl.js"></script></script>',
      '<SCRIPT SRC="d.js"></SCRIPT>',
    ].join('\n')
    const { html: out, scripts } = markClassicScripts(html)
    expect(scripts.map((s) => s.src)).toEqual(classicByParse5(html))
    expect(scripts.map((s) => s.src)).toEqual(['a.js', 'b.js', 'c.js', 'd.js'])
    expect(out).toContain('<script src=c.js async vite-ignore/>')
  })

  it('copies every script the checker treats as classic, and no other (#11: the lists disagreed)', () => {
    const html = [
      '<script type="application/ecmascript" src="ecma.js"></script>',
      '<script type="TEXT/JAVASCRIPT" src="upper.js"></script>',
      '<script type="text/javascript1.5" src="old.js"></script>',
      '<script type="application/x-javascript" src="x.js"></script>',
      '<script type="module" src="mod.js"></script>',
      '<script type="text/x-template" src="tpl.js"></script>',
      '<script type="application/json" src="data.json"></script>',
    ].join('\n')
    const copied = markClassicScripts(html).scripts.map((s) => s.src)
    expect(copied).toEqual(['ecma.js', 'upper.js', 'old.js', 'x.js'])
    const checked = analyzePage(html).scripts.flatMap((s) => ('src' in s && s.kind === 'classic' ? [s.src] : []))
    expect(copied).toEqual(checked)
  })
})

describe('resolveFromPage', () => {
  it.each([
    ['index.html', 'js/app.js', 'js/app.js'],
    ['blog/post.html', '../js/app.js', 'js/app.js'],
    ['blog/post.html', '/js/app.js', 'js/app.js'],
    ['blog/post.html', 'local.js?v=2#x', 'blog/local.js'],
    ['index.html', '../outside.js', null],
  ])('%s + %s → %s', (page, src, expected) => {
    expect(resolveFromPage(page, src)).toBe(expected)
  })
})

describe('resolveFromPage decodes before judging ".." (issue #10)', () => {
  it.each([
    ['index.html', 'js/%2e%2e/.env', '.env'],
    ['index.html', 'js/%252e%252e/%252e%252e/x.js', null],
    ['index.html', '%2e%2e/outside.js', null],
    ['index.html', 'js/%5c..%5cx.js', null],
    ['index.html', 'js/%00.js', null],
    ['index.html', 'js/%E0%A4%A.js', null],
  ])('%s + %s → %s', (page, src, expected) => {
    expect(resolveFromPage(page, src)).toBe(expected)
  })
})
