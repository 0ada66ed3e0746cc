import { describe, expect, it } from 'vitest'

import { checkFiles } from '../../../plugin/check/index.js'

/**
 * False-positive causes found on real public sites (issue #13), each with its near miss:
 * the construct that is valid is accepted, and the same construct one step off is still
 * reported, so a fix cannot pass by switching a rule off. The clean corpus holds a whole
 * site per cause (`test/fixtures/check/clean/…`).
 */
function rules(files: Record<string, string>, otherPaths: string[] = []): string[] {
  return checkFiles(new Map(Object.entries(files)), { otherPaths }).map((f) => `${f.rule} ${f.file}:${f.line} ${f.message}`)
}

const page = (body: string, head = '') =>
  `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n${head}\n</head>\n<body>\n${body}\n</body>\n</html>\n`

describe('CSS custom functions (@function)', () => {
  const css = (body: string) => ({ 'index.html': page('<p class="x">x</p>', '<link rel="stylesheet" href="s.css">'), 's.css': body })

  it('accepts `result` and the parameters inside the function body, nested rules included', () => {
    expect(rules(css('@function --f(--a <length>, --b: calc(1px + 2px)) returns <length> {\n  result: calc(var(--a) + var(--b));\n  @media (width < 30em) { result: var(--a); }\n}\n.x { width: --f(1px); }\n'))).toEqual([])
  })

  it('still reports `result` outside a function and a var() that is not a parameter', () => {
    expect(rules(css('@function --f(--a) {\n  result: var(--c);\n}\n.x {\n  result: 1px;\n  width: var(--a);\n}\n'))).toEqual([
      'undefined-css-variable s.css:2 var(--c) has no fallback and --c is defined nowhere',
      'unknown-css-property s.css:5 "result" is not a CSS property (did you mean "rest"?)',
      'undefined-css-variable s.css:6 var(--a) has no fallback and --a is defined nowhere',
    ])
  })
})
