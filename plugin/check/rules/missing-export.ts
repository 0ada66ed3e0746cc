import { posix } from 'node:path'

import type { Finding } from '../../diagnostics/diagnostic.js'
import type { ScriptUnit, SiteModel } from '../site-model.js'
import { didYouMean, findingAt, listNames } from './shared.js'

/**
 * missing-export: `import { x } from './m.js'` (or a default import, or a re-export)
 * where `m.js` parses but exports no `x`. `export * from` is followed; when it leads
 * somewhere we cannot read (another origin, a bare specifier), nothing is reported.
 */
export function missingExport(model: SiteModel): Finding[] {
  const out: Finding[] = []
  const modules = new Map<string, ScriptUnit>()
  for (const u of model.units) if (u.kind === 'module' && u.src) modules.set(u.src, u)
  const memo = new Map<string, Set<string> | undefined>()

  const resolve = (spec: string, from: ScriptUnit): string | undefined => {
    if (!/^(\.{0,2}\/)/.test(spec)) return undefined
    const dir = from.src ? posix.dirname(from.src).replace(/^\.$/, '') : model.pages.get(from.file)?.baseDir
    if (dir === undefined) return undefined
    const ref = model.classify(spec, from.file, dir)
    return ref.kind === 'local' && !ref.sameDocument ? model.resolve(ref) : undefined
  }

  /** All names a module exports, or undefined when that cannot be known. */
  const exportsOf = (path: string, visiting: Set<string>): Set<string> | undefined => {
    if (memo.has(path)) return memo.get(path)
    const unit = modules.get(path)
    if (!unit || !unit.analysis.ok || visiting.has(path)) return undefined
    visiting.add(path)
    const names = new Set(unit.analysis.facts.exports)
    let known = true
    for (const star of unit.analysis.facts.exportAllFrom) {
      const target = resolve(star.specifier, unit)
      const more = target ? exportsOf(target, visiting) : undefined
      if (!more) known = false
      else for (const n of more) if (n !== 'default') names.add(n)
    }
    visiting.delete(path)
    const result = known ? names : undefined
    memo.set(path, result)
    return result
  }

  for (const unit of model.units) {
    if (unit.kind !== 'module' || !unit.analysis.ok) continue
    for (const imp of unit.analysis.facts.imports) {
      if ((imp.kind !== 'static' && imp.kind !== 'reexport') || imp.names.length === 0) continue
      const target = resolve(imp.specifier, unit)
      if (!target || !/\.m?js$/i.test(target)) continue
      const exported = exportsOf(target, new Set())
      if (!exported) continue
      for (const n of imp.names) {
        if (exported.has(n.name)) continue
        const what = n.name === 'default' ? `${target} has no default export` : `${target} does not export "${n.name}"`
        const hint = n.name === 'default' ? '' : didYouMean(n.name, exported)
        out.push(
          findingAt(
            model,
            'missing-export',
            'error',
            unit.file,
            unit.offset + n.start,
            `${what}${hint} (it exports: ${listNames([...exported].sort())})`,
          ),
        )
      }
    }
  }
  return out
}
