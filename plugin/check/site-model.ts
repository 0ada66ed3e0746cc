import { posix } from 'node:path'

import { analyzeCss } from '../analysis/css-sheet.js'
import type { SheetFacts } from '../analysis/css-sheet.js'
import { analyzePage } from '../analysis/html-page.js'
import type { PageFacts } from '../analysis/html-page.js'
import { analyzeScript } from '../analysis/js-script.js'
import type { WorkletKind } from '../analysis/js-facts.js'
import type { ScriptAnalysis, ScriptKind } from '../analysis/js-script.js'
import { LineIndex } from '../diagnostics/line-index.js'
import { PageIndex, PageSet } from './page-set.js'
import type { Position } from '../diagnostics/line-index.js'
import { classifyUrl, isHtmlPath, rebaseRootRelative, resolveLocal, sitePaths } from '../analysis/urls.js'
import type { ServedAt, SitePaths, UrlRef } from '../analysis/urls.js'

/**
 * The whole site parsed once: every page, script (file, inline, handler) and stylesheet
 * (file, `<style>`, `style=""`), plus which pages run which scripts. Rules are pure
 * functions over this model, so each file is parsed exactly once however many rules ask.
 */
export interface SiteModel {
  /** Text of every HTML, CSS and JS file, by site-relative posix path. */
  texts: ReadonlyMap<string, string>
  paths: SitePaths
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

export interface PageModel {
  file: string
  facts: PageFacts
  /** Directory relative URLs resolve against, or undefined when `<base>` points off-site. */
  baseDir: string | undefined
  /** Every script unit this page runs: its scripts, their imports, its handlers. */
  units: ScriptUnit[]
  /** Top-level names of the page's classic scripts plus their implicit globals. */
  classicGlobals: Set<string>
  /** Names any of the page's scripts publish on `window`. */
  windowGlobals: Set<string>
  /**
   * Why the page may have globals the checker cannot see (an external script, a script
   * that failed to parse or is missing, `document.write`…), or undefined when none.
   */
  openReason: string | undefined
  /** A script reads `location.hash`: fragments may be client-side routes. */
  readsHash: boolean
  /** A script calls `history.pushState`: extensionless links may be its client-side routes. */
  routesLinks: boolean
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
  pages: PageSet
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
interface ResolvedImport {
  target: { kind: 'local'; unit: ScriptUnit } | { kind: 'opaque'; why: string } | { kind: 'worker' }
}

const PAGE: ScriptContext = Object.freeze({ kind: 'page' })
const WORKER: ScriptContext = Object.freeze({ kind: 'worker' })
const UNLINKED: ScriptContext = Object.freeze({ kind: 'unlinked' })

const JS_FILE = /\.(m?js|cjs)$/i
const CSS_FILE = /\.css$/i

/** True for the files the checker reads as text. */
export function isCheckedFile(path: string): boolean {
  return isHtmlPath(path) || JS_FILE.test(path) || CSS_FILE.test(path)
}

export function buildSiteModel(texts: ReadonlyMap<string, string>, otherPaths: Iterable<string> = [], served: ServedAt = {}): SiteModel {
  const paths = sitePaths([...texts.keys(), ...otherPaths])
  const lineIndexes = new Map<string, LineIndex>()
  const urlMemo = new Map<string, UrlRef>()
  const resolveMemo = new Map<string, string | undefined>()
  const model: SiteModel = {
    texts,
    paths,
    pages: new Map(),
    units: [],
    handlers: [],
    sheets: [],
    index: {
      pageIds: new Set(),
      pageClasses: new Set(),
      createdIds: new Set(),
      createdClasses: new Set(),
      idPatterns: new Set(),
      classPatterns: new Set(),
      stringTokens: new Set(),
      cssVarDefs: new Set(),
      anyScriptGlobals: new Set(),
      anyPageNames: new Set(),
      anyOpenPage: false,
    },
    position(file, offset) {
      let li = lineIndexes.get(file)
      if (!li) {
        li = new LineIndex(texts.get(file) ?? '')
        lineIndexes.set(file, li)
      }
      return li.position(offset)
    },
    classify(url, from, baseDir) {
      const key = `${baseDir}\0${url}`
      let ref = urlMemo.get(key)
      if (!ref) {
        ref = classifyUrl(url, from, baseDir)
        if (ref.kind === 'local') ref = rebaseRootRelative(ref, paths, served)
        urlMemo.set(key, ref)
      }
      // Only same-document references depend on the referring file itself.
      return ref.kind === 'local' && ref.sameDocument ? { ...ref, path: from } : ref
    },
    resolve(ref) {
      const key = `${ref.directory ? 'd' : 'f'}\0${ref.path}`
      if (resolveMemo.has(key)) return resolveMemo.get(key)
      const target = resolveLocal(ref, paths)
      resolveMemo.set(key, target)
      return target
    },
  }
  const builder = new ModelBuilder(model)
  builder.build()
  return model
}

class ModelBuilder {
  private readonly fileUnits = new Map<string, ScriptUnit>()
  /** Module units whose imports still have to learn about some pages. */
  private readonly queue: ScriptUnit[] = []
  private readonly pendingPages = new Map<ScriptUnit, PageSet>()
  /** Page numbers for the page sets of every unit (one numbering per model). */
  private readonly pageIndex = new PageIndex()
  /** Import targets per module unit, resolved once. */
  private readonly resolvedImports = new Map<ScriptUnit, ResolvedImport[]>()
  /**
   * Inline code repeats across pages (`onclick="toggleMenu(this)"`, `style="margin: 0"`);
   * analyses are immutable and offsets are relative, so identical code is analysed once.
   */
  private readonly scriptMemo = new Map<string, ScriptAnalysis>()
  private readonly cssMemo = new Map<string, SheetFacts>()
  /** Pages whose globals are unknowable, with the reason. */
  private readonly openPages = new Map<string, string>()

