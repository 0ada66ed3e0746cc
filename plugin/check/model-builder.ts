import { posix } from 'node:path'

import { analyzeCss } from '../analysis/css-sheet.js'
import type { SheetFacts } from '../analysis/css-sheet.js'
import { analyzePage } from '../analysis/html-page.js'
import { analyzeScript } from '../analysis/js-script.js'
import type { ScriptAnalysis, ScriptKind } from '../analysis/js-script.js'
import { classifyUrl, isHtmlPath } from '../analysis/urls.js'
import type { UrlRef } from '../analysis/urls.js'
import type { PageModel, ResolvedImport, ScriptContext, ScriptGroup, ScriptUnit, SiteModel } from './model-types.js'
import { GroupPages, addUnitFacts, emptyScopeFacts, groupPages, unionNames } from './script-groups.js'
import type { GroupInput } from './script-groups.js'
import { Memo2 } from './memo.js'
import { buildIndex } from './site-index.js'

const PAGE: ScriptContext = Object.freeze({ kind: 'page' })
const WORKER: ScriptContext = Object.freeze({ kind: 'worker' })
const UNLINKED: ScriptContext = Object.freeze({ kind: 'unlinked' })

export const JS_FILE = /\.(m?js|cjs)$/i
export const CSS_FILE = /\.css$/i

/** Parse every file of `m.texts` into `m` (pages, units, sheets, who runs what, the index). */
export function fillSiteModel(m: SiteModel): void {
  new ModelBuilder(m).build()
}

class ModelBuilder {
  private readonly fileUnits = new Map<string, ScriptUnit>()
  /** Module units whose imports still have to be resolved (each is visited once). */
  private readonly queue: ScriptUnit[] = []
  private readonly queued = new Set<ScriptUnit>()
  /** Import targets per module unit, resolved once. */
  private readonly resolvedImports = new Map<ScriptUnit, ResolvedImport[]>()
  /** Per page, in page order: the script files it loads itself. */
  private readonly pageRoots: { page: PageModel; files: ScriptUnit[] }[] = []
  /**
   * Inline code repeats across pages (`onclick="toggleMenu(this)"`, `style="margin: 0"`);
   * analyses are immutable and offsets are relative, so identical code is analysed once.
   */
  private readonly scriptMemo = new Memo2<ScriptKind, string, ScriptAnalysis>()
  private readonly cssMemo = new Memo2<'sheet' | 'declarations', string, SheetFacts>()
  /** Pages whose globals are unknowable for a reason of their own, with the reason. */
  private readonly openPages = new Map<string, string>()
  /** Every page's group until the groups are made. */
  private readonly noGroup: ScriptGroup = { ...emptyScopeFacts(), units: [], pages: [] }

  constructor(private readonly m: SiteModel) {}

  build(): void {
    const { texts } = this.m
    const files = [...texts.keys()].sort()
    for (const file of files) {
      const text = texts.get(file) ?? ''
      if (isHtmlPath(file)) this.page(file, text)
      else if (CSS_FILE.test(file)) {
        // A stylesheet file is analysed as is: keying a memo by its whole text costs more than it saves.
        const baseDir = posix.dirname(file).replace(/^\.$/, '')
        this.m.sheets.push({ file, offset: 0, baseDir, origin: 'file', facts: analyzeCss(text, 'sheet') })
      }
    }
    this.drainImports()
    // Scripts no page loads: workers, service workers, or files waiting to be linked.
    for (const file of files) {
      if (!JS_FILE.test(file) || this.fileUnits.has(`${file}\0classic`) || this.fileUnits.has(`${file}\0module`))
        continue
      const text = texts.get(file) ?? ''
      if (isNodeFile(file, text)) continue
      this.orphanUnit(file, text)
    }
    this.drainImports()
    this.m.units.push(...this.fileUnits.values())
    this.finishPages()
    this.assignContexts()
    buildIndex(this.m)
  }

