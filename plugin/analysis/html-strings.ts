/**
 * Ids and classes inside HTML written as strings (`innerHTML = '<li class="item">'`,
 * template literals, `<script type="text/template">`). Interpolated parts are passed in as
 * `\u0000`: a token that mixes literal text and an interpolation (`todo-${id}`) becomes a
 * pattern; a token that is only an interpolation tells us nothing.
 */
export const DYNAMIC = '\u0000'

export interface CreatedNames {
  ids: Set<string>
  classes: Set<string>
  /** Templates with `\u0000` for the unknown parts, e.g. `todo-\u0000`. */
  idPatterns?: Set<string>
  classPatterns?: Set<string>
  /** Set when some id is entirely computed (`el.id = slugify(text)`). */
  dynamicIds?: { value: boolean }
}

/** `id=`, `class=` and JSX's `className=`, quoted or not. */
const ATTR = /(?:^|[\s"'<\u0000])(id|class|className)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`{]+))/gi

export function htmlStringNames(text: string, out: CreatedNames): void {
  if (!text.includes('=')) return
  for (const m of text.matchAll(ATTR)) {
    const value = m[2] ?? m[3] ?? m[4] ?? ''
    const isId = m[1].toLowerCase() === 'id'
    if (isId && value.trim() === DYNAMIC && out.dynamicIds) out.dynamicIds.value = true
    addNames(value, isId ? out.ids : out.classes, isId ? out.idPatterns : out.classPatterns)
  }
}

/** Split a class list (or take an id) into known names and patterns. */
export function addNames(value: string, names: Set<string>, patterns: Set<string> | undefined): void {
  for (const token of value.split(/\s+/)) {
    if (!token) continue
    if (!token.includes(DYNAMIC)) names.add(token)
    else if (token !== DYNAMIC && patterns) patterns.add(token.replace(/\u0000+/g, DYNAMIC))
  }
}

/** Does a name match a template (`todo-\u0000` matches `todo-3`)? */
export function matchesPattern(name: string, pattern: string): boolean {
  const parts = pattern.split(DYNAMIC)
  if (parts.length === 1) return name === pattern
  const first = parts[0]
  const last = parts[parts.length - 1]
  if (!name.startsWith(first) || !name.endsWith(last) || name.length < first.length + last.length) return false
  let at = first.length
  const end = name.length - last.length
  for (const mid of parts.slice(1, -1)) {
    const i = name.indexOf(mid, at)
    if (i < 0 || i + mid.length > end) return false
    at = i + mid.length
  }
  return true
}

/** `--name:` inside a string (`el.style.cssText = '--x: 1'`, `style="--x:1"` in markup). */
export function cssVarDefsInString(text: string, out: Set<string>): void {
  if (!text.includes('--')) return
  for (const m of text.matchAll(/(--[\w-]+)\s*:/g)) out.add(m[1])
}
