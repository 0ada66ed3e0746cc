import * as acorn from 'acorn'
import * as walk from 'acorn-walk'
import fc from 'fast-check'
import postcss from 'postcss'

/**
 * fast-check arbitraries of valid replacements for a located chunk: the structure the
 * chunk's kind requires (an element with its own start tag, a rule with its selector, a
 * function with its signature) filled with random but valid content. The structure is
 * read from the chunk text with the real parsers (parse5 is exercised by the code under
 * test; here acorn/postcss find bodies), never from the editor's own internals.
 */

// ---------- shared text ----------

const WORDS = [
  'coffee',
  'roast',
  'Pier 7',
  'café',
  'naïve',
  '☕',
  '😀',
  'x',
  'fresh & hot',
  'a > b',
  "it's",
  '"quoted"',
  'tab\there',
  '½ kg',
]

const word = fc.constantFrom(...WORDS)
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '))

/** Text safe inside HTML (escaped). */
const htmlText = words.map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))

// ---------- HTML ----------

const phrasing: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      htmlText,
      htmlText.map((t) => `<strong>${t}</strong>`),
      htmlText.map((t) => `<em class="fc">${t}</em>`),
      htmlText.map((t) => `<span data-n="${t.length}">${t}</span>`),
      htmlText.map((t) => `<code>${t}</code>`),
      fc.constant('<br>'),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''))

const flow: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      phrasing.map((p) => `<p>${p}</p>`),
      phrasing.map((p) => `<div class="fc-box">\n  <p>${p}</p>\n</div>`),
      fc
        .array(phrasing, { minLength: 1, maxLength: 3 })
        .map((items) => `<ul>\n${items.map((i) => `  <li>${i}</li>`).join('\n')}\n</ul>`),
      phrasing.map((p) => `<h3>${p}</h3>`),
      htmlText.map((t) => `<a href="#fc">${t}</a>`),
      fc.constant('<img src="img/fc.png" alt="">'),
      fc.constant('<!-- a real comment, not a placeholder -->'),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((parts) => parts.join('\n'))

const PHRASING_ONLY = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'span',
  'a',
  'button',
  'label',
  'output',
  'strong',
  'em',
  'summary',
  'legend',
  'caption',
  'th',
  'td',
  'dt',
  'code',
  'time',
  'cite',
  'small',
])
const TEXT_ONLY = new Set(['title', 'textarea', 'option', 'noscript'])
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
])

function innerFor(tag: string, attrs: string): fc.Arbitrary<string> {
  if (PHRASING_ONLY.has(tag)) return phrasing
  if (TEXT_ONLY.has(tag)) return htmlText
  if (tag === 'ul' || tag === 'ol')
    return fc.array(phrasing, { minLength: 1, maxLength: 4 }).map((xs) => xs.map((x) => `<li>${x}</li>`).join('\n'))
  if (tag === 'select')
    return fc
      .array(htmlText, { minLength: 1, maxLength: 4 })
      .map((xs) => xs.map((x, i) => `<option value="${i}">${x}</option>`).join('\n'))
  if (tag === 'dl')
    return fc
      .array(fc.tuple(phrasing, phrasing), { minLength: 1, maxLength: 3 })
      .map((xs) => xs.map(([t, d]) => `<dt>${t}</dt><dd>${d}</dd>`).join('\n'))
  if (tag === 'table')
    return fc
      .array(phrasing, { minLength: 1, maxLength: 3 })
      .map((xs) => `<tbody>\n${xs.map((x) => `  <tr><td>${x}</td></tr>`).join('\n')}\n</tbody>`)
  if (tag === 'head')
    return htmlText.map((t) => `<meta charset="utf-8">\n<title>${t}</title>\n<link rel="stylesheet" href="css/fc.css">`)
  if (tag === 'style') return cssRules('fcs')
  if (tag === 'script') {
    if (/src=/.test(attrs)) return fc.constant('')
    if (/type="application\/ld\+json"/.test(attrs))
      return words.map((w) => JSON.stringify({ '@type': 'Thing', name: w }))
    return jsStatements('')
  }
  return flow
}