  private page(file: string, text: string): void {
    const facts = analyzePage(text)
    let baseDir: string | undefined = posix.dirname(file).replace(/^\.$/, '')
    if (facts.baseHref !== undefined) {
      const base = classifyUrl(facts.baseHref, file)
      baseDir =
        base.kind === 'local' ? (base.directory ? base.path : posix.dirname(base.path).replace(/^\.$/, '')) : undefined
    }
    const group = this.noGroup
    const page: PageModel = {
      file,
      ordinal: this.m.pages.size,
      facts,
      baseDir,
      inline: [],
      handlers: [],
      group,
      classicGlobals: group.classicGlobals,
      windowGlobals: group.windowGlobals,
      openReason: undefined,
      readsHash: false,
      routesLinks: false,
      readsOtherDocuments: false,
    }
    this.m.pages.set(file, page)
    const roots: ScriptUnit[] = []
    this.pageRoots.push({ page, files: roots })
    for (const s of facts.scripts) {
      if ('inline' in s) {
        const unit = this.unit(file, undefined, s.kind, s.inline.offset, s.inline.code)
        unit.pages.setPage(page)
        this.m.units.push(unit)
        page.inline.push(unit)
        if (unit.kind === 'module') this.schedule(unit)
        continue
      }
      const target = this.resolve(s.src, file, baseDir)
      if (target.kind === 'local') {
        const unit = this.fileUnit(target.path, s.kind)
        if (!unit) this.open(file, `its script ${s.src} is not JavaScript the checker can read`)
        else roots.push(unit)
      } else {
        const why = { external: 'is on another origin', missing: 'is missing', unknown: 'cannot be resolved' }[
          target.kind
        ]
        this.open(file, `its script ${s.src} ${why}`)
      }
    }
    for (const h of facts.handlers) page.handlers.push(this.handler(page, h.attr, h.offset, h.code))
    for (const link of facts.links) {
      if (!/^\s*javascript:/i.test(link.url)) continue
      const ref = classifyUrl(link.url, file)
      if (ref.kind !== 'script') continue
      // `href="javascript:go()"`: the code starts after the scheme.
      const at = link.url.toLowerCase().indexOf('javascript:') + 'javascript:'.length
      page.handlers.push(this.handler(page, link.attr, link.offset + at, ref.code))
    }
    this.m.handlers.push(...page.handlers)
    for (const s of facts.styles)
      this.m.sheets.push({ file, offset: s.offset, baseDir, origin: 'style', facts: this.css(s.code, 'sheet') })
    for (const s of facts.styleAttrs)
      this.m.sheets.push({
        file,
        offset: s.offset,
        baseDir,
        origin: 'style-attr',
        facts: this.css(s.code, 'declarations'),
      })
  }

  private handler(page: PageModel, attr: string, offset: number, code: string): ScriptUnit {
    const unit = this.unit(page.file, undefined, 'handler', offset, code)
    unit.attr = attr
    unit.pages.setPage(page)
    return unit
  }

  private unit(
    file: string,
    src: string | undefined,
    kind: ScriptKind,
    offset: number,
    code: string,
  ): ScriptUnit & { pages: GroupPages } {
    // Inline code repeats across pages; a script file is analysed once anyway.
    const analysis =
      src === undefined ? this.scriptMemo.get(kind, code, () => analyzeScript(code, kind)) : analyzeScript(code, kind)
    return { file, src, kind, offset, analysis, pages: new GroupPages(), context: PAGE }
  }

  private css(code: string, mode: 'sheet' | 'declarations'): SheetFacts {
    return this.cssMemo.get(mode, code, () => analyzeCss(code, mode))
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
    if (
      other.analysis.ok ||
      (!other.analysis.ok && !unit.analysis.ok && other.analysis.error.offset > unit.analysis.error.offset)
    ) {
      this.fileUnits.delete(`${path}\0${first}`)
      this.fileUnits.set(`${path}\0${other.kind}`, other)
      if (other.kind === 'module') this.schedule(other)
    }
  }

