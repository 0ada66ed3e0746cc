import { posix } from 'node:path'

import type { FileInterface } from '../store/artifact-schemas.js'
import { analyzeCss } from './css-sheet.js'
import { analyzePage } from './html-page.js'
import { analyzeScript } from './js-script.js'
import type { ScriptAnalysis } from './js-script.js'
import { classifyUrl } from './urls.js'

/**
 * What a file offers the rest of the site, parsed from its text (never guessed): the
 * generator sends these to the small model writing dependent files, and the cache keys on
 * them, so the result is deterministic — deduplicated and sorted. Parts that do not parse
 * contribute nothing (the integrity gate reports them; see `parseCheck`).
 */
export function extractInterface(path: string, content: string): FileInterface {
  const acc = new InterfaceBuilder()
  const lower = path.toLowerCase()
  if (/\.html?$/.test(lower)) htmlInterface(path, content, acc)
  else if (lower.endsWith('.css')) cssInterface(path, content, acc, posix.dirname(path))
  else if (/\.(m?js|cjs)$/.test(lower)) {
    const moduleSyntax = /(^|[\n;])\s*(import\s*[\w{*'"]|export\s)/.test(content)
    let a = analyzeScript(content, moduleSyntax ? 'module' : 'classic')
    if (!a.ok) a = analyzeScript(content, moduleSyntax ? 'classic' : 'module')
    scriptInterface(path, a, acc, posix.dirname(path))
  }
  return acc.result()
}

class InterfaceBuilder {
  readonly ids = new Set<string>()
  readonly classes = new Set<string>()
  readonly globals = new Set<string>()
  readonly exports = new Set<string>()
  readonly cssVars = new Set<string>()
  readonly links = new Set<string>()

  link(url: string, from: string, baseDir: string, asDirectoryIndex = true): void {
    const ref = classifyUrl(url, from, baseDir === '.' ? '' : baseDir)
    if (ref.kind !== 'local' || ref.sameDocument) return
    const p = ref.directory && asDirectoryIndex ? posix.join(ref.path, 'index.html') : ref.path
    if (p && p !== from) this.links.add(p)
  }

  result(): FileInterface {
    const sorted = (s: Set<string>) => [...s].sort()
    return {
      ids: sorted(this.ids),
      classes: sorted(this.classes),
      globals: sorted(this.globals),
      exports: sorted(this.exports),
      cssVars: sorted(this.cssVars),
      links: sorted(this.links),
    }
  }
}

function htmlInterface(path: string, content: string, acc: InterfaceBuilder): void {
  const page = analyzePage(content)
  const baseDir = posix.dirname(path)
  for (const id of page.ids.keys()) acc.ids.add(id)
  for (const id of page.templateIds) acc.ids.add(id)
  for (const c of page.classes) acc.classes.add(c)
  for (const link of page.links) {
    if (link.role !== 'navigate' && !(link.tag === 'link' && /\.(css|m?js)([?#]|$)/i.test(link.url))) continue
    acc.link(link.url, path, baseDir)
  }
  for (const s of page.scripts) {
    if ('src' in s) acc.link(s.src, path, baseDir)
    else scriptInterface(path, analyzeScript(s.inline.code, s.kind), acc, baseDir, true)
  }
  for (const s of page.styles) cssInterface(path, s.code, acc, baseDir)
  for (const s of page.styleAttrs) for (const v of analyzeCss(s.code, 'declarations').varDefs) acc.cssVars.add(v)
}

function cssInterface(path: string, content: string, acc: InterfaceBuilder, baseDir: string): void {
  const facts = analyzeCss(content, 'sheet')
  for (const id of facts.ids) acc.ids.add(id)
  for (const c of facts.classes) acc.classes.add(c)
  for (const v of facts.varDefs) acc.cssVars.add(v)
  for (const u of facts.urls) if (u.isImport) acc.link(u.url, path, baseDir, false)
}

function scriptInterface(
  path: string,
  a: ScriptAnalysis,
  acc: InterfaceBuilder,
  baseDir: string,
  inline = false,
): void {
  if (!a.ok) return
  const { facts, scope } = a
  for (const id of facts.createdIds) acc.ids.add(id)
  for (const c of facts.createdClasses) acc.classes.add(c)
  for (const v of facts.cssVarDefs) acc.cssVars.add(v)
  for (const g of facts.windowGlobals) acc.globals.add(g)
  if (a.kind === 'classic') {
    for (const g of scope.topLevel) acc.globals.add(g)
    for (const w of scope.unresolvedWrites) acc.globals.add(w.name)
  } else if (!inline) for (const e of facts.exports) acc.exports.add(e)
  for (const imp of facts.imports) {
    if (
      imp.kind === 'worker' ||
      imp.kind === 'worklet' ||
      /^(\.{0,2}\/)/.test(imp.specifier) ||
      imp.kind === 'worker-module-url'
    )
      acc.link(imp.specifier, path, baseDir, false)
  }
}
