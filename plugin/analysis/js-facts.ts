import type { AnyNode, Program, Node } from 'acorn'
import { simple } from 'acorn-walk'

import { patternNames } from './js-declarations.js'
import { selectorNames } from './selectors.js'
import { staticString, valueTemplates } from './js-static-values.js'
import { DYNAMIC, addNames, cssVarDefsInString, htmlStringNames } from './html-strings.js'
import type { CreatedNames } from './html-strings.js'

/**
 * What one script says about the rest of the site: the DOM it looks up, the ids, classes
 * and CSS variables it creates, the globals it publishes on `window`, its imports and
 * exports. Only literal strings count — a computed id is unknowable and never reported.
 */
export interface JsFacts {
  idLookups: Lookup[]
  classLookups: Lookup[]
  /** Ids/classes JS gives elements (`el.id = 'x'`, `classList.add`, markup in strings). */
  createdIds: Set<string>
  createdClasses: Set<string>
  /** Ids/classes built from literal text plus interpolation (`todo-${id}`), `\u0000` for the unknown part. */
  idPatterns: Set<string>
  classPatterns: Set<string>
  /** Some element gets an entirely computed id (`heading.id = slugify(text)`): any id may exist. */
  dynamicIds: boolean
  /**
   * Every identifier-like word in the script's strings except lookup arguments. A class
   * kept in a constant (`const OPEN = 'is-open'`) may be added later; precision wins.
   */
  stringTokens: Set<string>
  /** `--x` set via `style.setProperty('--x', …)` or written in a style string. */
  cssVarDefs: Set<string>
  /** Names published as globals: `window.x = …`, `Object.assign(window, { x })`. */
  windowGlobals: Set<string>
  /**
   * Names read as properties of the global object (`globalThis.Buffer ? Buffer.from(…)`,
   * `'x' in window`): the author treats them as optional globals, so a bare read of them
   * is not reported.
   */
  probedGlobals: Set<string>
  /** The script may define globals we cannot see (`window[name] =`, `document.write`, `new Function`). */
  opaque: boolean
  /** Reads `location.hash` or listens for `hashchange`: fragments may be routes, not ids. */
  readsHash: boolean
  /** Calls `history.pushState`/`replaceState`: the page may route its own links (#13). */
  pushesHistory: boolean
  /** Parses or fetches other documents (`DOMParser`, `fetch`, iframes): lookups may target them. */
  readsOtherDocuments: boolean
  imports: ImportRef[]
  /** Names this module exports (`default` included). */
  exports: Set<string>
  /** `export * from '…'` specifiers: their exports are ours too. */
  exportAllFrom: { specifier: string; start: number }[]
  /** Start offsets of identifiers that are the root of a call (`foo()`, `app.save()`). */
  callRoots: Set<number>
}

export interface Lookup {
  name: string
  /** Offset of the string argument. */
  start: number
  method: string
  /** Offset of the lookup call itself. */
  callStart: number
  /**
   * `getElementById`/`querySelector` return one element: null when missing, a likely
   * crash — unless the result is used with `?.`, which says the author expects absence.
   */
  single: boolean
}

export interface ImportRef {
  specifier: string
  /** Offset of the specifier string. */
  start: number
  /** `static`/`dynamic`/`reexport` are module imports (resolved against the script's own URL). */
  kind: 'static' | 'dynamic' | 'reexport' | 'worker' | 'worker-module-url' | 'worklet'
  /** For `worklet`: which worklet (`CSS.paintWorklet.addModule(url)` → `paint`). */
  worklet?: WorkletKind
  /** Named imports (`default` for default imports); empty for side-effect and namespace imports. */
  names: { name: string; start: number }[]
}

export type WorkletKind = 'paint' | 'audio' | 'animation' | 'layout'

const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self'])

/** `CSS.paintWorklet`, `audioContext.audioWorklet`…: `addModule(url)` loads a worklet script. */
const WORKLETS: ReadonlyMap<string, WorkletKind> = new Map([
  ['paintWorklet', 'paint'],
  ['audioWorklet', 'audio'],
  ['animationWorklet', 'animation'],
  ['layoutWorklet', 'layout'],
])

