import { isAbsolute, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

import type { Finding } from './diagnostic.js'

/**
 * `sitesmith check --format sarif` (issue #13): a SARIF 2.1.0 log for code-scanning tools
 * (GitHub code scanning, the VS Code SARIF viewer). One run, one result per finding; file
 * locations are relative to `%SRCROOT%`, the directory the command ran in, like eslint's
 * SARIF formatter, so uploads from the repository root line up with the repository's files.
 * The output is validated against the SARIF 2.1.0 JSON schema in the tests.
 */

/** What each rule checks, for the log's rule metadata (the rule table of the design). */
export const RULE_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  'broken-link': 'A local href/src, CSS url() or JS import points to a missing file.',
  'missing-anchor': 'A #fragment link names no element id (or <a name>) in its target page.',
  'unknown-handler': 'An inline on* handler calls a function that is not global in that page.',
  'missing-element': 'getElementById / querySelector("#x") looks up an id that no page loading the script has.',
  'missing-class': 'querySelector(".x") / getElementsByClassName("x") looks up a class used nowhere.',
  'duplicate-id': 'The same id appears twice in one document.',
  'js-syntax': 'A script (file or inline) does not parse.',
  'css-syntax': 'A stylesheet (file, <style> or style="") does not parse.',
  'missing-export': 'A named import that the target module does not export.',
  'undefined-reference': 'An identifier is read but declared nowhere in the page scope nor a browser/JS global.',
  'undefined-css-variable': 'var(--x) without a fallback, and --x is defined nowhere.',
  'unknown-css-property': 'A property that is not CSS (a typo); custom and vendor-prefixed ones excepted.',
  'runtime-error': 'Headless Chromium reported an uncaught error or console error on a page.',
  'failed-request': 'Headless Chromium could not load a local file a page requested.',
  'invalid-suppression': 'A sitesmith-disable comment names a rule that does not exist.',
})

export interface SarifOptions {
  /** Absolute site directory the findings' `file`s are relative to. */
  root: string
  /** Absolute directory locations are made relative to (`%SRCROOT%`). */
  cwd: string
  toolVersion: string
  /** Every rule that ran, so the log lists rules with no result too. @default the rules of the findings */
  rules?: Iterable<string>
}

/** The SARIF log as a JSON string. */
export function formatFindingsSarif(findings: readonly Finding[], options: SarifOptions): string {
  const ruleIds = [...new Set([...(options.rules ?? []), ...findings.map((f) => f.rule)])].sort()
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]))
  const srcRoot = pathToFileURL(options.cwd.endsWith(sep) ? options.cwd : options.cwd + sep).href
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sitesmith',
            version: options.toolVersion,
            informationUri: 'https://www.npmjs.com/package/vite-plugin-sitesmith',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: RULE_DESCRIPTIONS[id] ?? id },
              // A rule's level is per finding (runtime findings may be either); error is the common case.
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcRoot } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: f.severity,
          message: { text: f.message },
          locations: [{ physicalLocation: physicalLocation(f, options) }],
          ...(f.page && f.page !== f.file ? { properties: { page: f.page } } : {}),
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  }
  return JSON.stringify(log, null, 2)
}

function physicalLocation(f: Finding, options: SarifOptions) {
  const abs = `${options.root}${sep}${f.file.split('/').join(sep)}`
  const rel = relative(options.cwd, abs)
  // Outside the working directory: an absolute file URI (SARIF allows either).
  const artifactLocation =
    rel.startsWith('..') || isAbsolute(rel)
      ? { uri: pathToFileURL(abs).href }
      : { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }
  // Line 0 means "unknown": SARIF regions start at 1, so the region is left out.
  if (f.line < 1) return { artifactLocation }
  const start = { startLine: f.line, ...(f.column >= 1 ? { startColumn: f.column } : {}) }
  // The end of the range, when the tool knew it (#11); both count endColumn exclusively.
  const end =
    f.endLine && f.endLine >= f.line ? { endLine: f.endLine, ...(f.endColumn ? { endColumn: f.endColumn } : {}) } : {}
  return { artifactLocation, region: { ...start, ...end } }
}
