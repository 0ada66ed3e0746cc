import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { z } from 'zod'
import type { ResolvedOptions } from '../options.js'
import { FindingSchema } from '../store/artifact-schemas.js'
import { findingKey, type Finding } from '../diagnostics/diagnostic.js'
import type { Logger } from '../report/logger.js'
import { Progress } from '../report/progress.js'
import { checkSiteNow } from '../pipeline/site-checks.js'
import { sha256 } from '../store/atomic-write.js'
import { readMemo, writeMemo } from '../store/memo-file.js'
import { sitesmithDir } from '../store/artifacts.js'

/**
 * After `vite build`, the built site is what users get, so it is checked too: the static
 * checker over `dist/` (every referenced script, stylesheet and page must exist there) and
 * the browser pass over every built page. Findings are reported with `dist/`-relative files.
 *
 * Vite's output is deterministic, so a rebuild of an unchanged site produces the same
 * bytes; the result for those bytes is remembered (`.sitesmith/dist-check.json`) and a
 * no-op rebuild does not pay for a browser launch again (issue 4: no-op overhead).
 */
const DistCheckSchema = z.object({ hash: z.string(), runtime: z.boolean(), findings: z.array(FindingSchema) })

export async function validateDist(input: {
  outDir: string
  options: ResolvedOptions
  logger: Logger
}): Promise<{ findings: Finding[]; runtimeSkipped?: string; reused: boolean }> {
  const { outDir, options } = input
  const memo = join(sitesmithDir(options.siteDir), 'dist-check.json')
  const hash = hashTree(outDir)
  const previous = readMemo(memo, DistCheckSchema)
  if (previous && previous.hash === hash && previous.runtime === options.runtimeCheck.enabled) {
    return { findings: previous.findings, reused: true }
  }

  const progress = new Progress({ logger: input.logger, name: 'sitesmith dist' })
  const checker = checkSiteNow({
    options: { ...options, runtimeCheck: { ...options.runtimeCheck, screenshots: false } },
    progress,
    dir: outDir,
  })
  const raw = await checker.full()
  const outName = outDir.split(/[\\/]/).pop() ?? 'dist'
  const findings = raw.map((f) => ({
    ...f,
    file: `${outName}/${f.file}`,
    ...(f.page ? { page: `${outName}/${f.page}` } : {}),
  }))
  const runtimeSkipped = checker.runtimeSkipped()
  // A skipped browser pass is not remembered as a clean one.
  if (!runtimeSkipped) await writeMemo(memo, { hash, runtime: options.runtimeCheck.enabled, findings })
  return { findings, runtimeSkipped, reused: false }
}

/** One hash for every file under `dir`: paths and bytes. */
function hashTree(dir: string): string {
  const parts: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else parts.push(`${relative(dir, p).split(sep).join('/')}\0${sha256(readFileSync(p))}`)
    }
  }
  walk(dir)
  return sha256(parts.join('\n'))
}

/**
 * The dist/ findings that say something the run's own findings do not. A defect the run
 * already reported for `x.html` is found again in its built copy `dist/x.html` (same rule,
 * same message, lines shifted by Vite's injected tags); `vite build` says it once, at the
 * source a person edits (#14, "say each thing once"). A built copy whose message differs
 * (hashed asset names, a script Vite moved) is kept: it is news about dist/.
 */
export function distFindingsNotInRun(distFindings: Finding[], runFindings: Finding[], outName: string): Finding[] {
  const prefix = `${outName}/`
  const inRun = new Set(runFindings.map(findingKey))
  return distFindings.filter((d) => {
    if (!d.file.startsWith(prefix)) return true
    return !inRun.has(findingKey({ ...d, file: d.file.slice(prefix.length) }))
  })
}
