import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { findingAt } from './shared.js'

/**
 * js-syntax: a script file, inline `<script>`, or `on*` handler that does not parse the
 * way the browser will run it (a classic script with `import`, top-level `await` outside
 * a module, a truncated function…).
 */
export function jsSyntax(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const unit of [...model.units, ...model.handlers]) {
    if (unit.analysis.ok) continue
    const what =
      unit.kind === 'handler'
        ? `${unit.attr} handler`
        : unit.src
          ? `${unit.kind === 'module' ? 'module' : 'script'}`
          : `inline ${unit.kind === 'module' ? 'module' : 'script'}`
    out.push(
      findingAt(
        model,
        'js-syntax',
        'error',
        unit.file,
        unit.offset + unit.analysis.error.offset,
        `${what} does not parse: ${unit.analysis.error.message}`,
      ),
    )
  }
  return out
}