export function collectFacts(program: Program): JsFacts {
  const f: JsFacts = {
    idLookups: [],
    classLookups: [],
    createdIds: new Set(),
    createdClasses: new Set(),
    idPatterns: new Set(),
    classPatterns: new Set(),
    dynamicIds: false,
    stringTokens: new Set(),
    cssVarDefs: new Set(),
    windowGlobals: new Set(),
    probedGlobals: new Set(),
    opaque: false,
    readsHash: false,
    pushesHistory: false,
    readsOtherDocuments: false,
    imports: [],
    exports: new Set(),
    exportAllFrom: [],
    callRoots: new Set(),
  }
  const strings: { text: string; start: number }[] = []
  /** Calls whose result is only used through `?.` (start offsets of the call). */
  const optionalCalls = new Set<number>()
  const lookupArgs = new Set<number>()
  const dynamicIds = { value: false }
  const created: CreatedNames = {
    ids: f.createdIds,
    classes: f.createdClasses,
    idPatterns: f.idPatterns,
    classPatterns: f.classPatterns,
    dynamicIds,
  }
  const addIds = (expr: Parameters<typeof valueTemplates>[0]) => {
    for (const t of valueTemplates(expr)) {
      if (t.trim() === DYNAMIC) dynamicIds.value = true
      addNames(t, f.createdIds, f.idPatterns)
    }
  }

  collectModuleSyntax(program, f)

  simple(program, {
    Literal(node) {
      if (typeof node.value === 'string') strings.push({ text: node.value, start: node.start })
    },
    TemplateLiteral(node) {
      strings.push({ text: node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(DYNAMIC), start: node.start })
    },
    ImportExpression(node) {
      const spec = staticString(node.source)
      if (spec !== undefined) f.imports.push({ specifier: spec, start: node.source.start, kind: 'dynamic', names: [] })
    },
    BinaryExpression(node) {
      if (node.operator === 'in' && isGlobalObject(node.right) && node.left.type !== 'PrivateIdentifier') {
        const name = staticString(node.left)
        if (name !== undefined) f.probedGlobals.add(name)
      }
    },
    MemberExpression(node) {
      const prop = propertyName(node)
      if (prop !== undefined && isGlobalObject(node.object)) f.probedGlobals.add(prop)
      if (node.optional && node.object.type === 'CallExpression') optionalCalls.add(node.object.start)
      if (prop === 'hash' && isLocation(node.object)) f.readsHash = true
      if (prop === 'contentDocument' || prop === 'contentWindow') f.readsOtherDocuments = true
      if (prop === 'write' || prop === 'writeln') {
        if (node.object.type === 'Identifier' && node.object.name === 'document') f.opaque = true
      }
    },
    NewExpression(node) {
      const callee = node.callee
      if (callee.type !== 'Identifier') return
      if (callee.name === 'Function') f.opaque = true
      if (callee.name === 'DOMParser') f.readsOtherDocuments = true
      if (callee.name === 'Worker' || callee.name === 'SharedWorker') {
        const arg = node.arguments[0]
        const spec = arg ? staticString(arg) : undefined
        if (spec !== undefined && arg) f.imports.push({ specifier: spec, start: arg.start, kind: 'worker', names: [] })
        else if (arg && arg.type === 'NewExpression') {
          const moduleUrl = moduleRelativeUrl(arg)
          if (moduleUrl) f.imports.push({ ...moduleUrl, kind: 'worker-module-url', names: [] })
        }
      }
      recordCallRoot(callee, f)
    },
    AssignmentExpression(node) {
      const left = node.left
      if (left.type !== 'MemberExpression') return
      const prop = propertyName(left)
      if (isGlobalObject(left.object)) {
        if (prop !== undefined) f.windowGlobals.add(prop)
        else f.opaque = true
      }
      if (prop === 'id') addIds(node.right)
      else if (prop === 'className')
        for (const t of valueTemplates(node.right)) addNames(t, f.createdClasses, f.classPatterns)
    },
    CallExpression(node) {
      recordCallRoot(node.callee, f)
      const callee = node.callee
      if (callee.type === 'Identifier') {
        if (callee.name === 'Function') f.opaque = true
        if (callee.name === 'fetch') f.readsOtherDocuments = true
        if (callee.name === 'importScripts') {
          for (const a of node.arguments) {
            const spec = staticString(a)
            if (spec !== undefined) f.imports.push({ specifier: spec, start: a.start, kind: 'worker', names: [] })
          }
        }
        return
      }
      if (callee.type !== 'MemberExpression') return
      const method = propertyName(callee)
      const args = node.arguments
      const first = args[0] && args[0].type !== 'SpreadElement' ? args[0] : undefined
      const firstString = first ? staticString(first) : undefined
      switch (method) {
        case 'getElementById':
          if (firstString !== undefined && first) {
            lookupArgs.add(first.start)
            f.idLookups.push({
              name: firstString.trim(),
              start: first.start,
              callStart: node.start,
              method,
              single: true,
            })
          }
          break
        case 'querySelector':
        case 'querySelectorAll':
          if (firstString !== undefined && first) {
            lookupArgs.add(first.start)
            const names = selectorNames(firstString, 'required')
            const single = method === 'querySelector'
            for (const id of names.ids)
              f.idLookups.push({ name: id, start: first.start, callStart: node.start, method, single })
            for (const c of names.classes)
              f.classLookups.push({ name: c, start: first.start, callStart: node.start, method, single })
          }
          break
        case 'getElementsByClassName':
          if (firstString !== undefined && first) {
            lookupArgs.add(first.start)
            for (const c of firstString.split(/\s+/))
              if (c) f.classLookups.push({ name: c, start: first.start, callStart: node.start, method, single: false })
          }
          break
        case 'add':
        case 'toggle':
        case 'replace':
          if (callee.object.type === 'MemberExpression' && propertyName(callee.object) === 'classList') {
            for (const a of args) for (const t of valueTemplates(a)) addNames(t, f.createdClasses, f.classPatterns)
          }
          break
        case 'setAttribute':
          if (firstString === 'id' || firstString === 'class') {
            if (args[1] && firstString === 'id') addIds(args[1])
            else if (args[1]) for (const t of valueTemplates(args[1])) addNames(t, f.createdClasses, f.classPatterns)
          }
          break
        case 'setProperty':
          if (firstString?.startsWith('--')) f.cssVarDefs.add(firstString)
          break
        case 'pushState':
        case 'replaceState':
          if (isHistory(callee.object)) f.pushesHistory = true
          break
        case 'addModule': {
          // A worklet script runs in its own global scope (`registerPaint`, `registerProcessor`), #13.
          const worklet = workletOf(callee.object)
          if (worklet && firstString !== undefined && first)
            f.imports.push({ specifier: firstString, start: first.start, kind: 'worklet', worklet, names: [] })
          break
        }
        case 'register':
          if (
            callee.object.type === 'MemberExpression' &&
            propertyName(callee.object) === 'serviceWorker' &&
            firstString !== undefined &&
            first
          ) {
            f.imports.push({ specifier: firstString, start: first.start, kind: 'worker', names: [] })
          }
          break
        case 'addEventListener':
          if (firstString === 'hashchange') f.readsHash = true
          break
        case 'assign':
        case 'defineProperty':
        case 'defineProperties':
          if (
            callee.object.type === 'Identifier' &&
            callee.object.name === 'Object' &&
            first &&
            isGlobalObject(first)
          ) {
            const second = args[1]
            if (method === 'defineProperty') {
              const name = second ? staticString(second) : undefined
              if (name !== undefined) f.windowGlobals.add(name)
              else f.opaque = true
            } else {
              for (const src of args.slice(1)) {
                if (src.type !== 'ObjectExpression') {
                  f.opaque = true
                  continue
                }
                for (const p of src.properties) {
                  const name = p.type === 'Property' ? keyName(p.key, p.computed) : undefined
                  if (name !== undefined) f.windowGlobals.add(name)
                  else f.opaque = true
                }
              }
            }
          }
          break
        default:
          break
      }
    },
  })

  for (const l of [...f.idLookups, ...f.classLookups]) if (l.single && optionalCalls.has(l.callStart)) l.single = false
  for (const s of strings) {
    htmlStringNames(s.text, created)
    cssVarDefsInString(s.text, f.cssVarDefs)
    if (s.text === 'hashchange') f.readsHash = true
    if (lookupArgs.has(s.start)) continue
    for (const token of s.text.split(/[^\w\-\u0000\u00a0-\uffff]+/)) {
      if (token && !token.includes(DYNAMIC) && token.length <= 100) f.stringTokens.add(token)
    }
  }
  f.dynamicIds = dynamicIds.value
  return f
}