/** A replacement for an HTML chunk: its own start tag and end tag around random content (or the content alone for head/body). */
export function htmlReplacement(text: string, kind: string): fc.Arbitrary<string> {
  const open = /^<([a-zA-Z][\w-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/.exec(text)
  if (!open) throw new Error(`not an element: ${text.slice(0, 40)}`)
  const tag = open[1].toLowerCase()
  if (VOID.has(tag))
    return fc.nat(999).map((n) => open[0].replace(new RegExp(`^<${open[1]}`), `<${open[1]} data-fc="${n}"`))
  const inner = innerFor(tag, open[0])
  const close = `</${open[1]}>`
  return fc.tuple(inner, fc.boolean(), fc.constantFrom('', '  ', '\t')).map(([content, contentOnly, pad]) => {
    if (contentOnly && (kind === 'head' || kind === 'body')) return content
    const body =
      content === ''
        ? ''
        : '\n' +
          content
            .split('\n')
            .map((l) => pad + '  ' + l)
            .join('\n') +
          '\n' +
          pad
    return `${open[0]}${body}${close}`
  })
}

// ---------- CSS ----------

const DECLS: Array<[string, string]> = [
  ['color', 'red'],
  ['margin', '0 auto'],
  ['padding', 'var(--space-2, 4px) 1rem'],
  ['display', 'grid'],
  ['background', 'url("img/a b.png") no-repeat center / cover'],
  ['content', '"}{; /* not a comment */"'],
  ['grid-template-areas', '"a b" "c d"'],
  ['font-family', '"Fraunces", Georgia, serif'],
  ['width', 'calc(100% - 2 * var(--space-1))'],
  ['transition', 'opacity 0.2s ease, transform 0.2s ease'],
  ['--fc-accent', '#c0ffee'],
  ['border', '1px solid color-mix(in srgb, red 40%, transparent)'],
]

const decls: fc.Arbitrary<string> = fc
  .uniqueArray(fc.constantFrom(...DECLS), { minLength: 1, maxLength: 5, selector: (d) => d[0] })
  .map((ds) => ds.map(([p, v]) => `${p}: ${v};`).join('\n'))

/** Rules with selectors unique to this replacement (`.prefix-i`), so no other chunk is repeated. */
export function cssRules(prefix: string): fc.Arbitrary<string> {
  return fc
    .array(decls, { minLength: 1, maxLength: 3 })
    .map((bodies) => bodies.map((b, i) => `.${prefix}-${i} {\n${indent(b, '  ')}\n}`).join('\n\n'))
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n')
}

/** A replacement for a CSS chunk of the given kind, keeping its selector/prelude. */
export function cssReplacement(text: string, kind: string, prefix = 'fc'): fc.Arbitrary<string> {
  const node = postcss.parse(text).first!
  if (kind === 'declaration') return decls.map((d) => d.split('\n')[0])
  const brace = text.indexOf('{')
  if (node.type === 'atrule') {
    if (brace === -1) return fc.constant(node.name === 'import' ? `@import url("${prefix}.css");` : text)
    const head = text.slice(0, brace).trimEnd()
    if (/keyframes$/i.test(node.name)) {
      return fc
        .uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 })
        .map((ps) => `${head} {\n${ps.map((p) => `  ${p}% { opacity: ${p / 100}; }`).join('\n')}\n}`)
    }
    if (node.name === 'font-face') return decls.map((d) => `${head} {\n${indent(d, '  ')}\n}`)
    return fc
      .tuple(cssRules(prefix), fc.boolean())
      .map(([rules, contentOnly]) => (contentOnly ? rules : `${head} {\n${indent(rules, '  ')}\n}`))
  }
  const head = text.slice(0, brace).trimEnd()
  return fc.tuple(decls, fc.boolean()).map(([d, contentOnly]) => (contentOnly ? d : `${head} {\n${indent(d, '  ')}\n}`))
}

// ---------- JS ----------