  constructor(private readonly m: SiteModel) {}

  build(): void {
    const { texts } = this.m
    const files = [...texts.keys()].sort()
    for (const file of files) {
      const text = texts.get(file) ?? ''
      if (isHtmlPath(file)) this.page(file, text)
      else if (CSS_FILE.test(file)) this.m.sheets.push({ file, offset: 0, baseDir: posix.dirname(file).replace(/^\.$/, ''), origin: 'file', facts: this.css(text, 'sheet') })
    }
    this.drainImports()
    // Scripts no page loads: workers, service workers, or files waiting to be linked.
    for (const file of files) {
      if (!JS_FILE.test(file) || this.fileUnits.has(`${file}\0classic`) || this.fileUnits.has(`${file}\0module`)) continue
      const text = texts.get(file) ?? ''
      if (isNodeFile(file, text)) continue
      this.orphanUnit(file, text)
    }
    this.drainImports()
    this.m.units.push(...this.fileUnits.values())
    this.assignContexts()
    this.finishPages()
    this.buildIndex()
  }

  private page(file: string, text: string): void {
    const facts = analyzePage(text)
    let baseDir: string | undefined = posix.dirname(file).replace(/^\.$/, '')
    if (facts.baseHref !== undefined) {
      const base = classifyUrl(facts.baseHref, file)
      baseDir = base.kind === 'local' ? (base.directory ? base.path : posix.dirname(base.path).replace(/^\.$/, '')) : undefined
    }
    const page: PageModel = {
      file,
      facts,
      baseDir,
      units: [],
      classicGlobals: new Set(),
      windowGlobals: new Set(),
      openReason: undefined,
      readsHash: false,
      routesLinks: false,
    }
    this.m.pages.set(file, page)
    for (const s of facts.scripts) {
      if ('inline' in s) {
        const unit = this.unit(file, undefined, s.kind, s.inline.offset, s.inline.code)
        this.m.units.push(unit)
        this.addPage(unit, file)
        continue
      }
      const target = this.resolve(s.src, file, baseDir)
      if (target.kind === 'local') {
        const unit = this.fileUnit(target.path, s.kind)
        if (!unit) this.open(file, `its script ${s.src} is not JavaScript the checker can read`)
        else this.addPage(unit, file)
      } else {
        const why = { external: 'is on another origin', missing: 'is missing', unknown: 'cannot be resolved' }[target.kind]
        this.open(file, `its script ${s.src} ${why}`)
      }
    }
    for (const h of facts.handlers) this.m.handlers.push(this.handler(file, h.attr, h.offset, h.code))
    for (const link of facts.links) {
      if (!/^\s*javascript:/i.test(link.url)) continue
      const ref = classifyUrl(link.url, file)
      if (ref.kind !== 'script') continue
      // `href="javascript:go()"`: the code starts after the scheme.
      const at = link.url.toLowerCase().indexOf('javascript:') + 'javascript:'.length
      this.m.handlers.push(this.handler(file, link.attr, link.offset + at, ref.code))
    }
    for (const s of facts.styles) this.m.sheets.push({ file, offset: s.offset, baseDir, origin: 'style', facts: this.css(s.code, 'sheet') })
    for (const s of facts.styleAttrs) this.m.sheets.push({ file, offset: s.offset, baseDir, origin: 'style-attr', facts: this.css(s.code, 'declarations') })
  }

