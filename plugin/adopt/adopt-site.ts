import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { relative } from 'node:path'
import pLimit from 'p-limit'
import type { ResolvedOptions } from '../options.js'
import { Progress } from '../report/progress.js'
import type { Logger } from '../report/logger.js'
import { extractInterface } from '../check/index.js'
import { parseSpec, sectionHashes } from '../spec/sections.js'
import { readTasks, readTracker, sitesmithDir, writeTasks, writeTracker } from '../store/artifacts.js'
import type { FileInterface, FileTracker } from '../store/artifact-schemas.js'
import { FileInterfaceSchema, TrackedFileSchema } from '../store/artifact-schemas.js'
import { sha256, writeFileAtomic } from '../store/atomic-write.js'
import { acquireSiteLock } from '../store/site-lock.js'
import { createModelSession } from '../pipeline/model-session.js'
import { siteInventory } from './site-inventory.js'
import { modelSummary, staticSummary } from './summaries.js'
import { draftSpec } from './draft-spec.js'

/**
 * `sitesmith adopt [dir]` (issue 17): bring an existing site under sitesmith without
 * changing one of its bytes. Every site file enters the tracker with its parsed interface
 * and a summary, marked as the person's (`owner: 'user'`); files sitesmith generated and
 * nobody touched stay sitesmith's; generated files a person edited become the person's
 * (so sitesmith can help with them again, in chunks). Only `.sitesmith/` is written — and,
 * with `draftSpec`, a spec.md where none exists.
 */
export interface AdoptInput {
  options: ResolvedOptions
  logger: Logger
  env?: NodeJS.ProcessEnv
  /** Draft spec.md from the pages (only when there is none). @default false */
  draftSpec?: boolean
  /** Static summaries only, no model call. @default false */
  noModel?: boolean
  signal?: AbortSignal
}

export interface AdoptResult {
  /** Files now tracked as the person's, with how their summary was made. */
  adopted: { path: string; summary: string; by: 'model' | 'cache' | 'static' | 'unchanged' }[]
  /** Files sitesmith generated that stay sitesmith's. */
  generated: string[]
  skipped: { path: string; reason: string }[]
  /** Why summaries are static, when a model was wanted but could not be used. */
  modelUnavailable?: string
  specDrafted?: string
  specKept?: string
  tracker: FileTracker
  usage: string
}

/** After this many failed summary calls the rest are static: a model that is not there is not asked 200 times. */
const MAX_SUMMARY_FAILURES = 2

export async function adoptSite(input: AdoptInput): Promise<AdoptResult> {
  const { options } = input
  const env = input.env ?? process.env
  const progress = new Progress({ logger: input.logger, env })
  const stateDir = sitesmithDir(options.siteDir)
  mkdirSync(stateDir, { recursive: true })
  const release = await acquireSiteLock(options.siteDir, {
    wait: true,
    signal: input.signal,
    logger: { warn: (m: string) => progress.line(m, 'warn') },
  })
  const runId = `adopt-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`
  const session = input.noModel
    ? undefined
    : await createModelSession({ options, env, runId, progress, signal: input.signal })
  try {
    const tracker = await readTracker(options.siteDir)
    const protectedPaths = [options.specPath, stateDir, ...(typeof options.cache === 'string' ? [options.cache] : [])]
    const inventory = siteInventory(options.siteDir, protectedPaths)
    const files: FileTracker['files'] = { ...tracker.files }
    const adopted: AdoptResult['adopted'] = []
    const generated: string[] = []
    let failures = 0
    let modelUnavailable: string | undefined
    const limit = pLimit(options.concurrency)

    await Promise.all(
      inventory.files.map((f) =>
        limit(async () => {
          const hash = sha256(f.bytes)
          const known = tracker.files[f.path]
          if (known && known.owner !== 'user' && known.hash === hash) return void generated.push(f.path)
          if (known?.owner === 'user' && known.hash === hash)
            return void adopted.push({ path: f.path, summary: known.summary, by: 'unchanged' })
          const text = f.text ? f.bytes.toString('utf8') : ''
          const iface: FileInterface = f.text ? extractInterface(f.path, text) : FileInterfaceSchema.parse({})
          let summary = staticSummary(f.path, f.bytes, iface)
          let by: 'model' | 'cache' | 'static' = 'static'
          if (session && f.text && failures < MAX_SUMMARY_FAILURES && !input.signal?.aborted) {
            try {
              const r = await modelSummary(session.ask, f.path, text)
              summary = r.summary
              by = r.hit ? 'cache' : 'model'
            } catch (error) {
              failures++
              modelUnavailable ??= error instanceof Error ? error.message.split('\n')[0] : String(error)
            }
          }
          files[f.path] = TrackedFileSchema.parse({
            hash,
            summary,
            interface: iface,
            generatedBy: {
              taskId: 'adopt',
              taskKey: '',
              stage: 'adopt',
              model: by === 'static' ? 'static' : session!.coderId,
            },
            owner: 'user',
            updatedAt: new Date().toISOString(),
          })
          adopted.push({ path: f.path, summary, by })
        }),
      ),
    )
    const next: FileTracker = {
      files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b))),
    }
    await writeTracker(options.siteDir, next)

    const result: AdoptResult = {
      adopted: adopted.sort((a, b) => a.path.localeCompare(b.path)),
      generated: generated.sort(),
      skipped: inventory.skipped,
      ...(modelUnavailable ? { modelUnavailable } : {}),
      tracker: next,
      usage: session?.usage().summary ?? 'model usage: 0 calls (static summaries)',
    }
    if (input.draftSpec) {
      const specRel = relative(options.root, options.specPath) || options.specPath
      if (existsSync(options.specPath))
        result.specKept = `${specRel} exists; it was not changed (delete or move it to draft a new one)`
      else {
        const pages = new Map(
          inventory.files.filter((f) => /\.html?$/i.test(f.path)).map((f) => [f.path, f.bytes.toString('utf8')]),
        )
        const text = draftSpec(next, pages)
        await writeFileAtomic(options.specPath, text)
        // The draft describes what is already there: recorded as planned, so only what the
        // person adds or changes later is planned (an unchanged draft costs no call).
        const previous = await readTasks(options.siteDir)
        const spec = parseSpec(text)
        await writeTasks(options.siteDir, {
          version: 1,
          specHash: spec.hash,
          sectionHashes: { ...previous.sectionHashes, ...sectionHashes(spec.sections) },
          tasks: previous.tasks,
        })
        result.specDrafted = specRel
      }
    }
    return result
  } finally {
    await session?.close()
    await release()
    progress.finish()
  }
}
