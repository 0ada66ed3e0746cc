import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished, describe, expect, it } from 'vitest'
import type { Ask, AskCall } from '../../../plugin/llm/ask.js'
import { roleLimits } from '../../../plugin/llm/context-budget.js'
import { plan } from '../../../plugin/plan/planner.js'
import { fullPlanMessages } from '../../../plugin/plan/plan-prompt.js'
import { pagesPerGroup, singleCallSections, sitePlanPages } from '../../../plugin/plan/shard-size.js'
import { parseSpec, sectionHashes } from '../../../plugin/spec/sections.js'
import type { FileTracker } from '../../../plugin/store/artifact-schemas.js'
import { parseSections, planFromSections, sitePlanFromSections } from '../../helpers/scripted-site.js'

/**
 * Sharded planning (issue #16) at the plan stage: small specs keep the single call (same
 * prompt, same cache key); large ones get a site plan and groups of pages asked in parallel,
 * each group repaired on its own; a one-section edit of a large plan re-plans only its group
 * and sees the rest of the site as a bounded digest. The "model" answers like the scripted
 * site model does, from what it is asked.
 */

const spec = (pages: number) =>
  parseSpec(
    `# Walks\n\nA guide.\n\n## Look and feel\nGreen.\n\n## Navigation\nA header.\n\n## Behaviour\nA menu.\n\n## Home page\nWelcome.\n\n` +
      Array.from({ length: pages - 1 }, (_, i) => `## Walk ${i + 1} page\nWalk number ${i + 1}, ${i + 3} km.\n`).join(
        '\n',
      ),
  )

const userText = (c: AskCall<unknown>) => c.messages.find((m) => m.role === 'user')!.content

/** Answers like a competent planner; `broken` lets one group's first answer plan a wrong path. */
function model(opts: { broken?: number } = {}) {
  const calls: AskCall<unknown>[] = []
  let inFlight = 0
  let maxInFlight = 0
  const ask = (async (call: AskCall<unknown>) => {
    calls.push(call)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    await new Promise((r) => setImmediate(r))
    inFlight--
    const text = userText(call)
    if (call.stage === 'plan') return { value: { tasks: planFromSections(parseSections(text)) }, hit: false }
    if (call.stage === 'plan-site') return { value: sitePlanFromSections(parseSections(text)), hit: false }
    if (call.stage === 'plan-group' || call.stage === 'plan-group-repair') {
      const pages = [
        ...text
          .split('Plan these pages')[1]
          .split('\n\nSpec:')[0]
          .matchAll(/^- (\S+): (.+?) \(sections \[([^\]]*)\]\)/gm),
      ]
      const group = Number(/group (\d+) of/.exec(text)![1])
      const tasks = pages.map((m) => ({
        id: `${m[1].replace(/\.html$/, '')}-page`,
        action: 'create',
        path: group === opts.broken && call.stage === 'plan-group' ? `wrong/${m[1]}` : m[1],
        instructions: `Page ${m[2]}.`,
        dependsOn: ['style', 'main-js'],
        sections: m[3].split(', '),
      }))
      return { value: { tasks }, hit: false }
    }
    if (call.stage === 'plan-delta') {
      // A changed navigation section: every page listed gets its header updated.
      const pages = /Changed sections[\s\S]*\[navigation\]/.test(text)
        ? [...text.matchAll(/^- ([\w.-]+): create (\S+\.html);/gm)]
        : []
      return {
        value: {
          tasks: pages.map((m) => ({
            id: m[1],
            action: 'update',
            path: m[2],
            target: '#site-nav',
            instructions: 'New navigation.',
            dependsOn: [],
            sections: ['navigation'],
          })),
        },
        hit: false,
      }
    }
    throw new Error(`unexpected stage ${call.stage}`)
  }) as Ask
  return { ask, calls, maxInFlight: () => maxInFlight }
}

function ctx() {
  const siteDir = mkdtempSync(join(tmpdir(), 'shard-'))
  onTestFinished(() => rmSync(siteDir, { recursive: true, force: true }))
  return { siteDir, protectedPaths: [], generatedPaths: new Set<string>(), existingPaths: new Set<string>() }
}
const tracker: FileTracker = { version: 1, files: {} } as FileTracker
const limits = roleLimits({ provider: 'openai', model: 'gpt-4o-mini' })

