/**
 * The shapes of what one script tells the checker about the rest of the site. Kept apart
 * from the collector so that readers of the facts (site model, known names) and the
 * collector's helpers share them without importing the walk itself.
 */

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
