import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'

import { describe, expect, it } from 'vitest'

import { buildSiteModel, checkFiles } from '../../../plugin/check/index.js'
import type { ScriptUnit, SiteModel } from '../../../plugin/check/site-model.js'
import { scriptSetSite } from './script-set-site.js'

/**
 * Pages grouped by script set (#13, scale) must change nothing a rule sees. Two proofs on
 * generated sites with shared and distinct script sets:
 *  - findings equal those the checker gave before the grouping (recorded from it, seeds 1–3);
 *  - every page's scope and every unit's pages equal a plain per-page walk of the scripts.
 */
const BEFORE = join(import.meta.dirname, '..', '..', 'fixtures', 'check', 'script-sets', 'findings-before.json')

describe('script groups', () => {
  it('give the same findings as the per-page model did', () => {
    const before = JSON.parse(readFileSync(BEFORE, 'utf8')) as Record<string, unknown>
    for (const seed of [1, 2, 3]) expect(checkFiles(scriptSetSite(seed)), `seed ${seed}`).toEqual(before[seed])
    // The site exercises what the grouping touches, so an equal list is not an empty one.
    const rules = new Set(Object.values(before).flatMap((fs) => (fs as { rule: string }[]).map((f) => f.rule)))
    expect([...rules].sort()).toEqual([
      'broken-link',
      'js-syntax',
      'missing-anchor',
      'missing-element',
      'undefined-reference',
      'unknown-handler',
    ])
  })

  it('give each page the scope and each unit the pages a per-page walk finds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const model = buildSiteModel(scriptSetSite(seed, 7, 6))
      const walk = perPageWalk(model)
      const groups = new Set([...model.pages.values()].map((p) => p.group))
      // Shared and distinct script sets both occur.
      expect(groups.size).toBeGreaterThan(7)
      expect(groups.size).toBeLessThan(model.pages.size)
      for (const page of model.pages.values()) {
        const w = walk.get(page.file)!
        expect([...page.inline, ...page.group.units, ...page.handlers], page.file).toEqual(w.units)
        expect(new Set(page.classicGlobals), page.file).toEqual(w.classicGlobals)
        expect(new Set(page.windowGlobals), page.file).toEqual(w.windowGlobals)
        expect(page.openReason !== undefined, page.file).toBe(w.open)
        expect(page.readsHash, page.file).toBe(w.readsHash)
        expect(page.routesLinks, page.file).toBe(w.routesLinks)
      }
      for (const unit of [...model.units, ...model.handlers]) {
        const expected = [...model.pages.keys()].filter((p) => walk.get(p)!.units.includes(unit))
        expect([...unit.pages], `${unit.file} ${unit.kind}`).toEqual(expected)
        expect(unit.pages.size).toBe(expected.length)
      }
    }
  })
})

interface Walked {
  units: ScriptUnit[]
  classicGlobals: Set<string>
  windowGlobals: Set<string>
  open: boolean
  readsHash: boolean
  routesLinks: boolean
}

/**
 * The reference: for each page on its own, follow its scripts and their module imports
 * (resolved by path, as a browser would) and collect what they declare.
 */
function perPageWalk(model: SiteModel): Map<string, Walked> {
  const byPath = new Map(model.units.filter((u) => u.src).map((u) => [`${u.src}\0${u.kind}`, u]))
  const resolve = (spec: string, fromDir: string) => posix.join(fromDir, spec)
  const out = new Map<string, Walked>()
  for (const page of model.pages.values()) {
    const runs = new Set<ScriptUnit>()
    let open = false
    const visit = (unit: ScriptUnit | undefined) => {
      if (!unit || runs.has(unit)) return
      runs.add(unit)
      if (unit.kind !== 'module' || !unit.analysis.ok) return
      const dir = unit.src ? unit.src.replace(/\/?[^/]*$/, '') : page.baseDir!
      for (const imp of unit.analysis.facts.imports) {
        if (imp.kind !== 'static' && imp.kind !== 'dynamic' && imp.kind !== 'reexport') continue
        if (!imp.specifier.startsWith('.')) open = true
        else visit(byPath.get(`${resolve(imp.specifier, dir)}\0module`))
      }
    }
    for (const s of page.facts.scripts) {
      if ('inline' in s) continue
      if (/^https?:/.test(s.src)) open = true
      else visit(byPath.get(`${resolve(s.src, page.baseDir!)}\0${s.kind}`))
    }
    for (const u of page.inline) visit(u)
    const units = [...page.inline, ...model.units.filter((u) => u.src && runs.has(u)), ...page.handlers]
    const w: Walked = {
      units,
      classicGlobals: new Set(),
      windowGlobals: new Set(),
      open,
      readsHash: false,
      routesLinks: false,
    }
    for (const u of units) {
      const a = u.analysis
      if (!a.ok) {
        if (u.kind !== 'handler') w.open = true
        continue
      }
      if (u.kind === 'classic') {
        for (const n of [...a.scope.topLevel, ...a.scope.unresolvedWrites.map((r) => r.name)]) w.classicGlobals.add(n)
      }
      if (u.kind === 'handler') for (const r of a.scope.unresolvedWrites) w.classicGlobals.add(r.name)
      for (const n of a.facts.windowGlobals) w.windowGlobals.add(n)
      if (a.facts.opaque || a.scope.dynamicScope || (u.kind === 'classic' && a.scope.topLevelThis)) w.open = true
      if (a.facts.readsHash) w.readsHash = true
      if (a.facts.pushesHistory) w.routesLinks = true
    }
    out.set(page.file, w)
  }
  return out
}
