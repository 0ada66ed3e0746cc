import postcss from 'postcss'
import type { AtRule, ChildNode, Container, Declaration, Root } from 'postcss'

import { LineIndex } from '../diagnostics/line-index.js'
import type { SyntaxProblem } from './js-script.js'
import { selectorNames } from './selectors.js'

/**
 * One stylesheet (a `.css` file, a `<style>` element or a `style=""` attribute) reduced to
 * what the rules need. Offsets are relative to the parsed text; the site model adds the
 * position of inline CSS in its page.
 */
export interface SheetFacts {
  syntaxError?: SyntaxProblem
  /** Declarations in style contexts (not `@font-face`-like descriptor blocks). */
  properties: { prop: string; offset: number }[]
  varDefs: Set<string>
  /** `var(--x)` without a fallback (and not itself inside another var's fallback). */
  varUses: { name: string; offset: number }[]
  /** `url(...)` values and `@import` targets. */
  urls: { url: string; offset: number; isImport: boolean }[]
  /** Ids and classes the selectors style (the interface a stylesheet offers). */
  ids: Set<string>
  classes: Set<string>
}

/** At-rules whose blocks hold descriptors, not properties: `src`, `syntax`, `size`, … */
const DESCRIPTOR_AT_RULES = new Set([
  'font-face',
  'property',
  'page',
  'counter-style',
  'font-palette-values',
  'font-feature-values',
  'viewport',
  'color-profile',
  'view-transition',
  'position-try',
])

export function analyzeCss(css: string, mode: 'sheet' | 'declarations'): SheetFacts {
  const facts: SheetFacts = {
    properties: [],
    varDefs: new Set(),
    varUses: [],
    urls: [],
    ids: new Set(),
    classes: new Set(),
  }
  const parsed = parseCssText(css)
  if (!parsed.ok) {
    facts.syntaxError = parsed.problem
    return facts
  }
  const root = parsed.root
  if (mode === 'declarations') {
    const stray = root.nodes.find((n) => n.type !== 'decl' && n.type !== 'comment')
    if (stray) {
      facts.syntaxError = {
        message: `a style attribute holds declarations only, found a ${stray.type === 'rule' ? 'rule' : `@${stray.name}`}`,
        offset: stray.source?.start?.offset ?? 0,
      }
      return facts
    }
  }
  walk(root, facts, TOP_LEVEL)
  return facts
}

/** What the blocks around a node make of its declarations. */
interface Context {
  /** Inside a descriptor block (`@font-face`…): declarations are not properties. */
  descriptors: boolean
  /**
   * Inside a custom function (`@function --f(--a, --b: 1) { result: … }`, CSS Mixins):
   * its parameters, defined for every `var()` in its body; `result` is its descriptor (#13).
   */
  fnParams?: ReadonlySet<string>
}

const TOP_LEVEL: Context = Object.freeze({ descriptors: false })

function walk(container: Container, facts: SheetFacts, ctx: Context): void {
  container.each((node: ChildNode) => {
    switch (node.type) {
      case 'decl':
        declaration(node, facts, ctx)
        break
      case 'rule': {
        const parent = node.parent
        const inKeyframes = parent?.type === 'atrule' && /keyframes$/i.test((parent as AtRule).name)
        if (!inKeyframes) {
          const names = selectorNames(node.selector, 'all')
          for (const id of names.ids) facts.ids.add(id)
          for (const c of names.classes) facts.classes.add(c)
        }
        walk(node, facts, ctx)
        break
      }
      case 'atrule': {
        const name = node.name.toLowerCase()
        const start = node.source?.start?.offset ?? 0
        if (name === 'import') {
          const url = importUrl(node.params)
          if (url !== undefined)
            facts.urls.push({
              url,
              offset: start + 1 + node.name.length + (node.raws.afterName?.length ?? 1),
              isImport: true,
            })
        } else if (name === 'property') {
          const m = /^\s*(--[\w-]+)/.exec(node.params)
          if (m) facts.varDefs.add(m[1])
        }
        if (!node.nodes) break
        if (name === 'function')
          walk(node, facts, { descriptors: ctx.descriptors, fnParams: functionParams(node.params) })
        else
          walk(node, facts, {
            ...ctx,
            descriptors: ctx.descriptors || DESCRIPTOR_AT_RULES.has(name.replace(/^-\w+-/, '')),
          })
        break
      }
      default:
        break
    }
  })
}

