import { readFileSync } from 'node:fs'
import type { ZodType } from 'zod'
import { writeFileAtomic } from './atomic-write.js'

/**
 * Small per-machine memo files in `.sitesmith/` (last-run.json, dist-check.json): results a
 * later run may reuse. Unlike the artifacts, they are disposable: a missing, torn or
 * outdated memo is simply not used, never an error.
 */
export function readMemo<T>(file: string, schema: ZodType<T>): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

export function writeMemo(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value)}\n`)
}