describe('sharded planning', () => {
  it('a small spec keeps the single plan call with the exact prompt of before', async () => {
    const s = spec(4)
    const m = model()
    const out = await plan({ spec: s, previous: null, tracker, ctx: ctx(), ask: m.ask, limits })
    expect(m.calls.map((c) => c.stage)).toEqual(['plan'])
    expect(m.calls[0].messages).toEqual(fullPlanMessages(s.sections))
    expect(out.groups).toBeUndefined()
  })

  it('a spec over the threshold: one site plan, then groups of pages asked in parallel (bounded), merged in order', async () => {
    const s = spec(60)
    expect(s.sections.length).toBeGreaterThan(singleCallSections(limits.maxOutputTokens))
    const m = model()
    const out = await plan({ spec: s, previous: null, tracker, ctx: ctx(), ask: m.ask, limits, concurrency: 3 })
    const groups = Math.ceil(60 / pagesPerGroup(limits.maxOutputTokens))
    // At 4096 output tokens a site plan answer lists about 54 pages: the page list comes in two parts.
    const parts = Math.ceil(s.sections.length / sitePlanPages(limits.maxOutputTokens))
    expect(parts).toBe(2)
    expect(m.calls.map((c) => c.label)).toEqual([
      'plan-site',
      'plan-site:2',
      ...Array.from({ length: groups }, (_, i) => `plan-group:${i + 1}`),
    ])
    expect(userText(m.calls[1])).toMatch(/^Plan the pages for part 2 of 2 of the spec/)
    expect(userText(m.calls[1])).toMatch(
      /Paths already taken by pages of earlier parts \(\d+\): index\.html, walk-1\.html/,
    )
    expect(out.groups).toBe(groups)
    expect(m.maxInFlight()).toBe(3)
    expect(out.tasks.map((t) => t.path)).toEqual([
      'css/style.css',
      'js/main.js',
      'index.html',
      ...Array.from({ length: 59 }, (_, i) => `walk-${i + 1}.html`),
    ])
    // Each group sees the full text of its own sections only.
    const second = userText(m.calls[parts + 1])
    expect(second).toContain('[walk-5-page]\n## Walk 5 page\nWalk number 5')
    expect(second).not.toContain('[walk-30-page]')
  })

  it('a group whose answer is rejected gets one repair turn of its own; the others are not asked again', async () => {
    const m = model({ broken: 2 })
    const out = await plan({ spec: spec(30), previous: null, tracker, ctx: ctx(), ask: m.ask, limits })
    const repairs = m.calls.filter((c) => c.stage === 'plan-group-repair')
    expect(repairs).toHaveLength(1)
    expect(repairs[0].label).toBe('plan-group:2-repair')
    expect(repairs[0].messages.at(-1)!.content).toMatch(/"wrong\/walk-\d+\.html" is not one of the pages of this group/)
    expect(out.tasks.some((t) => t.path.startsWith('wrong/'))).toBe(false)
  })

  it('a one-section edit of a large plan re-plans only its group, with the rest of the site as a digest', async () => {
    const s = spec(60)
    const m = model()
    const c = ctx()
    const first = await plan({ spec: s, previous: null, tracker, ctx: c, ask: m.ask, limits })
    const files = Object.fromEntries(
      first.tasks.map((t) => [
        t.path,
        { hash: 'h', summary: `the ${t.id}`, interface: {}, generatedBy: { taskId: t.id }, updatedAt: '' },
      ]),
    )
    const edited = parseSpec(
      `# Walks\n\nA guide.\n\n## Look and feel\nGreen.\n\n## Navigation\nA header.\n\n## Behaviour\nA menu.\n\n## Home page\nWelcome.\n\n` +
        Array.from(
          { length: 59 },
          (_, i) => `## Walk ${i + 1} page\nWalk number ${i + 1}, ${i === 40 ? 'now 9' : i + 3} km.\n`,
        ).join('\n'),
    )
    m.calls.length = 0
    await plan({
      spec: edited,
      previous: { version: 1, specHash: s.hash, sectionHashes: sectionHashes(s.sections), tasks: first.tasks },
      tracker: { version: 1, files } as unknown as FileTracker,
      ctx: c,
      ask: m.ask,
      limits,
    })
    expect(m.calls.map((x) => x.stage)).toEqual(['plan-delta'])
    const text = userText(m.calls[0])
    expect(text).toContain('- walk-41-page: create walk-41.html')
    expect(text).toContain('- style: create css/style.css')
    expect(text).not.toContain('- walk-40-page:')
    expect(text).toMatch(
      /Current tasks \(those serving the changed sections and the shared files; 59 other tasks are unaffected\)/,
    )
    expect(text).toMatch(/Other files of the site \(59, not affected\): index\.html, walk-1\.html/)
  })

  it('a shared section every page serves: the delta is asked in parts that each fit one answer, merged into one plan', async () => {
    const s = spec(60)
    const m = model()
    const c = ctx()
    const first = await plan({ spec: s, previous: null, tracker, ctx: c, ask: m.ask, limits })
    const paths = new Set(first.tasks.map((t) => t.path))
    const files = Object.fromEntries(
      first.tasks.map((t) => [
        t.path,
        { hash: 'h', summary: `the ${t.id}`, interface: {}, generatedBy: { taskId: t.id }, updatedAt: '' },
      ]),
    )
    const edited = parseSpec(
      s.sections
        .map((x) => (x.id === 'navigation' ? '## Navigation\nA header with a search box.' : x.text))
        .join('\n\n'),
    )
    m.calls.length = 0
    const out = await plan({
      spec: edited,
      previous: { version: 1, specHash: s.hash, sectionHashes: sectionHashes(s.sections), tasks: first.tasks },
      tracker: { version: 1, files } as unknown as FileTracker,
      ctx: { ...c, generatedPaths: paths, existingPaths: paths },
      ask: m.ask,
      limits,
    })
    const per = pagesPerGroup(limits.maxOutputTokens)
    // Pages of the site plan's later part serve the navigation too, as every page of its first part does.
    const serving = first.tasks.filter((t) => t.path.endsWith('.html') && t.sections.includes('navigation')).length
    expect(serving).toBe(60)
    const count = Math.ceil(serving / per)
    expect(m.calls.map((x) => x.label)).toEqual(Array.from({ length: count }, (_, i) => `plan-delta:${i + 1}`))
    for (const call of m.calls)
      expect([...userText(call).matchAll(/^- [\w.-]+: create \S+\.html;/gm)].length).toBeLessThanOrEqual(per)
    expect(userText(m.calls[1])).toContain(`This is part 2 of ${count} of the tasks serving the changed sections`)
    expect(out.kind).toBe('delta')
    expect(out.replanned).toHaveLength(serving)
    expect(out.tasks.filter((t) => t.action === 'update')).toHaveLength(serving)
  })
})