  private handler(file: string, attr: string, offset: number, code: string): ScriptUnit {
    const unit = this.unit(file, undefined, 'handler', offset, code)
    unit.attr = attr
    unit.pages.add(file)
    return unit
  }

  private unit(file: string, src: string | undefined, kind: ScriptKind, offset: number, code: string): ScriptUnit {
    let analysis: ScriptAnalysis | undefined
    if (src === undefined) {
      const key = `${kind}\0${code}`
      analysis = this.scriptMemo.get(key)
      if (!analysis) {
        analysis = analyzeScript(code, kind)
        this.scriptMemo.set(key, analysis)
      }
    } else analysis = analyzeScript(code, kind)
    return { file, src, kind, offset, analysis, pages: new PageSet(this.pageIndex), context: PAGE }
  }

  private css(code: string, mode: 'sheet' | 'declarations'): SheetFacts {
    const key = `${mode}\0${code}`
    let facts = this.cssMemo.get(key)
    if (!facts) {
      facts = analyzeCss(code, mode)
      this.cssMemo.set(key, facts)
    }
    return facts
  }

  /** The unit for a script file run as `kind`, parsed on first use. */
  private fileUnit(path: string, kind: 'classic' | 'module'): ScriptUnit | undefined {
    const key = `${path}\0${kind}`
    const existing = this.fileUnits.get(key)
    if (existing) return existing
    const text = this.m.texts.get(path)
    if (text === undefined || !JS_FILE.test(path)) return undefined
    const unit = this.unit(path, path, kind, 0, text)
    this.fileUnits.set(key, unit)
    // Visit its imports once even if no page runs it (workers, orphans): their targets are parsed as modules.
    if (kind === 'module') this.schedule(unit)
    return unit
  }

  /**
   * How an unlinked script runs is unknown: parse it the way its syntax suggests and fall
   * back to the other mode, so only code that parses as neither is a syntax error.
   */
  private orphanUnit(path: string, text: string): void {
    const first = guessKind(text)
    const unit = this.fileUnit(path, first)
    if (!unit || unit.analysis.ok) return
    const other = this.unit(path, path, first === 'module' ? 'classic' : 'module', 0, text)
    if (other.analysis.ok || (!other.analysis.ok && !unit.analysis.ok && other.analysis.error.offset > unit.analysis.error.offset)) {
      this.fileUnits.delete(`${path}\0${first}`)
      this.fileUnits.set(`${path}\0${other.kind}`, other)
      if (other.kind === 'module') this.schedule(other)
    }
  }

  private addPage(unit: ScriptUnit, page: string): void {
    if (unit.pages.has(page)) return
    unit.pages.add(page)
    if (unit.kind === 'module') this.schedule(unit).add(page)
  }

  /** Queue a module so its imports learn about the pages added since its last visit. */
  private schedule(unit: ScriptUnit): PageSet {
    let pending = this.pendingPages.get(unit)
    if (!pending) {
      pending = new PageSet(this.pageIndex)
      this.pendingPages.set(unit, pending)
      this.queue.push(unit)
    }
    return pending
  }

  /**
   * Follow module imports until every imported module knows every page that runs it.
   * Each module's imports are resolved once; afterwards only newly added pages travel
   * down the graph, so shared modules deep in a chain cost O(pages), not O(pages²); they
   * travel as bitsets, 32 pages per operation (#13: 20,000-file sites).
   */
  private drainImports(): void {
    for (let head = 0; head < this.queue.length; head++) {
      const unit = this.queue[head]
      const pages = this.pendingPages.get(unit) ?? new PageSet(this.pageIndex)
      this.pendingPages.delete(unit)
      for (const imp of this.importsOf(unit)) {
        if (imp.target.kind === 'worker') continue
        if (imp.target.kind !== 'local') {
          for (const p of pages) this.open(p, imp.target.why)
          continue
        }
        const target = imp.target.unit
        const added = target.pages.addAll(pages)
        if (added.size > 0 && target.kind === 'module') this.schedule(target).addAll(added)
      }
    }
    this.queue.length = 0
  }

