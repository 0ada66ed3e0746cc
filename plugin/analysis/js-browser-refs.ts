/**
 * Recognisers for browser objects and static property names in acorn nodes (`window`,
 * `history`, `location`, worklets, `new URL(…, import.meta.url)`). Split from js-facts.ts
 * so the fact collector reads as a list of facts, not of node-shape tests.
 */
import type { AnyNode, Node } from 'acorn'

import { staticString } from './js-static-values.js'
import type { WorkletKind } from './js-facts-types.js'

const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'self'])

/** `CSS.paintWorklet`, `audioContext.audioWorklet`…: `addModule(url)` loads a worklet script. */
const WORKLETS: ReadonlyMap<string, WorkletKind> = new Map([
  ['paintWorklet', 'paint'],
  ['audioWorklet', 'audio'],
  ['animationWorklet', 'animation'],
  ['layoutWorklet', 'layout'],
])

export function propertyName(m: Extract<AnyNode, { type: 'MemberExpression' }>): string | undefined {
  return keyName(m.property, m.computed)
}

export function keyName(key: AnyNode, computed: boolean): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number'))
    return String(key.value)
  if (computed && key.type === 'TemplateLiteral' && key.expressions.length === 0)
    return key.quasis[0]?.value.cooked ?? undefined
  return undefined
}

/** `history` or `window.history`. */
export function isHistory(n: AnyNode): boolean {
  return n.type === 'Identifier' ? n.name === 'history' : n.type === 'MemberExpression' && propertyName(n) === 'history'
}

/** `CSS.paintWorklet` or a bare `paintWorklet` → `paint`. */
export function workletOf(n: AnyNode): WorkletKind | undefined {
  const name = n.type === 'Identifier' ? n.name : n.type === 'MemberExpression' ? propertyName(n) : undefined
  return name === undefined ? undefined : WORKLETS.get(name)
}

/**
 * `window`, `self`, `globalThis` — or an expression that picks one of them, as UMD bundles
 * do: `(typeof window !== 'undefined' ? window : typeof global !== 'undefined' ? global : self).x = …`
 * (#13). Any branch naming the global object counts: in a page that branch is the one taken.
 */
export function isGlobalObject(n: AnyNode): boolean {
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

export function isLocation(n: AnyNode): boolean {
  if (n.type === 'Identifier') return n.name === 'location'
  return n.type === 'MemberExpression' && propertyName(n) === 'location'
}

/** `new URL('./worker.js', import.meta.url)`: resolved against the module, not the page. */
export function moduleRelativeUrl(
  n: Extract<AnyNode, { type: 'NewExpression' }>,
): { specifier: string; start: number } | undefined {
  if (n.callee.type !== 'Identifier' || n.callee.name !== 'URL') return undefined
  const [a, b] = n.arguments
  if (!a || !b || b.type !== 'MemberExpression' || b.object.type !== 'MetaProperty') return undefined
  const spec = staticString(a)
  return spec === undefined ? undefined : { specifier: spec, start: (a as Node).start }
}
