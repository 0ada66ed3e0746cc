import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'

import { analyzeScopes } from '../../../plugin/analysis/js-scope.js'
import { valueTemplates } from '../../../plugin/analysis/js-static-values.js'
import { matchesPattern } from '../../../plugin/analysis/html-strings.js'
import { LineIndex } from '../../../plugin/diagnostics/line-index.js'
import { selectorNames } from '../../../plugin/analysis/selectors.js'
import { classifyUrl, resolveLocal, sitePaths } from '../../../plugin/analysis/urls.js'
import { varUsesWithoutFallback } from '../../../plugin/analysis/css-sheet.js'

function unresolved(code: string, sourceType: 'script' | 'module' = 'script'): string[] {
  const program = parse(code, { ecmaVersion: 'latest', sourceType })
  return [...new Set(analyzeScopes(program).unresolvedReads.map((r) => r.name))].sort()
}

describe('scope analysis', () => {
  it('resolves every binding form and reports only free reads', () => {
    expect(
      unresolved(`
        const [a, { b: [c] = [], ...d }] = src
        function f(p = a, { q } = {}, ...r) { return p + q + r.length + arguments.length + g }
        var g = class G { static s = G; m() { return this.x } }
        for (const k in obj) k
        for (let i = 0; i < n; i++) i
        try { t } catch (err) { err } finally { fin }
        lbl: while (cond) { break lbl }
        ({ prop: val, [computed]: 1, method() {}, short })
        x.y.z; x?.[key]; new Ctor(); tag\`s\${inTpl}\`
      `),
    ).toEqual(['Ctor', 'computed', 'cond', 'fin', 'inTpl', 'key', 'n', 'obj', 'short', 'src', 't', 'tag', 'val', 'x'])
  })

  it('keeps block scopes apart and hoists var/function', () => {
    expect(unresolved('{ let inner = 1 } inner; { var hoisted = 1 } hoisted; later(); function later() {}')).toEqual([
      'inner',
    ])
  })

  it('binds imports in modules and records writes to undeclared names separately', () => {
    const program = parse(
      "import d, { a as b } from './x.js'\nimport * as ns from './y.js'\nd(b, ns)\nimplicit = 1\n",
      { ecmaVersion: 'latest', sourceType: 'module' },
    )
    const r = analyzeScopes(program)
    expect(r.unresolvedReads).toEqual([])
    expect(r.unresolvedWrites.map((w) => w.name)).toEqual(['implicit'])
    expect([...r.topLevel].sort()).toEqual(['b', 'd', 'ns'])
  })

  it('notes typeof guards, top-level this and dynamic scope', () => {
    const r = analyzeScopes(
      parse("if (typeof define === 'function') define(factory); (function (g) { g.x = 1 })(this)", {
        ecmaVersion: 'latest',
      }),
    )
    expect(r.typeofNames.has('define')).toBe(true)
    expect(r.topLevelThis).toBe(true)
    expect(analyzeScopes(parse('function f() { return this }', { ecmaVersion: 'latest' })).topLevelThis).toBe(false)
    expect(analyzeScopes(parse('eval("x")', { ecmaVersion: 'latest' })).dynamicScope).toBe(true)
  })
})

describe('selectors', () => {
  it('extracts required ids and classes, skipping :not(), attributes, lists and escapes', () => {
    expect(selectorNames('#app .card.is-open > a:hover', 'required')).toEqual({
      ids: ['app'],
      classes: ['card', 'is-open'],
    })
    expect(selectorNames('.a:not(.b) [data-x=".c"]', 'required')).toEqual({ ids: [], classes: ['a'] })
    expect(selectorNames('.a, .b', 'required')).toEqual({ ids: [], classes: [] })
    expect(selectorNames('.sm\\:flex', 'required')).toEqual({ ids: [], classes: [] })
    expect(selectorNames('.a:is(.b, #c)', 'all')).toEqual({ ids: ['c'], classes: ['a', 'b'] })
  })
})

describe('urls', () => {
  const site = sitePaths(['index.html', 'blog/index.html', 'about.html', 'public/robots.txt', 'a b.png'])
  const resolve = (url: string, from = 'index.html') => {
    const ref = classifyUrl(url, from)
    return ref.kind === 'local' ? resolveLocal(ref, site) : ref.kind
  }

  it('classifies schemes and resolves local paths like a static server', () => {
    expect(resolve('https://x.test/')).toBe('external')
    expect(resolve('//x.test/a.js')).toBe('external')
    expect(resolve('mailto:a@b.c')).toBe('external')
    expect(classifyUrl('javascript:go()', 'index.html')).toEqual({ kind: 'script', code: 'go()' })
    expect(resolve('{{ url }}')).toBe('unknown')
    expect(resolve('../up.html', 'index.html')).toBe('unknown')
    expect(resolve('blog/')).toBe('blog/index.html')
    expect(resolve('blog')).toBe('blog/index.html')
    expect(resolve('about')).toBe('about.html')
    expect(resolve('/about.html?x#y', 'blog/index.html')).toBe('about.html')
    expect(resolve('../', 'blog/index.html')).toBe('index.html')
    expect(resolve('./')).toBe('index.html')
    expect(resolve('/robots.txt')).toBe('public/robots.txt')
    expect(resolve('a%20b.png')).toBe('a b.png')
    expect(resolve('missing/')).toBeUndefined()
  })
})

describe('small helpers', () => {
  it('maps offsets to 1-based lines and columns (LF, CRLF, CR)', () => {
    const li = new LineIndex('ab\r\ncd\ref\ngh')
    expect([0, 1, 4, 7, 10].map((o) => li.position(o))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ])
    expect(li.offset(3, 2)).toBe(8)
  })

  it('enumerates the strings an expression may produce', () => {
    const expr = (code: string) =>
      (
        parse(code, { ecmaVersion: 'latest' }).body[0] as unknown as {
          expression: Parameters<typeof valueTemplates>[0]
        }
      ).expression
    expect(valueTemplates(expr('`todo ${done ? "done" : ""}`'))).toEqual(['todo done', 'todo '])
    expect(valueTemplates(expr('"item-" + id'))).toEqual(['item-\u0000'])
    expect(matchesPattern('item-3', 'item-\u0000')).toBe(true)
    expect(matchesPattern('items', 'item-\u0000')).toBe(false)
  })

  it('finds var() without fallback, skipping fallbacks', () => {
    expect(varUsesWithoutFallback('calc(var(--a) + var(--b, var(--c)) + var( --d ))').map((u) => u.name)).toEqual([
      '--a',
      '--d',
    ])
  })
})
