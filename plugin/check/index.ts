import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'

import { compareFindings } from '../diagnostics/diagnostic.js'
import type { Finding } from '../diagnostics/diagnostic.js'
import { ignoreMatcher } from '../analysis/ignore-globs.js'
import { RULES } from './rules/index.js'
import { externalResource, type ExternalResourceOptions } from './rules/external-resource.js'
import { readSiteFiles } from './site-files.js'
import { buildSiteModel } from './site-model.js'
import { isHtmlPath } from '../analysis/urls.js'
import { applySuppressions } from './suppressions.js'

/**
 * The static cross-file checker (docs/ARCHITECTURE.md, "Checkers"): parse every file of a site
 * once into a site model, run every rule over it, return findings in a stable order.
 */
export { extractInterface } from '../analysis/extract-interface.js'
export { parseCheck } from '../analysis/parse-check.js'
export type { ParseCheckResult } from '../analysis/parse-check.js'
export { buildSiteModel } from './site-model.js'
export type { SiteModel } from './site-model.js'
export { RULES } from './rules/index.js'
export { readSiteFiles } from './site-files.js'
export { ignoreMatcher, IgnoreGlobError } from '../analysis/ignore-globs.js'
export { applySuppressions, parseDirectives } from './suppressions.js'

export interface CheckFilesOptions {
  /**
   * Paths of files that exist but are not in `files` (images, fonts…): links to them
   * resolve. Without them every link to an image is a broken link.
   * @default []
   */
  otherPaths?: Iterable<string>
  /**
   * Report only findings in these files (the whole site is still read for cross-file facts).
   * @default every file
   */
  only?: Iterable<string>
  /**
   * The URL path the site is served under (Vite's `base`, e.g. `/docs/`): root-relative URLs
   * under it resolve in the site, others are another site's and not judged. Unset, it is
   * inferred (see `rebaseRootRelative`): `/` for a site with a root `index.html`.
   * @default inferred
   */
  base?: string
  /** The site folder's name, so `/<…>/<name>/page.html` resolves under a sub-path deploy. @default none */
  siteName?: string
  /**
   * Files sitesmith generated, judged by `external-resource` (#10) with the origins they may
   * load from. Undefined: the rule does not run (a folder a person wrote).
   * @default undefined
   */
  generated?: ExternalResourceOptions
}

/**
 * Check in-memory content: `files` maps site-relative posix paths to text. Pure — the
 * pipeline calls it on generated content before anything is written.
 */
export function checkFiles(files: ReadonlyMap<string, string>, options: CheckFilesOptions = {}): Finding[] {
  const normalized = new Map<string, string>()
  for (const [path, text] of files) normalized.set(normalizePath(path), text)
  const model = buildSiteModel(normalized, [...(options.otherPaths ?? [])].map(normalizePath), {
    base: options.base,
    siteName: options.siteName,
  })
  const only = options.only ? new Set([...options.only].map(normalizePath)) : undefined
  const seen = new Set<string>()
  const out: Finding[] = []
  const generated = options.generated
  const rules = generated
    ? [...Object.values(RULES), (m: typeof model) => externalResource(m, generated)]
    : Object.values(RULES)
  for (const rule of rules) {
    for (const f of rule(model)) {
      if (only && !only.has(f.file)) continue
      // A script file run both as classic and as module is analysed twice; report once.
      const key = `${f.rule}\0${f.file}\0${f.line}\0${f.column}\0${f.message}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push(f)
    }
  }
  return out.sort(compareFindings)
}

export interface CheckSiteOptions {
  /**
   * Report only findings in these site-relative files; the whole site is still read.
   * @default every file
   */
  files?: string[]
  /**
   * Globs of site files not to check (see `ignore-globs.ts`): they still exist for links,
   * but are not parsed and nothing is reported in them.
   * @default []
   */
  ignore?: readonly string[]
  /**
   * Honour `sitesmith-disable…` comments. The `sitesmith check` linter does; the build's
   * own check does not, because the coder model writes those files and could silence the
   * findings it is asked to fix (issue #13).
   * @default false
   */
  suppressions?: boolean
  /** See `CheckFilesOptions.generated`. @default undefined (the rule does not run) */
  generated?: ExternalResourceOptions
}

export interface SiteCheck {
  findings: Finding[]
  /** Site-relative paths of the HTML pages checked (not ignored). */
  pages: string[]
  /** HTML, CSS and JS files parsed (not ignored). */
  files: ReadonlyMap<string, string>
  /** Findings silenced by suppression comments. */
  suppressed: number
}

/** Check a site directory on disk. Throws (naming the path) when `dir` is not a directory. */
export async function checkSite(dir: string, options: CheckSiteOptions = {}): Promise<Finding[]> {
  return (await checkSiteDetailed(dir, options)).findings
}

/** `checkSite` plus what was checked, for the CLI's summary and its browser pass. */
export async function checkSiteDetailed(dir: string, options: CheckSiteOptions = {}): Promise<SiteCheck> {
  const root = resolve(dir)
  const info = await stat(root).catch(() => undefined)
  if (!info) throw new Error(`site directory not found: ${root}`)
  if (!info.isDirectory()) throw new Error(`not a directory: ${root}`)
  const isIgnored = ignoreMatcher(options.ignore ?? [])
  const read = await readSiteFiles(root)
  const texts = new Map<string, string>()
  const otherPaths = [...read.otherPaths]
  for (const [path, text] of read.texts) {
    if (isIgnored(path)) otherPaths.push(path)
    else texts.set(path, text)
  }
  let findings = checkFiles(texts, {
    otherPaths,
    only: options.files,
    siteName: basename(root),
    ...(options.generated ? { generated: options.generated } : {}),
  })
  let suppressed = 0
  if (options.suppressions) {
    const result = applySuppressions(findings, texts, KNOWN_RULES)
    findings = result.findings.sort(compareFindings)
    suppressed = result.suppressed
  }
  return { findings, pages: [...texts.keys()].filter(isHtmlPath), files: texts, suppressed }
}

/** Rule ids a suppression may name: the static rules and the browser check's. */
export const KNOWN_RULES: ReadonlySet<string> = new Set([
  ...Object.keys(RULES),
  'external-resource',
  'runtime-error',
  'failed-request',
  'invalid-suppression',
])

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '')
}
