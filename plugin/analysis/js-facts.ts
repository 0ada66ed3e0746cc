import type { AnyNode, Program } from 'acorn'
import { simple } from 'acorn-walk'

import { selectorNames } from './selectors.js'
import { staticString, valueTemplates } from './js-static-values.js'
import { DYNAMIC, addNames, cssVarDefsInString, htmlStringNames } from './html-strings.js'
import type { CreatedNames } from './html-strings.js'
import { collectModuleSyntax } from './js-module-syntax.js'
import {
  isGlobalObject,
  isHistory,
  isLocation,
  keyName,
  moduleRelativeUrl,
  propertyName,
  workletOf,
} from './js-browser-refs.js'
import type { JsFacts } from './js-facts-types.js'

export type { ImportRef, JsFacts, Lookup, WorkletKind } from './js-facts-types.js'

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

function recordCallRoot(callee: AnyNode, f: JsFacts): void {
  let n: AnyNode = callee
  for (;;) {
    if (n.type === 'ChainExpression') n = n.expression
    else if (n.type === 'MemberExpression') n = n.object
    else break
  }
  if (n.type === 'Identifier') f.callRoots.add(n.start)
}
