import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { locateChunk } from '../../plugin/edit/index.js'
import { jsonReply, UnmatchedRequestError, type LoopbackRequest, type Reply } from '../loopback/server.js'
import { stageOf, taskOf } from './scripted-site.js'

/**
 * The loopback server's "scripted" profile for `sitesmith eval` (issue #15): a competent
 * model that knows a hand-written reference solution for each suite spec
 * (test/eval-reference/<name>/: `plan.json` and `site/`). It answers sitesmith's real prompts:
 * the plan of the reference, each file task with the reference file, a review that reports
 * what differs from the reference (HTML head/body chunks), and fixes with the reference's
 * chunk. Stateless: a request is matched to its spec by lines of spec text only that spec
 * has (plan, generate, review) or by the spec title the review put into the fix instructions.
 */

export const REFERENCE_DIR = join(import.meta.dirname, '..', 'eval-reference')
export const SUITE_DIR = join(import.meta.dirname, '..', '..', 'eval', 'suite')

export interface Reference {
  name: string
  title: string
  spec: string
  plan: { tasks: { id: string; path: string; instructions: string; sections: string[] }[] }
  files: Map<string, string>
}

export function loadReferences(names?: readonly string[]): Reference[] {
  const all = readdirSync(REFERENCE_DIR)
    .filter((n) => statSync(join(REFERENCE_DIR, n)).isDirectory())
    .sort()
  return all
    .filter((n) => !names || names.includes(n))
    .map((name) => {
      const spec = readFileSync(join(SUITE_DIR, name, 'spec.md'), 'utf8')
      const site = join(REFERENCE_DIR, name, 'site')
      const files = new Map(walk(site).map((f) => [relative(site, f).split(sep).join('/'), readFileSync(f, 'utf8')]))
      return {
        name,
        title: /^# (.+)$/m.exec(spec)?.[1] ?? name,
        spec,
        plan: JSON.parse(readFileSync(join(REFERENCE_DIR, name, 'plan.json'), 'utf8')) as Reference['plan'],
        files,
      }
    })
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

export interface ReferenceProfileOptions {
  /** Turn the correct answer to a generate task into another reply (faults); undefined keeps it. */
  fileFault?: (good: { content: string; summary: string }, path: string, req: LoopbackRequest) => Reply | undefined
}

export function referenceProfile(
  refs: Reference[],
  opts: ReferenceProfileOptions = {},
): (req: LoopbackRequest) => Reply {
  // Lines of spec text (30+ characters) that only one reference has: how a prompt names its spec.
  const owner = new Map<string, Reference | null>()
  for (const r of refs) {
    for (const line of new Set(
      r.spec
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 30),
    ))
      owner.set(line, owner.has(line) && owner.get(line) !== r ? null : r)
  }
  const refOf = (text: string): Reference => {
    for (const line of text.split('\n')) {
      const r = owner.get(line.trim())
      if (r) return r
    }
    throw new UnmatchedRequestError(
      `eval reference: no suite spec's text in the request: ${JSON.stringify(text.slice(0, 160))}`,
    )
  }
  return (req) => {
    const stage = stageOf(req)
    const all = req.messages.map((m) => m.content).join('\n')
    switch (stage) {
      case 'plan':
      case 'plan-repair':
        return jsonReply(refOf(all).plan)
      case 'generate': {
        const ref = refOf(all)
        const { path } = taskOf(req)
        const content = ref.files.get(path)
        if (content === undefined) throw new UnmatchedRequestError(`eval reference ${ref.name}: no file ${path}`)
        const good = { content, summary: `${path} of the ${ref.title} reference.` }
        return opts.fileFault?.(good, path, req) ?? jsonReply(good)
      }
      case 'review':
        return jsonReply({ reviews: reviewAgainst(refOf(all), req.lastUserMessage) })
      case 'visual':
        return jsonReply({ reviews: [] })
      case 'fix':
        return jsonReply(fixFrom(refs, req.lastUserMessage))
      default:
        throw new UnmatchedRequestError(`eval reference: ${stage} requests are not scripted`)
    }
  }
}

/** Issues for every HTML head/body that differs from the reference (the one kind a fault can leave on disk). */
function reviewAgainst(ref: Reference, prompt: string) {
  const reviews: {
    file: string
    issues: { severity: 'error'; message: string; fix: { target: string; instructions: string } }[]
  }[] = []
  for (const block of prompt.split(/\n\n(?=File )/)) {
    const m = /^File (\S+) \(targets:[^\n]*\):\n([\s\S]*)$/.exec(block)
    if (!m) continue
    const [, path, numbered] = m
    const want = ref.files.get(path)
    if (want === undefined || !path.endsWith('.html')) continue
    const lines: string[] = []
    for (const l of numbered.split('\n')) {
      const n = /^\s*\d+\| ?(.*)$/.exec(l)
      if (!n) break
      lines.push(n[1])
    }
    const have = `${lines.join('\n')}\n`
    const issues = ['head', 'body'].flatMap((target) => {
      const a = locateChunk(path, have, target)
      const b = locateChunk(path, want, target)
      if (!a.ok || !b.ok || a.text === b.text) return []
      return [
        {
          severity: 'error' as const,
          message: `the ${target} does not do what the spec asks`,
          fix: { target, instructions: `1. Make the ${target} what the spec "${ref.title}" asks for.` },
        },
      ]
    })
    if (issues.length) reviews.push({ file: path, issues })
  }
  return reviews
}

/** Each chunk asked for, as the reference has it. */
function fixFrom(refs: Reference[], prompt: string) {
  const path = /^File: (.+)$/m.exec(prompt)?.[1]
  const ref = refs.find((r) => prompt.includes(`the spec "${r.title}"`))
  const want = ref && path ? ref.files.get(path) : undefined
  if (!ref || !path || want === undefined)
    throw new UnmatchedRequestError(
      `eval reference: a fix not asked by this profile's review: ${JSON.stringify(prompt.slice(0, 160))}`,
    )
  const targets = [...prompt.matchAll(/^Chunk "([^"]+)":$/gm)].map((m) => m[1])
  return {
    edits: targets.map((target) => {
      const chunk = locateChunk(path, want, target)
      if (!chunk.ok) throw new UnmatchedRequestError(`eval reference ${ref.name}: ${path} has no chunk ${target}`)
      return { target, replacement: chunk.text }
    }),
  }
}