function collectModuleSyntax(program: Program, f: JsFacts): void {
  for (const s of program.body) {
    switch (s.type) {
      case 'ImportDeclaration': {
        const names: ImportRef['names'] = []
        for (const sp of s.specifiers) {
          if (sp.type === 'ImportDefaultSpecifier') names.push({ name: 'default', start: sp.start })
          else if (sp.type === 'ImportSpecifier')
            names.push({ name: moduleName(sp.imported), start: sp.imported.start })
        }
        f.imports.push({ specifier: String(s.source.value), start: s.source.start, kind: 'static', names })
        break
      }
      case 'ExportNamedDeclaration': {
        const d = s.declaration
        if (d?.type === 'VariableDeclaration') {
          for (const decl of d.declarations) for (const n of patternNames(decl.id)) f.exports.add(n)
        } else if (d && d.id) f.exports.add(d.id.name)
        for (const sp of s.specifiers) f.exports.add(moduleName(sp.exported))
        if (s.source) {
          f.imports.push({
            specifier: String(s.source.value),
            start: s.source.start,
            kind: 'reexport',
            names: s.specifiers.map((sp) => ({ name: moduleName(sp.local), start: sp.local.start })),
          })
        }
        break
      }
      case 'ExportDefaultDeclaration':
        f.exports.add('default')
        break
      case 'ExportAllDeclaration':
        if (s.exported) f.exports.add(moduleName(s.exported))
        else f.exportAllFrom.push({ specifier: String(s.source.value), start: s.source.start })
        f.imports.push({ specifier: String(s.source.value), start: s.source.start, kind: 'reexport', names: [] })
        break
      default:
        break
    }
  }
}