  /** Queue a module so its imports get resolved (and their targets parsed). */
  private schedule(unit: ScriptUnit): void {
    if (this.queued.has(unit)) return
    this.queued.add(unit)
    this.queue.push(unit)
  }

  /**
   * Resolve module imports until every module reached has its imports resolved. Which
   * pages run what is decided later, per script set (`groupPages`), not by sending pages
   * down the import graph: that was O(pages × modules) in time and memory (#13).
   */
  private drainImports(): void {
    for (let head = 0; head < this.queue.length; head++) this.importsOf(this.queue[head])
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
        const why =
          target.kind === 'external'
            ? `a module imports ${imp.specifier}`
            : `a module's import ${imp.specifier} is missing`
        out.push({ target: { kind: 'opaque', why } })
        continue
      }
      const dep = this.fileUnit(target.path, 'module')
      if (dep) out.push({ target: { kind: 'local', unit: dep } })
    }
    return out
  }

  private resolve(
    url: string,
    from: string,
    baseDir: string | undefined,
  ): { kind: 'local'; path: string } | { kind: 'external' | 'missing' | 'unknown' } {
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
      // Only code that starts a worker or worklet needs its pages (listing every unit's is O(pages × modules)).
      if (
        !unit.analysis.facts.imports.some(
          (i) => i.kind === 'worklet' || i.kind === 'worker' || i.kind === 'worker-module-url',
        )
      )
        continue
      const pages = unit.pages.models()
      const ownDir = unit.src ? posix.dirname(unit.src).replace(/^\.$/, '') : pages[0]?.baseDir
      const bases =
        pages.length > 0
          ? pages.map((p) => ({ from: p.file, dir: p.baseDir }))
          : [
              { from: unit.file, dir: ownDir },
              { from: unit.file, dir: '' },
            ]
      for (const imp of unit.analysis.facts.imports) {
        const context =
          imp.kind === 'worklet' && imp.worklet
            ? { kind: 'worklet' as const, worklet: imp.worklet }
            : imp.kind === 'worker' || imp.kind === 'worker-module-url'
              ? WORKER
              : undefined
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

  /** Group the pages by script set, then give each page its group's scope plus its own code's. */
  private finishPages(): void {
    const inputs: GroupInput[] = []
    for (const { page, files } of this.pageRoots) {
      const roots = [...files]
      for (const unit of page.inline) {
        if (unit.kind !== 'module') continue
        for (const imp of this.importsOf(unit)) {
          if (imp.target.kind === 'local') roots.push(imp.target.unit)
          else if (imp.target.kind === 'opaque') this.open(page.file, imp.target.why)
        }
      }
      inputs.push({ page, roots })
    }
    groupPages(inputs, (u) => this.importsOf(u), this.m.units)
    for (const page of this.m.pages.values()) {
      const own = emptyScopeFacts()
      for (const unit of page.inline) addUnitFacts(own, unit)
      for (const unit of page.handlers) addUnitFacts(own, unit)
      const group = page.group
      page.classicGlobals = unionNames(group.classicGlobals, own.classicGlobals)
      page.windowGlobals = unionNames(group.windowGlobals, own.windowGlobals)
      page.openReason = this.openPages.get(page.file) ?? group.openReason ?? own.openReason
      page.readsHash = group.readsHash || own.readsHash
      page.routesLinks = group.routesLinks || own.routesLinks
      page.readsOtherDocuments = group.readsOtherDocuments || own.readsOtherDocuments
    }
  }
}

/**
 * Tooling next to the site (a Vite root holds `vite.config.js`, `postcss.config.cjs`,
 * `eslint.config.js`…) runs in Node, not in a page: never judged by browser rules.
 */
function isNodeFile(path: string, text: string): boolean {
  if (/\.cjs$/i.test(path) || /(^|\/)[^/]*\.config\.m?js$/i.test(path) || /(^|\/)\.[^/]*rc\.m?js$/i.test(path))
    return true
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
