import postcss from 'postcss'
import { describe, expect, it } from 'vitest'

import { applyChunkEdit, applyChunkEdits, listTargets, locateChunk } from '../../../plugin/edit/index.js'
import { applied, fixture, regionOf, rejected } from './assertions.js'

const FILE = 'styles.css'
const css = fixture(FILE)

function located(target: string): { start: number; end: number; text: string; kind: string } {
  const r = locateChunk(FILE, css, target)
  if (!r.ok) throw new Error(r.reason)
  return r
}

describe('CSS targets', () => {
  it.each([
    ['.card', 'rule', '.card {'],
    ['.btn-primary:hover', 'rule', '.btn-primary:hover {'],
    [':root', 'rule', ':root {'],
    ['h1,h2,  h3', 'rule', 'h1, h2, h3 {'],
    ['.nav-toggle   .bar', 'rule', '.nav-toggle .bar {'],
    ['@media (max-width:720px)', 'at-rule', '@media (max-width: 720px) {'],
    ['@keyframes fade', 'at-rule', '@keyframes fade {'],
    ['@supports not (backdrop-filter: blur(1px))', 'at-rule', '@supports not'],
    ['@import url("fonts.css")', 'at-rule', '@import url("fonts.css");'],
    ['@font-face #2', 'at-rule', '@font-face {\n  font-family: "Inter"'],
    ['@media (max-width: 720px) { .card }', 'rule', '.card {\n    padding: var(--space-3);'],
    ['@media (max-width: 720px) { .card { padding } }', 'declaration', 'padding: var(--space-3);'],
    ['.btn-primary { background }', 'declaration', 'background: var(--color-accent);'],
    ['.btn-primary {', 'rule', '.btn-primary {'],
    ['@keyframes rise { from }', 'rule', 'from {'],
    ['css:.lead', 'rule', '.lead {'],
  ])('%s → %s', (target, kind, starts) => {
    const r = located(target)
    expect(r.kind).toBe(kind)
    expect(r.text.startsWith(starts)).toBe(true)
    expect(css.slice(r.start, r.end)).toBe(r.text)
  })

  it('an unqualified selector names the top-level rule, not the one inside @media', () => {
    expect(located('.card').start).toBeLessThan(located('@media (max-width: 720px) { .card }').start)
    expect(located('.card').text).toContain('animation: rise')
  })

  it('lists rules and at-rules, nested ones as paths and repeated ones with #N, each naming one chunk', () => {
    const targets = listTargets(FILE, css)
    expect(targets).toEqual(
      expect.arrayContaining([
        '@font-face #1',
        '@font-face #2',
        ':root',
        '.card',
        '@media (max-width: 720px)',
        '@media (max-width: 720px) { .card }',
        '@keyframes rise',
      ]),
    )
    for (const t of targets) expect(locateChunk(FILE, css, t).ok, t).toBe(true)
  })
})

describe('CSS edits', () => {
  it('replaces a rule and keeps the rest byte for byte', () => {
    const card = located('.card')
    const next = applied(applyChunkEdit(FILE, css, '.card', '.card {\n  display: grid;\n  gap: var(--space-2);\n}'))
    expect(regionOf(css, next, card.start, card.end)).toBe('.card {\n  display: grid;\n  gap: var(--space-2);\n}')
    expect(() => postcss.parse(next)).not.toThrow()
  })

  it('takes bare declarations as the new body of a rule, keeping its selector', () => {
    const card = located('.btn-ghost')
    const next = applied(
      applyChunkEdit(FILE, css, '.btn-ghost', 'border-color: var(--color-accent);\ncolor: var(--color-accent);'),
    )
    expect(regionOf(css, next, card.start, card.end)).toBe(
      '.btn-ghost {\n  border-color: var(--color-accent);\n  color: var(--color-accent);\n}',
    )
  })

  it('takes rules alone as the new content of an @media block', () => {
    const media = located('@media (max-width: 900px)')
    const next = applied(
      applyChunkEdit(FILE, css, '@media (max-width: 900px)', '.footer-grid {\n  grid-template-columns: 1fr 1fr;\n}'),
    )
    expect(regionOf(css, next, media.start, media.end)).toBe(
      '@media (max-width: 900px) {\n  .footer-grid {\n    grid-template-columns: 1fr 1fr;\n  }\n}',
    )
  })

  it('replaces one declaration, adding the semicolon the original had', () => {
    const decl = located('.btn-primary { background }')
    const next = applied(applyChunkEdit(FILE, css, '.btn-primary { background }', 'background: #9a3412'))
    expect(regionOf(css, next, decl.start, decl.end)).toBe('background: #9a3412;')
  })

  it('edits a rule nested in @media and the second of two @font-face rules', () => {
    const nested = located('@media (max-width: 720px) { .card }')
    const a = applied(
      applyChunkEdit(FILE, css, '@media (max-width: 720px) { .card }', '.card {\n  padding: var(--space-2);\n}'),
    )
    expect(regionOf(css, a, nested.start, nested.end)).toBe('.card {\n    padding: var(--space-2);\n  }')
    const font = located('@font-face #2')
    const b = applied(
      applyChunkEdit(
        FILE,
        css,
        '@font-face #2',
        '@font-face {\n  font-family: "Inter";\n  src: url("../fonts/inter.woff2") format("woff2");\n}',
      ),
    )
    expect(regionOf(css, b, font.start, font.end)).toContain('inter.woff2')
  })

  it('lets a one-rule replacement fix its selector, and lets a rule bring a new sibling rule along', () => {
    const rename = applied(applyChunkEdit(FILE, css, '.btn-small', '.btn-sm {\n  padding: 0.45em 1em;\n}'))
    expect(rename).toContain('.btn-sm {')
    const extra = applied(
      applyChunkEdit(
        FILE,
        css,
        '.btn-small',
        '.btn-small {\n  padding: 0.45em 1em;\n}\n\n.btn-small.is-round {\n  border-radius: 50%;\n}',
      ),
    )
    expect(extra).toContain('.btn-small.is-round {')
  })

  it('rewrites a statement at-rule', () => {
    const next = applied(applyChunkEdit(FILE, css, '@import url("fonts.css")', '@import url("fonts-v2.css");'))
    expect(next).toContain('@import url("fonts-v2.css");\n')
  })
})