function moduleName(n: AnyNode): string {
  return n.type === 'Identifier' ? n.name : n.type === 'Literal' ? String(n.value) : ''
}

function propertyName(m: Extract<AnyNode, { type: 'MemberExpression' }>): string | undefined {
  return keyName(m.property, m.computed)
}

function keyName(key: AnyNode, computed: boolean): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number'))
    return String(key.value)
  if (computed && key.type === 'TemplateLiteral' && key.expressions.length === 0)
    return key.quasis[0]?.value.cooked ?? undefined
  return undefined
}

/** `history` or `window.history`. */
function isHistory(n: AnyNode): boolean {
  return n.type === 'Identifier' ? n.name === 'history' : n.type === 'MemberExpression' && propertyName(n) === 'history'
}

/** `CSS.paintWorklet` or a bare `paintWorklet` → `paint`. */
function workletOf(n: AnyNode): WorkletKind | undefined {
  const name = n.type === 'Identifier' ? n.name : n.type === 'MemberExpression' ? propertyName(n) : undefined
  return name === undefined ? undefined : WORKLETS.get(name)
}

/**
 * `window`, `self`, `globalThis` — or an expression that picks one of them, as UMD bundles
 * do: `(typeof window !== 'undefined' ? window : typeof global !== 'undefined' ? global : self).x = …`
 * (#13). Any branch naming the global object counts: in a page that branch is the one taken.
 */
function isGlobalObject(n: AnyNode): boolean {
  switch (n.type) {
    case 'Identifier':
      return GLOBAL_OBJECTS.has(n.name)
    case 'ConditionalExpression':
      return isGlobalObject(n.consequent) || isGlobalObject(n.alternate)
    case 'LogicalExpression':
      return isGlobalObject(n.left) || isGlobalObject(n.right)
    case 'SequenceExpression':
      return n.expressions.length > 0 && isGlobalObject(n.expressions[n.expressions.length - 1])
    default:
      return false
  }
}

function isLocation(n: AnyNode): boolean {
  if (n.type === 'Identifier') return n.name === 'location'
  return n.type === 'MemberExpression' && propertyName(n) === 'location'
}

function recordCallRoot(callee: AnyNode, f: JsFacts): void {
  let n: AnyNode = callee
  for (;;) {
    if (n.type === 'ChainExpression') n = n.expression
    else if (n.type === 'MemberExpression') n = n.object
    else break
  }
  if (n.type === 'Identifier') f.callRoots.add(n.start)
}

/** `new URL('./worker.js', import.meta.url)`: resolved against the module, not the page. */
function moduleRelativeUrl(
  n: Extract<AnyNode, { type: 'NewExpression' }>,
): { specifier: string; start: number } | undefined {
  if (n.callee.type !== 'Identifier' || n.callee.name !== 'URL') return undefined
  const [a, b] = n.arguments
  if (!a || !b || b.type !== 'MemberExpression' || b.object.type !== 'MetaProperty') return undefined
  const spec = staticString(a)
  return spec === undefined ? undefined : { specifier: spec, start: (a as Node).start }
}
