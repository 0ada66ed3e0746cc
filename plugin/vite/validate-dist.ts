import { join } from 'node:path'
import type { ResolvedOptions } from '../options.js'
import type { Finding } from '../report/diagnostic.js'
import type { Logger } from '../report/logger.js'
import { Progress } from '../report/progress.js'
import { checkSiteNow } from '../pipeline/site-checks.js'

/**
 * After `vite build`, the built site is what users get, so it is checked too: the static
 * checker over `dist/` (every referenced script, stylesheet and page must exist there) and
 * the browser pass over every built page. Findings are reported with `dist/`-relative files.
 */
export async function validateDist(input: { outDir: string; options: ResolvedOptions; logger: Logger }): Promise<{ findings: Finding[]; runtimeSkipped?: string }> {
  const progress = new Progress({ logger: input.logger, name: 'sitesmith dist' })
  const checker = checkSiteNow({ options: { ...input.options, runtimeCheck: { ...input.options.runtimeCheck, screenshots: false } }, progress, dir: input.outDir })
  const findings = await checker.full()
  const outName = input.outDir.split(/[\\/]/).pop() ?? 'dist'
  return { findings: findings.map((f) => ({ ...f, file: join(outName, f.file).split('\\').join('/'), page: f.page && join(outName, f.page).split('\\').join('/') })), runtimeSkipped: checker.runtimeSkipped() }
}
