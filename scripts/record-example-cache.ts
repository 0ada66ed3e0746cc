/**
 * Rebuilds ../cache — the model answers the example site replays offline — from the
 * hand-written answers in scripts/example-answers/. No model is involved: the real
 * pipeline runs against the loopback model server (test/loopback), which answers with
 * those files, and every cache entry is labelled `source: hand-written`.
 *
 *   npm run record:example
 *
 * To replace them with real model answers, see the README ("Regenerating the example
 * cache with real models").
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startLoopbackServer, UnmatchedRequestError, jsonReply, type LoopbackRequest } from '../test/loopback/server.js'
import { stageOf, taskOf } from '../test/helpers/scripted-site.js'
import { loadSitesmithOptions } from '../plugin/cli/load-options.js'
import { resolveOptions } from '../plugin/options.js'
import { runPipeline } from '../plugin/pipeline/run-pipeline.js'
import { consoleLogger } from '../plugin/report/logger.js'
import { locateChunk } from '../plugin/edit/index.js'
import { readTracker } from '../plugin/store/artifacts.js'

const repo = join(import.meta.dirname, '..')
const answers = join(repo, 'scripts', 'example-answers')
const site = join(repo, 'example-site')
const cacheDir = join(repo, 'cache')

const plan = JSON.parse(readFileSync(join(answers, 'plan.json'), 'utf8')) as { tasks: { path: string }[] }
const summaries = JSON.parse(readFileSync(join(answers, 'summaries.json'), 'utf8')) as Record<string, string>
const review: unknown = JSON.parse(readFileSync(join(answers, 'review.json'), 'utf8'))
const { defects } = JSON.parse(readFileSync(join(answers, 'defects.json'), 'utf8')) as {
  defects: { path: string; find: string; replace: string }[]
}
const clean = (path: string) => readFileSync(join(answers, 'files', path), 'utf8')

function firstAnswer(path: string): string {
  let content = clean(path)
  for (const d of defects.filter((x) => x.path === path)) {
    if (!content.includes(d.find)) throw new Error(`defects.json: "${d.find}" is not in files/${path}`)
    content = content.replace(d.find, d.replace)
  }
  return content
}

/** The fix answer: for each chunk asked about, the same chunk of the clean hand-written file. */
function fixAnswer(req: LoopbackRequest) {
  const prompt = req.messages.find((m) => m.role === 'user')!.content
  const path = /^File: (.+)$/m.exec(prompt)![1]
  const targets = [...prompt.matchAll(/^Chunk "(.+)":$/gm)].map((m) => m[1])
  return {
    edits: targets.map((target) => {
      const chunk = locateChunk(path, clean(path), target)
      if (!chunk.ok) throw new UnmatchedRequestError(`fix for ${path}: ${chunk.reason}`)
      return { target, replacement: chunk.text }
    }),
  }
}

const server = await startLoopbackServer({
  respond: (req) => {
    switch (stageOf(req)) {
      case 'plan':
        return jsonReply(plan)
      case 'generate': {
        const { path } = taskOf(req)
        return jsonReply({ content: firstAnswer(path), summary: summaries[path] })
      }
      case 'review':
        return jsonReply(review)
      case 'fix':
        return jsonReply(fixAnswer(req))
      default:
        throw new UnmatchedRequestError(`no hand-written answer for a ${stageOf(req)} request`)
    }
  },
})

try {
  // Start from nothing: the example folder holds only spec.md and its config, the cache is rebuilt.
  const tracker = await readTracker(site)
  for (const p of [...Object.keys(tracker.files), ...plan.tasks.map((t) => t.path)])
    rmSync(join(site, p), { force: true })
  for (const d of ['.sitesmith', 'css', 'js', 'dist']) rmSync(join(site, d), { recursive: true, force: true })
  rmSync(cacheDir, { recursive: true, force: true })

  const { options: user } = await loadSitesmithOptions(site)
  const env = {
    PATH: process.env.PATH,
    SITESMITH_CACHE_SOURCE: 'hand-written',
    SITESMITH_CACHE_NOTE:
      'written by hand in scripts/example-answers/ and recorded through the loopback model server by scripts/record-example-cache.ts; no model produced it',
  }
  const options = resolveOptions(
    {
      ...user,
      planner: { ...user.planner!, baseURL: server.openaiBaseURL },
      coder: { ...user.coder!, baseURL: server.url },
      cacheMode: 'refresh',
    },
    { root: site, env },
  )
  const result = await runPipeline({ options, logger: consoleLogger, env })

  const problems: string[] = [...result.errors, ...server.unmatched.map((u) => u.reason)]
  for (const t of plan.tasks)
    if (readFileSync(join(site, t.path), 'utf8') !== clean(t.path))
      problems.push(`${t.path} after the fix round differs from scripts/example-answers/files/${t.path}`)
  if (!result.review || result.review.resolved.length !== defects.length || result.review.unresolved.length) {
    problems.push(
      `expected the review round to resolve ${defects.length} finding(s) and leave none; got ` +
        JSON.stringify(result.review && { resolved: result.review.resolved, unresolved: result.review.unresolved }),
    )
  }
  if (result.runtimeSkipped)
    problems.push(
      `the browser check was skipped (${result.runtimeSkipped}); record with Chromium so the replay sees the same findings`,
    )
  if (problems.length) {
    console.error(`record-example-cache: the recording is not right:\n- ${problems.join('\n- ')}`)
    process.exitCode = 1
  } else {
    console.log(
      `record-example-cache: ${server.requests.length} hand-written answers recorded in cache/ (${result.review!.rounds} review round, ${result.review!.resolved.length} findings fixed)`,
    )
  }
  if (!existsSync(cacheDir)) process.exitCode = 1
} finally {
  await server.close()
}
