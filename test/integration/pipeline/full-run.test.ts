import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CodeReviewSchema, FileTrackerSchema, TasksFileSchema } from '../../../plugin/store/artifact-schemas.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'

const SPEC = `# Jo Park — portfolio

## Look and feel
Calm, lots of white space, accent colour #3a5ba0.

## Behaviour
A menu button opens the navigation on small screens.

## Home page
Jo is a landscape photographer based in Leeds.

## Projects page
Three recent projects: coastlines, moors, city lights.

## Contact page
An email address and a short note about commissions.

## Navigation
Every page has the same header navigation.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

describe('full pipeline through the real openai (planner) and ollama (coder) clients', () => {
  it('plans, generates every file of specs/small.md in dependency order and records valid artifacts', async () => {
    site = await createTempSite({ spec: 'specs/small.md', respond: scriptedSite() })
    const result = await site.run()

    expect(result.errors).toEqual([])
    expect(site.server.unmatched).toEqual([])
    expect([...site.snapshot().keys()].sort()).toEqual([
      'contact.html',
      'css/style.css',
      'index.html',
      'js/main.js',
      'projects.html',
      'spec.md',
    ])
    expect(site.read('projects.html')).toContain('Filter buttons at the top (All, Illustration, Web)')

    const tasks = TasksFileSchema.parse(JSON.parse(site.read('.sitesmith/tasks.json')))
    const tracker = FileTrackerSchema.parse(JSON.parse(site.read('.sitesmith/file_tracker.json')))
    expect(tasks.tasks.map((t) => t.path).sort()).toEqual(Object.keys(tracker.files).sort())
    expect(tracker.files['css/style.css'].interface.cssVars).toContain('--brand')
    expect(tracker.files['js/main.js'].interface.globals).toContain('toggleNav')

    // Who answered what: the planner over OpenAI, every file over Ollama.
    const reqs = site.server.requests
    expect(stageOf(reqs[0])).toBe('plan')
    expect(reqs[0].protocol).toBe('openai')
    const gens = reqs.filter((r) => stageOf(r) === 'generate')
    expect(gens.every((r) => r.protocol === 'ollama')).toBe(true)
    expect(gens.map((r) => taskOf(r).path).sort()).toEqual([
      'contact.html',
      'css/style.css',
      'index.html',
      'js/main.js',
      'projects.html',
    ])

    // Dependencies first: no page was asked for before both shared files were answered.
    const answered = (path: string) => gens.find((r) => taskOf(r).path === path)!.respondedAt!
    for (const page of gens.filter((r) => taskOf(r).path.endsWith('.html'))) {
      expect(page.receivedAt).toBeGreaterThanOrEqual(answered('css/style.css'))
      expect(page.receivedAt).toBeGreaterThanOrEqual(answered('js/main.js'))
    }
    // Pages were told the interfaces of what they depend on, parsed from the written files.
    expect(gens.find((r) => taskOf(r).path === 'index.html')!.lastUserMessage).toMatch(
      /css\/style\.css: [^\n]*\n\s*\{[^\n]*"cssVars":\["--bg","--brand","--text"\]/,
    )

    // Review saw the changed files; it found nothing, so nothing was fixed.
    const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
    expect(review.files).toEqual(['contact.html', 'css/style.css', 'index.html', 'js/main.js', 'projects.html'])
    expect(review.unresolved).toEqual([])

    // The key never reached a body; it was only in the Authorization header.
    for (const r of reqs) expect(JSON.stringify(r.body)).not.toContain('sk-loopback-test-key')
    expect(reqs[0].headers.authorization).toBe('Bearer sk-loopback-test-key-0000')
  })

  it('an unchanged spec costs zero model calls and rewrites nothing', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run()
    const before = site.snapshot()
    const mtime = readFileSync(join(site.dir, '.sitesmith/tasks.json'))
    site.server.reset()
    const again = await site.run()
    expect(site.server.requests).toHaveLength(0)
    expect(again.changed).toEqual([])
    expect(again.usage.calls).toBe(0)
    expect(site.snapshot()).toEqual(before)
    expect(readFileSync(join(site.dir, '.sitesmith/tasks.json'))).toEqual(mtime)
  })
})

describe('a review that cannot finish', () => {
  it('does not undo generation: files are kept and recorded, the reason is among the errors', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage) => (stage === 'review' ? { fault: 'status', status: 500 } : undefined),
      }),
    })
    const result = await site.run({
      planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: site.server.openaiBaseURL, maxRetries: 0 },
    })
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^review: .*500/)
    expect(result.changed).toContain('index.html')
    const tracker = FileTrackerSchema.parse(JSON.parse(site.read('.sitesmith/file_tracker.json')))
    expect(Object.keys(tracker.files).sort()).toEqual([
      'contact.html',
      'css/style.css',
      'index.html',
      'js/main.js',
      'projects.html',
    ])
  })
})

describe('files missing from disk', () => {
  it('an up-to-date file that was deleted is restored byte for byte from the store, with no model call and no review', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run()
    const before = site.read('projects.html')
    const { rmSync } = await import('node:fs')
    rmSync(join(site.dir, 'projects.html'))
    site.server.reset()
    const again = await site.run()
    expect(site.server.requests).toEqual([])
    expect(site.read('projects.html')).toBe(before)
    expect(again.tasks.find((t) => t.path === 'projects.html')?.status).toBe('restored')
    expect(again.changed).toEqual([])
  })
})

describe('the small model answers badly', () => {
  it('malformed JSON once: a repair turn quoting the error, then success', async () => {
    let bad = 0
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage, req) =>
          stage === 'generate' && taskOf(req).path === 'projects.html' && bad++ === 0
            ? { content: '{"content": "<html>' }
            : undefined,
      }),
    })
    const result = await site.run()
    expect(result.errors).toEqual([])
    const projects = site.server.requests.filter((r) => stageOf(r) === 'generate' && taskOf(r).path === 'projects.html')
    expect(projects).toHaveLength(2)
    expect(projects[1].messages.at(-1)!.content).toMatch(/JSON/i)
    expect(site.read('projects.html')).toContain('<h1>Projects</h1>')
  })

  it('malformed every time: that task fails naming id and path, nothing is written for it, the rest completes', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage, req) =>
          stage === 'generate' && taskOf(req).path === 'projects.html'
            ? { content: 'Sure! Here is the page you asked for.' }
            : undefined,
      }),
    })
    const result = await site.run({ review: { enabled: false } })
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('task "projects-page" (projects.html)')
    expect(site.exists('projects.html')).toBe(false)
    expect(site.exists('contact.html')).toBe(true)
    expect(site.exists('index.html')).toBe(true)
    const tracker = FileTrackerSchema.parse(JSON.parse(site.read('.sitesmith/file_tracker.json')))
    expect(tracker.files['projects.html']).toBeUndefined()
  })

  it('content that fails the integrity gate is sent back once, then the task fails without a write', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage, req) =>
          stage === 'generate' && taskOf(req).path === 'js/main.js'
            ? {
                content: JSON.stringify({
                  content: 'function toggleNav() {\n  // ... rest of the code remains the same\n',
                  summary: 'x',
                }),
              }
            : undefined,
      }),
    })
    const result = await site.run({ review: { enabled: false } })
    expect(result.errors.join('\n')).toMatch(/task "main-js" \(js\/main\.js\): the generated file was rejected/)
    // Its dependents are blocked, not generated against a missing interface.
    expect(result.errors.join('\n')).toMatch(/task "home-page" \(index\.html\): .*depends on "main-js"/)
    expect(site.exists('js/main.js')).toBe(false)
    expect(site.exists('css/style.css')).toBe(true)
    const mainCalls = site.server.requests.filter((r) => stageOf(r) === 'generate' && taskOf(r).path === 'js/main.js')
    expect(mainCalls).toHaveLength(2)
    expect(mainCalls[1].lastUserMessage).toContain('placeholder for omitted code')
  })
})