  private importsOf(unit: ScriptUnit): ResolvedImport[] {
    const cached = this.resolvedImports.get(unit)
    if (cached) return cached
    const out: ResolvedImport[] = []
    this.resolvedImports.set(unit, out)
    if (!unit.analysis.ok) return out
    const fromDir = unit.src ? posix.dirname(unit.src).replace(/^\.$/, '') : this.m.pages.get(unit.file)?.baseDir
    for (const imp of unit.analysis.facts.imports) {
      if (imp.kind === 'worker' || imp.kind === 'worker-module-url' || imp.kind === 'worklet') {
        // Workers and worklets run in their own global scope: parse them, but no page runs them.
        const target = imp.kind === 'worker-module-url' ? this.resolve(imp.specifier, unit.file, fromDir) : undefined
        if (target?.kind === 'local') this.fileUnit(target.path, 'module')
        out.push({ target: { kind: 'worker' } })
        continue
      }
      if (isBare(imp.specifier)) {
        out.push({ target: { kind: 'opaque', why: `a module imports the bare specifier "${imp.specifier}"` } })
        continue
      }
      const target = this.resolve(imp.specifier, unit.file, fromDir)
      if (target.kind !== 'local') {
        const why = target.kind === 'external' ? `a module imports ${imp.specifier}` : `a module's import ${imp.specifier} is missing`
        out.push({ target: { kind: 'opaque', why } })
        continue
      }
      const dep = this.fileUnit(target.path, 'module')
      if (dep) out.push({ target: { kind: 'local', unit: dep } })
    }
    return out
  }

  private resolve(url: string, from: string, baseDir: string | undefined): { kind: 'local'; path: string } | { kind: 'external' | 'missing' | 'unknown' } {
    if (baseDir === undefined) return { kind: 'unknown' }
    const ref: UrlRef = this.m.classify(url, from, baseDir)
    if (ref.kind === 'external') return { kind: 'external' }
    if (ref.kind !== 'local' || ref.sameDocument) return { kind: 'unknown' }
    const path = this.m.resolve(ref)
    return path === undefined ? { kind: 'missing' } : { kind: 'local', path }
  }

  /**
   * Script files no page runs get the context of whatever loads them: a worker or worklet
   * URL anywhere in the site (resolved against the pages of the code that names it, or its
   * own folder and the root when no page runs that code), else what imports them.
   */
  private assignContexts(): void {
    const loaders = new Map<string, ScriptContext>()
    for (const unit of this.m.units) {
      if (!unit.analysis.ok) continue
      // Only code that starts a worker or worklet needs its pages (materialising every unit's is O(pages × modules)).
      if (!unit.analysis.facts.imports.some((i) => i.kind === 'worklet' || i.kind === 'worker' || i.kind === 'worker-module-url')) continue
      const pages = [...unit.pages].flatMap((p) => this.m.pages.get(p) ?? [])
      const ownDir = unit.src ? posix.dirname(unit.src).replace(/^\.$/, '') : pages[0]?.baseDir
      const bases = pages.length > 0 ? pages.map((p) => ({ from: p.file, dir: p.baseDir })) : [{ from: unit.file, dir: ownDir }, { from: unit.file, dir: '' }]
      for (const imp of unit.analysis.facts.imports) {
        const context = imp.kind === 'worklet' && imp.worklet ? { kind: 'worklet' as const, worklet: imp.worklet } : imp.kind === 'worker' || imp.kind === 'worker-module-url' ? WORKER : undefined
        if (!context) continue
        const from = imp.kind === 'worker-module-url' ? [{ from: unit.file, dir: ownDir }] : bases
        for (const b of from) {
          const target = this.resolve(imp.specifier, b.from, b.dir)
          if (target.kind === 'local' && !loaders.has(target.path)) loaders.set(target.path, context)
        }
      }
    }
    const orphans = this.m.units.filter((u) => u.src !== undefined && u.pages.size === 0)
    for (const u of orphans) u.context = loaders.get(u.src ?? '') ?? UNLINKED
    // Modules a worker or worklet imports run there too; bounded: each pass settles at least one unit or stops.
    for (let changed = true, pass = 0; changed && pass <= orphans.length; pass++) {
      changed = false
      for (const u of orphans) {
        if (u.context.kind === 'unlinked') continue
        for (const imp of this.importsOf(u)) {
          const dep = imp.target.kind === 'local' ? imp.target.unit : undefined
          if (dep && dep.pages.size === 0 && dep.context.kind === 'unlinked') {
            dep.context = u.context
            changed = true
          }
        }
      }
    }
  }

