import type { Names, PageModel, ResolvedImport, ScopeFacts, ScriptGroup, ScriptUnit, UnitPages } from './model-types.js'

/**
 * Which pages run which script files, by script set (#13, scale). A module deep in an
 * import chain is run by most pages of a large site, so "page → every unit it runs" has up
 * to pages × modules members, and so did the global scope each page was given: at 20,000
 * files that was most of the checker's time and memory. Pages that run exactly the same
 * script files form one group; the group holds the units and their global scope once, and a
 * unit lists the groups that run it. A page adds only its own inline code and handlers.
 */

/** The pages of a unit: its own page (inline code, handlers), or the pages of its groups. */
export class GroupPages implements UnitPages {
  /** Allocated on first use: most units are handlers, on one page. */
  private groups: ScriptGroup[] | undefined
  private page: PageModel | undefined
  private count = 0

  get size(): number {
    return this.count
  }

  /** Inline code and handlers run on the one page that holds them. */
  setPage(page: PageModel): void {
    this.page = page
    this.count = 1
  }

  /** Groups are disjoint (a page is in one group), so sizes add up. */
  addGroup(group: ScriptGroup): void {
    ;(this.groups ??= []).push(group)
    this.count += group.pages.length
  }

  models(): readonly PageModel[] {
    if (this.page) return [this.page]
    if (!this.groups) return []
    if (this.groups.length === 1) return this.groups[0].pages
    return this.groups.flatMap((g) => g.pages).sort((a, b) => a.ordinal - b.ordinal)
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const p of this.models()) yield p.file
  }
}

export function emptyScopeFacts(): ScopeFacts {
  return {
    classicGlobals: new Set(),
    windowGlobals: new Set(),
    openReason: undefined,
    readsHash: false,
    routesLinks: false,
    readsOtherDocuments: false,
  }
}

/** Add what one unit contributes to the global scope of the pages that run it. */
export function addUnitFacts(acc: ScopeFacts, unit: ScriptUnit): void {
  const open = (reason: string) => (acc.openReason ??= reason)
  const a = unit.analysis
  if (!a.ok) {
    if (unit.kind !== 'handler') open(`${unit.src ?? 'an inline script'} does not parse`)
    return
  }
  if (unit.kind === 'classic') {
    for (const n of a.scope.topLevel) acc.classicGlobals.add(n)
    for (const w of a.scope.unresolvedWrites) acc.classicGlobals.add(w.name)
    if (a.scope.topLevelThis) open(`${unit.src ?? 'an inline script'} passes the global object around`)
  }
  if (unit.kind === 'handler') for (const w of a.scope.unresolvedWrites) acc.classicGlobals.add(w.name)
  for (const n of a.facts.windowGlobals) acc.windowGlobals.add(n)
  if (a.facts.opaque || a.scope.dynamicScope) open(`${unit.src ?? 'an inline script'} defines globals dynamically`)
  if (a.facts.readsHash) acc.readsHash = true
  if (a.facts.pushesHistory) acc.routesLinks = true
  if (a.facts.readsOtherDocuments) acc.readsOtherDocuments = true
}

/** The names of `a` and of `b`; `a` itself when `b` adds none (most pages add none). */
export function unionNames(a: Set<string>, b: Set<string>): Names {
  if (b.size === 0) return a
  if (a.size === 0) return b
  return {
    has: (name) => a.has(name) || b.has(name),
    *[Symbol.iterator]() {
      yield* a
      for (const n of b) if (!a.has(n)) yield n
    },
  }
}

export interface GroupInput {
  page: PageModel
  /** Script files the page loads, and the modules its inline modules import. */
  roots: ScriptUnit[]
}

/**
 * Group pages by the script files they run and give each group its units (the roots and,
 * through module imports, everything they pull in) and the scope those make. `importsOf`
 * must be resolved already; `all` is `SiteModel.units`, whose order the groups' units keep.
 */
export function groupPages(
  inputs: GroupInput[],
  importsOf: (unit: ScriptUnit) => readonly ResolvedImport[],
  all: readonly ScriptUnit[],
): ScriptGroup[] {
  const order = new Map<ScriptUnit, number>()
  all.forEach((u, i) => order.set(u, i))
  const byKey = new Map<string, ScriptGroup>()
  for (const { page, roots } of inputs) {
    const key = [...new Set(roots.map((u) => order.get(u) ?? -1))].sort((a, b) => a - b).join(',')
    let group = byKey.get(key)
    if (!group) {
      group = { ...emptyScopeFacts(), units: [], pages: [] }
      const { units, importReason } = closure(roots, importsOf)
      // Sorting numbers, not units by a look-up per comparison: groups hold most units of a big site.
      group.units = Array.from(Int32Array.from(units, (u) => order.get(u) ?? 0).sort(), (i) => all[i])
      group.openReason = importReason
      for (const unit of group.units) addUnitFacts(group, unit)
      byKey.set(key, group)
    }
    group.pages.push(page)
    page.group = group
  }
  const groups = [...byKey.values()]
  for (const group of groups) for (const unit of group.units) (unit.pages as GroupPages).addGroup(group)
  return groups
}

/** Every unit `roots` run: the roots, and what modules among them import, transitively. */
function closure(
  roots: ScriptUnit[],
  importsOf: (unit: ScriptUnit) => readonly ResolvedImport[],
): { units: ScriptUnit[]; importReason: string | undefined } {
  const seen = new Set<ScriptUnit>()
  const stack = [...roots]
  let importReason: string | undefined
  while (stack.length > 0) {
    const unit = stack.pop()!
    if (seen.has(unit)) continue
    seen.add(unit)
    if (unit.kind !== 'module') continue
    for (const imp of importsOf(unit)) {
      if (imp.target.kind === 'opaque') importReason ??= imp.target.why
      else if (imp.target.kind === 'local' && !seen.has(imp.target.unit)) stack.push(imp.target.unit)
    }
  }
  return { units: [...seen], importReason }
}
