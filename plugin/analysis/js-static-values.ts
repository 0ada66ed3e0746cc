import type { AnyNode, Expression, SpreadElement } from 'acorn'
import { DYNAMIC } from './html-strings.js'

/**
 * What a string-valued expression can be known to hold without running it: the one literal
 * value (`staticString`), or every alternative with unknown parts marked (`valueTemplates`).
 * The checker uses them for ids, classes and URLs that scripts build from strings.
 */
/** Literal value of a string expression: `'x'`, `` `x` ``, `'a' + 'b'`. */
export function staticString(n: AnyNode | Expression | SpreadElement): string | undefined {
  if (n.type === 'Literal') return typeof n.value === 'string' ? n.value : undefined
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined
  if (n.type === 'BinaryExpression' && n.operator === '+' && n.left.type !== 'PrivateIdentifier') {
    const a = staticString(n.left)
    const b = a === undefined ? undefined : staticString(n.right)
    return a !== undefined && b !== undefined ? a + b : undefined
  }
  return undefined
}

/** More alternatives than this and an expression is treated as fully unknown. */
const MAX_TEMPLATES = 32

/**
 * The strings an expression may evaluate to, with `\u0000` for parts we cannot know:
 * `cond ? 'a' : 'b'` → [a, b]; `` `todo ${done ? 'done' : ''}` `` → [`todo done`, `todo `];
 * `'item-' + id` → [`item-\u0000`]; `name` → [`\u0000`].
 */
export function valueTemplates(n: AnyNode | Expression | SpreadElement): string[] {
  switch (n.type) {
    case 'Literal':
      return [typeof n.value === 'string' ? n.value : DYNAMIC]
    case 'TemplateLiteral': {
      let acc = [n.quasis[0]?.value.cooked ?? '']
      n.expressions.forEach((e, i) => {
        acc = combine(combine(acc, valueTemplates(e)), [n.quasis[i + 1]?.value.cooked ?? ''])
      })
      return acc
    }
    case 'ConditionalExpression':
      return limit([...valueTemplates(n.consequent), ...valueTemplates(n.alternate)])
    case 'LogicalExpression':
      return limit([...valueTemplates(n.left), ...valueTemplates(n.right)])
    case 'BinaryExpression':
      if (n.operator !== '+' || n.left.type === 'PrivateIdentifier') return [DYNAMIC]
      return combine(valueTemplates(n.left), valueTemplates(n.right))
    case 'ArrayExpression':
      return limit(n.elements.flatMap((e) => (e ? valueTemplates(e) : [])))
    case 'SpreadElement':
      return valueTemplates(n.argument)
    default:
      return [DYNAMIC]
  }
}

function combine(a: string[], b: string[]): string[] {
  if (a.length * b.length > MAX_TEMPLATES) return [DYNAMIC]
  return a.flatMap((x) => b.map((y) => x + y))
}

function limit(list: string[]): string[] {
  return list.length > MAX_TEMPLATES ? [DYNAMIC] : list
}
