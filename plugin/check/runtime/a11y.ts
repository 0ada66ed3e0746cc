/**
 * Accessibility in the runtime check (issue #18): axe-core, run offline inside the loaded
 * page through `@axe-core/playwright`, limited to the WCAG 2.x A/AA rules (best-practice
 * rules are opinions, and precision comes first). Each violated node becomes one
 * `a11y-<axe rule id>` finding in the page file at the element's start tag; serious and
 * critical violations are errors, the rest warnings. Results axe marks "incomplete" (it
 * could not decide, e.g. text over a background image) are not findings.
 *
 * axe's own `target-size` rule is off: the layout check measures tap targets at phone width,
 * where they matter, and one defect is reported once.
 */
import type { Page } from 'playwright-core'

import type { Finding } from '../../diagnostics/diagnostic.js'
import { ELEMENT_HELPERS } from './layout-probe.js'
import { locateElement, type ElementSignature } from './element-location.js'
import type { SiteSources } from './site-sources.js'

export const A11Y_TAGS = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
const DISABLED_RULES = Object.freeze(['target-size'])
const MAX_MESSAGE = 400

/** Runs axe in `tab` (already loaded and settled) and returns its violations as findings in `page`. */
export async function checkAccessibility(tab: Page, page: string, sources: SiteSources): Promise<Finding[]> {
  const { AxeBuilder } = await import('@axe-core/playwright')
  // Legacy mode runs axe in the page itself: the default mode opens a blank page to merge
  // frame results, and the runtime check closes every page but the one under test.
  const results = await new AxeBuilder({ page: tab })
    .withTags([...A11Y_TAGS])
    .disableRules([...DISABLED_RULES])
    .setLegacyMode(true)
    .analyze()
  const nodes = results.violations.flatMap((v) =>
    v.nodes.map((node) => ({ v, node, selector: firstSelector(node.target) })),
  )
  const signatures = await tab.evaluate<Array<ElementSignature | null>>(
    `(() => { ${ELEMENT_HELPERS}
      return ${JSON.stringify(nodes.map((n) => n.selector))}.map((s) => {
        try { const el = s && document.querySelector(s); return el ? signatureOf(el) : null } catch { return null }
      }) })()`,
  )
  const html = await sources(page)
  return nodes.map(({ v, node, selector }, i) => {
    const signature = signatures[i]
    const at = html !== undefined && signature ? locateElement(html, signature) : undefined
    const why = (node.failureSummary ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^Fix (any|all) of the following:$/.test(l))[0]
    return {
      rule: `a11y-${v.id}`,
      severity: v.impact === 'serious' || v.impact === 'critical' ? 'error' : 'warning',
      file: page,
      line: at?.line ?? 0,
      column: at?.column ?? 0,
      message: clip(`${v.help}: ${selector || node.html}${why ? ` — ${why}` : ''}`),
      page,
    } satisfies Finding
  })
}

/** axe targets are selectors, or arrays of them for nodes inside frames / shadow roots: the first names the element in the page. */
function firstSelector(target: unknown): string {
  const first: unknown = Array.isArray(target) ? (target as unknown[])[0] : target
  return typeof first === 'string' ? first : Array.isArray(first) && typeof first[0] === 'string' ? first[0] : ''
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text
}