describe('CSS rejections', () => {
  it('missing: suggests near misses and the selector list a selector lives in', () => {
    expect(rejected(applyChunkEdit(FILE, css, '.crad', '.crad{}'), 'target-missing')).toMatch(
      /Did you mean `\.card`[,?]/,
    )
    const reason = rejected(applyChunkEdit(FILE, css, '*::before', '*::before{}'), 'target-missing')
    expect(reason).toMatch(/only appears inside the selector list `\*, \*::before, \*::after`; target that whole rule/)
  })

  it('ambiguous: counts matches and names each one', () => {
    const reason = rejected(applyChunkEdit(FILE, css, '@font-face', '@font-face{}'), 'target-ambiguous')
    expect(reason).toMatch(
      /matches 2 chunks \(lines \d+, \d+\); name one of them, e.g. `@font-face #1`, `@font-face #2`/,
    )
    expect(rejected(applyChunkEdit(FILE, css, '@media', '@media print{}'), 'target-ambiguous')).toMatch(
      /`@media \(max-width: 900px\)`/,
    )
  })

  it('unreadable targets', () => {
    expect(rejected(applyChunkEdit(FILE, css, '.card;', '.card{}'), 'invalid-target')).toMatch(/unexpected ";"/)
  })

  it('a result that does not parse: file:line:col and a frame', () => {
    const reason = rejected(applyChunkEdit(FILE, css, '.card', '.card {\n  display: grid;\n'), 'does-not-parse')
    expect(reason).toMatch(/^styles\.css:\d+:\d+: after the edit the stylesheet does not parse: Unclosed block/)
    expect(reason).toMatch(/\n> +\d+ \| \.card \{/)
    expect(rejected(applyChunkEdit(FILE, css, '.card', '.card { color: red; } }'), 'does-not-parse')).toMatch(
      /Unexpected \}/,
    )
  })

  it('a declaration target answered with a rule, and a rule answered with an unrelated set of rules', () => {
    expect(
      rejected(
        applyChunkEdit(FILE, css, '.btn-primary { background }', '.btn-primary { background: red; }'),
        'wrong-kind',
      ),
    ).toMatch(/declarations only/)
    const keyframes = located('@keyframes fade')
    const steps = applied(applyChunkEdit(FILE, css, '@keyframes fade', 'from { opacity: 0.2; }\nto { opacity: 1; }'))
    expect(regionOf(css, steps, keyframes.start, keyframes.end)).toBe(
      '@keyframes fade {\n  from { opacity: 0.2; }\n  to { opacity: 1; }\n}',
    )
    expect(
      rejected(
        applyChunkEdit(FILE, css, '.btn-small', '.a-new { color: red; }\n.b-new { color: blue; }'),
        'wrong-kind',
      ),
    ).toMatch(/none for `\.btn-small`/)
    expect(
      rejected(
        applyChunkEdit(FILE, css, '@keyframes fade', '.fade { opacity: 1; }\n@media print { .x { y: z; } }'),
        'wrong-kind',
      ),
    ).toMatch(/must be an @keyframes rule/)
  })

  it("a declaration edit that also sets the rule's other properties", () => {
    expect(
      rejected(applyChunkEdit(FILE, css, '.btn { cursor }', 'cursor: pointer;\nfont-weight: 700;'), 'overreach'),
    ).toMatch(/also sets `font-weight`.*edit the whole block/)
  })

  it('a rule replacement that contains the whole stylesheet', () => {
    const reason = rejected(
      applyChunkEdit(FILE, css, '.card', css.replace('display: flex;\n  flex-direction: column;', 'display: grid;')),
      'overreach',
    )
    expect(reason).toMatch(/rewrites more than `\.card`|repeats/)
  })

  it('a rule replacement that repeats another existing rule', () => {
    const reason = rejected(
      applyChunkEdit(FILE, css, '.card-title', '.card-title {\n  margin: 0;\n}\n\n.card-text {\n  color: red;\n}'),
      'overreach',
    )
    expect(reason).toMatch(/repeats `\.card-text`, which already exists at line \d+ outside the target/)
  })

  it('placeholders', () => {
    expect(
      rejected(applyChunkEdit(FILE, css, '.card', '.card {\n  display: grid;\n  /* ... */\n}'), 'placeholder'),
    ).toMatch(/`\/\* \.\.\. \*\/`/)
    expect(
      rejected(
        applyChunkEdit(FILE, css, '.card', '.card {\n  /* rest of the styles unchanged */\n  display: grid;\n}'),
        'placeholder',
      ),
    ).toMatch(/rest of the styles/)
  })

  it('two edits in one call that both add the same new rule', () => {
    const reason = rejected(
      applyChunkEdits(FILE, css, [
        { target: '.lead', replacement: '.lead {\n  color: red;\n}\n\n.lead-small {\n  font-size: 0.9rem;\n}' },
        { target: '.eyebrow', replacement: '.eyebrow {\n  color: red;\n}\n\n.lead-small {\n  font-size: 1rem;\n}' },
      ]),
      'overreach',
    )
    expect(reason).toMatch(/edit \d of 2 \(`\.(lead|eyebrow)`\) repeats `\.lead-small`/)
  })
})