/** `--name(--a <type>, --b: 1) returns <type>` → the parameter names `--a`, `--b`. */
function functionParams(params: string): Set<string> {
  const open = params.indexOf('(')
  if (open < 0) return new Set()
  // The parameter list ends at its matching ")" (a default may hold calls: `--a: calc(1px)`).
  let depth = 0
  let close = open
  for (; close < params.length; close++) {
    if (params[close] === '(') depth++
    else if (params[close] === ')' && --depth === 0) break
  }
  return new Set(params.slice(open + 1, close).match(/--[\w-]+/g) ?? [])
}

function declaration(d: Declaration, facts: SheetFacts, ctx: Context): void {
  const start = d.source?.start?.offset ?? 0
  const before = d.raws.before ?? ''
  // IE hacks (`*zoom`, `_height`) put their marker in raws.before: intentional, not typos.
  const hack = /[*_]$/.test(before)
  const prop = d.prop
  if (prop.startsWith('--')) facts.varDefs.add(prop)
  else if (!hack && !ctx.descriptors && !(ctx.fnParams && prop.toLowerCase() === 'result'))
    facts.properties.push({ prop, offset: start })
  const valueOffset = start + (hack ? 1 : 0) + prop.length + (d.raws.between?.length ?? 1)
  const value = d.value
  if (!prop.startsWith('--')) {
    for (const use of varUsesWithoutFallback(value)) {
      if (!ctx.fnParams?.has(use.name)) facts.varUses.push({ name: use.name, offset: valueOffset + use.index })
    }
  }
  if (/url\(/i.test(value)) {
    for (const m of value.matchAll(/\burl\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)/gi)) {
      facts.urls.push({ url: m[1] ?? m[2] ?? m[3] ?? '', offset: valueOffset + (m.index ?? 0), isImport: false })
    }
  }
}

function importUrl(params: string): string | undefined {
  const m = /^\s*(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^)'"\s;]+))/i.exec(params)
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined
}

/**
 * `var(--x)` calls whose custom property has no fallback. Vars inside another var's
 * fallback are skipped: they are only read when the outer one is missing.
 */
export function varUsesWithoutFallback(value: string): { name: string; index: number }[] {
  const out: { name: string; index: number }[] = []
  const re = /\bvar\(\s*(--[\w-]+)\s*([,)])?/gi
  let from = 0
  for (;;) {
    re.lastIndex = from
    const m = re.exec(value)
    if (!m) break
    if (m[2] === ')') out.push({ name: m[1], index: m.index })
    if (m[2] === ',') {
      // Skip the fallback: continue after the matching ")".
      let depth = 1
      let i = re.lastIndex
      for (; i < value.length && depth > 0; i++) {
        if (value[i] === '(') depth++
        else if (value[i] === ')') depth--
      }
      from = i
    } else from = re.lastIndex
  }
  return out
}

/** The one postcss wrapper (#11): the root, or where and why the text does not parse. */
export function parseCssText(css: string): { ok: true; root: Root } | { ok: false; problem: SyntaxProblem } {
  try {
    return { ok: true, root: postcss.parse(css) }
  } catch (e) {
    const err = e as { reason?: string; message?: string; input?: { offset?: number }; line?: number; column?: number }
    const offset = err.input?.offset ?? new LineIndex(css).offset(err.line ?? 1, err.column ?? 1)
    return { ok: false, problem: { message: err.reason ?? String(err.message), offset } }
  }
}
