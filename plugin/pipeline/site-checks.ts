import { join } from 'node:path'
import type { ResolvedOptions } from '../options.js'
import { compareFindings, type Finding } from '../diagnostics/diagnostic.js'
import type { Progress } from '../report/progress.js'
import { checkSite } from '../check/index.js'
import { ignoreMatcher } from '../analysis/ignore-globs.js'
import { runRuntimeCheck } from '../check/runtime/runtime-check.js'
import { screenshotPages, type PageShots } from '../check/runtime/screenshots.js'
import { readTracker, sitesmithDir } from '../store/artifacts.js'
import { listHtmlPages } from '../check/html-pages.js'

/**
 * The check stage as the pipeline uses it: the deterministic cross-file checker over the
 * whole site, plus (when enabled) the headless-browser pass over every page. A missing
 * Chromium is reported once, in one line, and the static findings still count.
 */
export interface SiteChecker {
  staticOnly(): Promise<Finding[]>
  full(): Promise<Finding[]>
  /** Why the browser pass was skipped, if it was. */
  runtimeSkipped(): string | undefined
}

export function checkSiteNow(input: {
  options: ResolvedOptions
  progress: Progress
  signal?: AbortSignal
  dir?: string
}): SiteChecker {
  const { options, progress } = input
  const dir = input.dir ?? options.siteDir
  let skipped: string | undefined
  let warned = false

  // `check.ignore` (issue #13): ignored files are not checked, nor judged by the browser pass.
  const isIgnored = ignoreMatcher(options.check.ignore)
  // external-resource (#10) judges the files sitesmith wrote, as the tracker lists them now;
  // the dist/ check (another dir) has no tracker of its own and is not judged by it.
  const generated = async () => {
    if (input.dir !== undefined && input.dir !== options.siteDir) return {}
    // A tracker that does not parse is the pipeline's to report; the rule then has nothing to judge.
    const tracker = await readTracker(options.siteDir).catch(() => undefined)
    if (!tracker) return {}
    const paths = Object.entries(tracker.files)
      .filter(([, f]) => f.owner !== 'user')
      .map(([p]) => p)
    return { generated: { generated: new Set(paths), allowOrigins: options.check.allowOrigins } }
  }
  const staticOnly = async () =>
    (await checkSite(dir, { ignore: options.check.ignore, ...(await generated()) })).sort(compareFindings)
  return {
    staticOnly,
    async full() {
      const findings = await staticOnly()
      if (!options.runtimeCheck.enabled) return findings
      const runtime = await runRuntimeCheck({
        dir,
        pages: listHtmlPages(dir, ['public']).filter((p) => !isIgnored(p)),
        executablePath: options.runtimeCheck.executablePath,
        concurrency: options.runtimeCheck.concurrency,
        screenshotsDir: options.runtimeCheck.screenshots
          ? join(sitesmithDir(options.siteDir), 'screenshots')
          : undefined,
        audit: {
          a11y: options.runtimeCheck.a11y,
          layout: options.runtimeCheck.layout,
          cropsDir: join(sitesmithDir(options.siteDir), 'screenshots'),
        },
        signal: input.signal,
      })
      if (runtime.skipped) {
        skipped = runtime.skipped
        if (!warned) progress.line(`runtime check skipped: ${runtime.skipped}`, 'warn')
        warned = true
      }
      if (runtime.auditIncomplete.length > 0) {
        progress.line(
          `accessibility/layout check incomplete (a pass ran out of its time budget): ${runtime.auditIncomplete.join(', ')}`,
          'warn',
        )
      }
      return [...findings, ...runtime.findings.filter((f) => !isIgnored(f.file))].sort(compareFindings)
    },
    runtimeSkipped: () => skipped,
  }
}

/**
 * Pictures for the visual review (`review.visual`): the changed pages at desktop and phone
 * width, from the site as it is on disk. Without Chromium the visual review is skipped with
 * one line saying why.
 */
export function visualShots(
  options: ResolvedOptions,
  progress: Progress,
  signal?: AbortSignal,
): (pages: string[]) => Promise<PageShots[]> {
  return async (pages) => {
    const { shots, skipped } = await screenshotPages({
      dir: options.siteDir,
      pages,
      executablePath: options.runtimeCheck.executablePath,
      signal,
    })
    if (skipped) progress.line(`visual review skipped: ${skipped}`, 'warn')
    return shots
  }
}