const jsExpr: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  words.map((w) => JSON.stringify(w)),
  words.map((w) => '`' + w.replace(/[`\\$]/g, '') + ' ${1 + 2}`'),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
  words.map((w) => `{ label: ${JSON.stringify(w)}, n: 1 }`),
  fc.constant('(a) => a + 1'),
  fc.constant('/ab+c/i'),
  fc.constant('null'),
)

/** Statements valid inside any function body; names carry a prefix so they shadow nothing. */
export function jsStatements(prefix: string): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        jsExpr.map((e) => `const NAME = ${e};`),
        jsExpr.map((e) => `console.log(${e});`),
        fc.tuple(jsExpr, jsExpr).map(([a, b]) => `if (${a}) {\n  console.log(${b});\n}`),
        jsExpr.map((e) => `for (const item of [${e}]) {\n  console.log(item);\n}`),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((stmts) => stmts.map((s, i) => s.replace('NAME', `${prefix}v${i}`)).join('\n'))
}

/**
 * Parse a member (method, field, object property) the way it can stand alone. Private
 * names it uses are declared in the stand-in class, unless the member is that field.
 */
function parseMember(text: string, inClass: boolean): { program: acorn.Program; offset: number } {
  const privates = [...new Set(text.match(/#[A-Za-z_$][\w$]*/g) ?? [])].filter(
    (p) => !text.startsWith(p) && !text.startsWith('static ' + p),
  )
  const head = inClass ? `(class {\n${privates.map((p) => p + ';').join('')}` : '({\n'
  const wrapped = `${head}${text}\n})`
  return { program: acorn.parse(wrapped, { ecmaVersion: 'latest', sourceType: 'module' }), offset: head.length }
}

/**
 * A replacement for a JS chunk: the chunk text with its outermost function body (or class
 * body, or initializer) replaced by random code — same name, same signature, same export.
 */
export function jsReplacement(text: string, kind: string, mode: 'module' | 'script'): fc.Arbitrary<string> {
  let program: acorn.Program
  let offset = 0
  const member = kind === 'method' || kind === 'property'
  if (member) {
    // Class members and object properties cannot be parsed on their own; try both containers.
    let parsed: { program: acorn.Program; offset: number }
    try {
      parsed = parseMember(text, true)
    } catch {
      parsed = parseMember(text, false)
    }
    ;({ program, offset } = parsed)
  } else {
    const options = {
      ecmaVersion: 'latest',
      sourceType: mode,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    } as const
    try {
      program = acorn.parse(text, options)
    } catch {
      // A declarator from `let a = 1, b = 2` is text like `b = 2`.
      program = acorn.parse(`let ${text};`, options)
      offset = 4
    }
  }
  type Span = { start: number; end: number; kind: 'block' | 'class' | 'expr' }
  const outermost = (spans: Span[]): Span | undefined => spans.sort((a, b) => a.start - b.start || b.end - a.end)[0]
  const blocks: Span[] = []
  const arrowBodies: Span[] = []
  const values: Span[] = []
  let classBody: Span | undefined
  walk.full(program, (node) => {
    if (node.type === 'ClassBody' && (!classBody || node.start < classBody.start))
      classBody = { start: node.start + 1, end: node.end - 1, kind: 'class' }
    if (
      node.type === 'FunctionExpression' ||
      node.type === 'FunctionDeclaration' ||
      node.type === 'ArrowFunctionExpression'
    ) {
      if (node.body.type === 'BlockStatement')
        blocks.push({ start: node.body.start + 1, end: node.body.end - 1, kind: 'block' })
      else arrowBodies.push({ start: node.body.start, end: node.body.end, kind: 'expr' })
    }
    if (node.type === 'VariableDeclarator' && node.init)
      values.push({ start: node.init.start, end: node.init.end, kind: 'expr' })
    if (node.type === 'PropertyDefinition' && node.value)
      values.push({ start: node.value.start, end: node.value.end, kind: 'expr' })
    if (node.type === 'AssignmentExpression')
      values.push({ start: node.right.start, end: node.right.end, kind: 'expr' })
    if (node.type === 'Property' && !node.shorthand)
      values.push({ start: node.value.start, end: node.value.end, kind: 'expr' })
  })
  const target = kind === 'class' ? classBody : (outermost(blocks) ?? outermost(arrowBodies) ?? outermost(values))
  if (!target) return fc.constant(text)
  const { start, end } = { start: target.start - offset, end: target.end - offset }
  const before = text.slice(0, start)
  const after = text.slice(end)
  if (target.kind === 'expr') return jsExpr.map((e) => before + e + after)
  if (target.kind === 'class')
    return jsStatements('m').map((body) => `${before}\n  method0() {\n${indent(body, '    ')}\n  }\n${after}`)
  return jsStatements('fc_').map((body) => `${before}\n${indent(body, '  ')}\n${after}`)
}
