import type { SheetFacts } from '../analysis/css-sheet.js'
import type { PageFacts } from '../analysis/html-page.js'
import type { WorkletKind } from '../analysis/js-facts.js'
import type { ScriptAnalysis, ScriptKind } from '../analysis/js-script.js'
import type { Position } from '../diagnostics/line-index.js'
import type { SitePaths, UrlRef } from '../analysis/urls.js'

/**
 * The whole site parsed once: every page, script (file, inline, handler) and stylesheet
 * (file, `<style>`, `style=""`), plus which pages run which scripts. Rules are pure
 * functions over this model, so each file is parsed exactly once however many rules ask.
 */
export interface SiteModel {
  /** Text of every HTML, CSS and JS file, by site-relative posix path. */
  texts: ReadonlyMap<string, string>
  paths: SitePaths
  /** Pages in path order (the order `UnitPages` lists them in). */
  pages: Map<string, PageModel>
  /** Script files and inline `<script>`s (one unit per file and mode it runs in). */
  units: ScriptUnit[]
  /** Inline `on*` handlers and `javascript:` URLs. */
  handlers: ScriptUnit[]
  sheets: SheetModel[]
  /** Site-wide unions the cross-file rules consult. */
  index: SiteIndex
  position(file: string, offset: number): Position
  /** `classifyUrl`, memoised: pages in one directory share most of their links. */
  classify(url: string, from: string, baseDir: string): UrlRef
  /** `resolveLocal` against this site, memoised. */
  resolve(ref: { path: string; directory: boolean }): string | undefined
}

/** A set of names that is only read: a `Set`, or a view over two of them. */
export interface Names extends Iterable<string> {
  has(name: string): boolean
}

export interface PageModel {
  file: string
  /** Position among the site's pages (path order). */
  ordinal: number
  facts: PageFacts
  /** Directory relative URLs resolve against, or undefined when `<base>` points off-site. */
  baseDir: string | undefined
  /** Its inline `<script>`s, in document order. */
  inline: ScriptUnit[]
  /** Its inline handlers and `javascript:` URLs, in document order. */
  handlers: ScriptUnit[]
  /** The script files it runs (directly or through imports), shared with the pages that run the same ones. */
  group: ScriptGroup
  /** Top-level names of the page's classic scripts plus their implicit globals. */
  classicGlobals: Names
  /** Names any of the page's scripts publish on `window`. */
  windowGlobals: Names
  /**
   * Why the page may have globals the checker cannot see (an external script, a script
   * that failed to parse or is missing, `document.write`…), or undefined when none.
   */
  openReason: string | undefined
  /** A script reads `location.hash`: fragments may be client-side routes. */
  readsHash: boolean
  /** A script calls `history.pushState`: extensionless links may be its client-side routes. */
  routesLinks: boolean
  /** A script parses fetched documents or reads an iframe's: it may look up any page's ids. */
  readsOtherDocuments: boolean
}

/** What the scripts of a page, or of a script group, add to its global scope. */
export interface ScopeFacts {
  classicGlobals: Set<string>
  windowGlobals: Set<string>
  openReason: string | undefined
  readsHash: boolean
  routesLinks: boolean
  readsOtherDocuments: boolean
}

/**
 * The script files a set of pages runs, when they run exactly the same ones (#13, scale):
 * a site's pages mostly share a handful of script sets, so the set's units and the global
 * scope they make are kept once per group, not once per page (pages × modules).
 */
export interface ScriptGroup extends ScopeFacts {
  /** Script-file units the pages run, directly or through imports, in `SiteModel.units` order. */
  units: ScriptUnit[]
  /** Its pages, in page order. */
  pages: PageModel[]
}

/** The pages that run one unit, in page order. */
export interface UnitPages extends Iterable<string> {
  readonly size: number
  /** The pages themselves, in page order. */
  models(): readonly PageModel[]
}

export interface ScriptUnit {
  /** The file holding the code: the script file, or the page for inline code. */
  file: string
  /** Set for script files: the script's own path. */
  src: string | undefined
  kind: ScriptKind
  /** Offset of the code in `file`. */
  offset: number
  analysis: ScriptAnalysis
  /** Pages that run this code (directly or through imports); empty for workers and orphans. */
  pages: UnitPages
  /** For handlers: the attribute (`onclick`, `href`). */
  attr?: string
  /** Where the code runs, which decides the globals it is judged against. */
  context: ScriptContext
}

/**
 * Where a script runs (#13): on its pages; in a worker or service worker (`new Worker(url)`,
 * `importScripts`, `serviceWorker.register`); in a worklet (`CSS.paintWorklet.addModule(url)`);
 * or nowhere the site shows — a server file, a stale copy, a test, a script only an IE
 * conditional comment loads. Unlinked code is parsed (syntax errors still count) but not
 * judged against page or worker globals: what runs it is unknowable.
 */
export type ScriptContext = { kind: 'page' | 'worker' | 'unlinked' } | { kind: 'worklet'; worklet: WorkletKind }

export interface SheetModel {
  file: string
  offset: number
  /** Directory `url()` resolves against. undefined: off-site `<base>`. */
  baseDir: string | undefined
  origin: 'file' | 'style' | 'style-attr'
  facts: SheetFacts
}

export interface SiteIndex {
  /** Ids in any page, templates included. */
  pageIds: Set<string>
  pageClasses: Set<string>
  createdIds: Set<string>
  createdClasses: Set<string>
  /** Ids/classes JS builds from literal text plus interpolation (`todo-\u0000`). */
  idPatterns: Set<string>
  classPatterns: Set<string>
  stringTokens: Set<string>
  cssVarDefs: Set<string>
  /** Classic top-level names and window globals of every script (for orphan scripts). */
  anyScriptGlobals: Set<string>
  /** Ids on pages and `name`s anywhere (named access on window). */
  anyPageNames: Set<string>
  /** Pages that may hold globals we cannot see exist (for orphan scripts). */
  anyOpenPage: boolean
}

/** Where one import of a module leads. */
export interface ResolvedImport {
  target: { kind: 'local'; unit: ScriptUnit } | { kind: 'opaque'; why: string } | { kind: 'worker' }
}
