/**
 * The ids and classes a CSS selector names. Used two ways:
 *  - `required`: what must exist for `querySelector(sel)` to match — only simple
 *    selectors outside any `(...)` or `[...]`, because `:not(.x)`, `:is(.a, .b)` and
 *    attribute selectors match without `x` existing. Selector lists (`a, .b`) need only
 *    one branch, so they return nothing.
 *  - `all`: every id and class a stylesheet styles (for the interface a CSS file offers).
 */
export interface SelectorNames {
  ids: string[]
  classes: string[]
}

const IDENT_CHAR = /[\w\-\u00a0-\uffff]/

export function selectorNames(selector: string, mode: 'required' | 'all'): SelectorNames {
  const ids: string[] = []
  const classes: string[] = []
  let depth = 0
  let brackets = 0
  let quote = ''
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '(') depth++
    else if (c === ')') depth = Math.max(0, depth - 1)
    else if (c === '[') brackets++
    else if (c === ']') brackets = Math.max(0, brackets - 1)
    else if (c === ',' && depth === 0 && brackets === 0 && mode === 'required') return { ids: [], classes: [] }
    else if ((c === '#' || c === '.') && brackets === 0 && (depth === 0 || mode === 'all')) {
      let j = i + 1
      while (j < selector.length && IDENT_CHAR.test(selector[j])) j++
      const name = selector.slice(i + 1, j)
      // Escapes (`.sm\:flex`) and numbers (`50.5%` in keyframes) are not plain names.
      if (selector[j] === '\\') {
        if (mode === 'required') return { ids: [], classes: [] }
      } else if (name && !/^(\d|-\d|--)/.test(name)) {
        ;(c === '#' ? ids : classes).push(name)
      }
      i = j - 1
    }
  }
  return { ids, classes }
}
