import { appendFileSync } from 'node:fs'

/** Module resolve hook: append each resolved URL to the log file (one per line). */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  const log = process.env.SITESMITH_IMPORT_LOG
  if (log) appendFileSync(log, `${result.url}\n`)
  return result
}