  private open(page: string, reason: string): void {
    if (!this.openPages.has(page)) this.openPages.set(page, reason)
  }

  private finishPages(): void {
    const { pages } = this.m
    const byNumber = this.pageIndex.files.map((f) => pages.get(f))
    for (const unit of [...this.m.units, ...this.m.handlers]) {
      for (const n of unit.pages.numbers()) byNumber[n]?.units.push(unit)
    }
    for (const page of pages.values()) {
      for (const unit of page.units) {
        const a = unit.analysis
        if (!a.ok) {
          if (unit.kind !== 'handler') this.open(page.file, `${unit.src ?? 'an inline script'} does not parse`)
          continue
        }
        if (unit.kind === 'classic') {
          for (const n of a.scope.topLevel) page.classicGlobals.add(n)
          for (const w of a.scope.unresolvedWrites) page.classicGlobals.add(w.name)
          if (a.scope.topLevelThis) this.open(page.file, `${unit.src ?? 'an inline script'} passes the global object around`)
        }
        if (unit.kind === 'handler') for (const w of a.scope.unresolvedWrites) page.classicGlobals.add(w.name)
        for (const n of a.facts.windowGlobals) page.windowGlobals.add(n)
        if (a.facts.opaque || a.scope.dynamicScope) this.open(page.file, `${unit.src ?? 'an inline script'} defines globals dynamically`)
        if (a.facts.readsHash) page.readsHash = true
        if (a.facts.pushesHistory) page.routesLinks = true
      }
      page.openReason = this.openPages.get(page.file)
    }
  }

  private buildIndex(): void {
    const ix = this.m.index
    for (const page of this.m.pages.values()) {
      for (const id of page.facts.ids.keys()) {
        ix.pageIds.add(id)
        ix.anyPageNames.add(id)
      }
      for (const id of page.facts.templateIds) ix.pageIds.add(id)
      for (const n of page.facts.names) ix.anyPageNames.add(n)
      for (const c of page.facts.classes) ix.pageClasses.add(c)
      if (page.openReason) ix.anyOpenPage = true
    }
    for (const unit of [...this.m.units, ...this.m.handlers]) {
      const a = unit.analysis
      if (!a.ok) continue
      for (const x of a.facts.createdIds) ix.createdIds.add(x)
      for (const x of a.facts.createdClasses) ix.createdClasses.add(x)
      for (const x of a.facts.idPatterns) ix.idPatterns.add(x)
      for (const x of a.facts.classPatterns) ix.classPatterns.add(x)
      for (const x of a.facts.stringTokens) ix.stringTokens.add(x)
      for (const x of a.facts.cssVarDefs) ix.cssVarDefs.add(x)
      for (const x of a.facts.windowGlobals) ix.anyScriptGlobals.add(x)
      if (unit.kind === 'classic') {
        for (const x of a.scope.topLevel) ix.anyScriptGlobals.add(x)
        for (const w of a.scope.unresolvedWrites) ix.anyScriptGlobals.add(w.name)
      }
    }
    for (const s of this.m.sheets) for (const v of s.facts.varDefs) ix.cssVarDefs.add(v)
  }
}

/**
 * Tooling next to the site (a Vite root holds `vite.config.js`, `postcss.config.cjs`,
 * `eslint.config.js`…) runs in Node, not in a page: never judged by browser rules.
 */
function isNodeFile(path: string, text: string): boolean {
  if (/\.cjs$/i.test(path) || /(^|\/)[^/]*\.config\.m?js$/i.test(path) || /(^|\/)\.[^/]*rc\.m?js$/i.test(path)) return true
  return /\brequire\(\s*['"]|\bmodule\.exports\b|\b__dirname\b|\bprocess\.(env|argv|cwd)\b|from\s+['"]node:/.test(text)
}

/** A bare specifier (`lit`, `@scope/pkg`) needs an import map or a bundler to mean anything. */
function isBare(spec: string): boolean {
  return !/^(\.{0,2}\/|[a-z][a-z\d+.-]*:)/i.test(spec.trim())
}

/** A script file no page loads: module if it has module syntax, else classic. */
function guessKind(text: string): 'classic' | 'module' {
  return /(^|[\n;])\s*(import\s*[\w{*'"]|export\s)/.test(text) ? 'module' : 'classic'
}
