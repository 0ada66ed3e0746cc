import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { bytesOf, copyFixture, FAQ_SECTION, maintainModel, type MaintainScript } from '../../helpers/adopted-site.js'
import { adoptSite } from '../../../plugin/adopt/adopt-site.js'
import { undoLastRun } from '../../../plugin/adopt/undo-run.js'
import { readTracker } from '../../../plugin/store/artifacts.js'
import { locateChunk } from '../../../plugin/edit/index.js'
import { silentLogger } from '../../../plugin/report/logger.js'

/**
 * Issue 17, acceptance 1, 2 and 4, through the real pipeline and the real openai/ollama
 * clients against the loopback server: a hand-written five-page site is adopted without a
 * byte changing; a spec section added afterwards makes a new page, linked from the
 * person's index.html navigation only when editUserFiles allows it (otherwise the run lists
 * what it would have changed); undo restores index.html byte for byte; a hand edit made
 * while the model is answering is never overwritten.
 */
async function adopted(script: MaintainScript = {}): Promise<TempSite> {
  const site = await createTempSite({ spec: '# placeholder\n', respond: maintainModel(script) })
  onTestFinished(() => site.dispose())
  copyFixture(site.dir)
  return site
}

const SITE_FILES = [
  'contact.html',
  'crew.html',
  'css/site.css',
  'img/oars.svg',
  'index.html',
  'join.html',
  'js/nav.js',
  'schedule.html',
]

describe('sitesmith adopt → a new section → chunk edit of the person’s page → undo', () => {
  it('adopts every site file without changing a byte, with model summaries cached by content', async () => {
    const site = await adopted()
    const before = bytesOf(site.dir)
    const result = await adoptSite({ options: site.options(), logger: silentLogger, env: site.env, draftSpec: true })

    expect(bytesOf(site.dir, ['spec.md'])).toEqual(before)
    const tracker = await readTracker(site.dir)
    expect(Object.keys(tracker.files).sort()).toEqual(SITE_FILES)
    for (const f of Object.values(tracker.files)) expect(f.owner).toBe('user')
    expect(tracker.files['index.html'].interface.ids).toContain('site-nav')
    expect(tracker.files['index.html'].summary).toContain('Tidewater Rowing Club')
    expect(result.skipped).toEqual([{ path: 'README.md', reason: expect.stringContaining('not a site file') }])
    expect(
      result.adopted
        .filter((a) => a.by === 'model')
        .map((a) => a.path)
        .sort(),
    ).toEqual(SITE_FILES.filter((p) => !p.endsWith('.svg')))
    expect(tracker.files['img/oars.svg'].summary).toMatch(/^asset/)
    expect(site.read('spec.md')).toMatch(/^## Home page$/m)

    // Same bytes again: nothing is asked; after a hand edit only that file is summarised.
    const asked = site.server.requests.length
    const again = await adoptSite({ options: site.options(), logger: silentLogger, env: site.env })
    expect(again.adopted.every((a) => a.by === 'unchanged')).toBe(true)
    expect(site.server.requests.length).toBe(asked)
    appendFileSync(join(site.dir, 'crew.html'), '<!-- coxes wanted -->\n')
    const third = await adoptSite({ options: site.options(), logger: silentLogger, env: site.env })
    expect(third.adopted.filter((a) => a.by !== 'unchanged').map((a) => a.path)).toEqual(['crew.html'])
    expect(site.server.requests.length).toBe(asked + 1)
  })

  it('static summaries when no model is reachable; the tracker still covers every file', async () => {
    const site = await adopted()
    await site.server.close()
    const before = bytesOf(site.dir)
    const result = await adoptSite({
      options: site.options({
        planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 },
        coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: 'http://127.0.0.1:9', maxRetries: 0 },
      }),
      logger: silentLogger,
      env: site.env,
    })
    // Says which model could not be reached, and where.
    expect(result.modelUnavailable).toMatch(
      /^summary:\S+: connection failed .*\(ollama:qwen2\.5-coder:7b at http:\/\/127\.0\.0\.1:9\/api\/chat\)$/,
    )
    expect(result.adopted.map((a) => a.by)).not.toContain('model')
    const tracker = await readTracker(site.dir)
    expect(Object.keys(tracker.files).sort()).toEqual(SITE_FILES)
    expect(tracker.files['index.html'].summary).toContain('page "Home | Tidewater Rowing Club"')
    expect(bytesOf(site.dir)).toEqual(before)
  })

  it('editUserFiles off: the new page is made, no file of the person changes, the run lists what it would have changed', async () => {
    const site = await adopted()
    await adoptSite({ options: site.options(), logger: silentLogger, env: site.env, draftSpec: true })
    appendFileSync(join(site.dir, 'spec.md'), FAQ_SECTION)
    const before = bytesOf(site.dir, ['spec.md'])

    const run = await site.run()
    expect(run.errors).toEqual([])
    expect(run.changed).toEqual(['faq.html'])
    const after = bytesOf(site.dir, ['spec.md', 'faq.html'])
    expect(after).toEqual(before)
    expect(run.wouldChange).toEqual([
      {
        path: 'index.html',
        taskId: 'home-nav',
        target: '#site-nav',
        instructions: expect.stringContaining('faq.html'),
      },
    ])
    expect(site.server.requests.some((r) => r.messages[0].content.startsWith('You change one part'))).toBe(false)
    // The planner was told which files are the person's.
    const plan = site.server.requests.find((r) => r.messages[0].content.startsWith('You plan'))!
    expect(plan.lastUserMessage).toMatch(/- index\.html \(the person's\): .*ids: .*#site-nav/)
  })

  it("editUserFiles 'chunks': only the nav chunk of index.html changes (CRLF kept); undo restores it byte for byte", async () => {
    const site = await adopted()
    await adoptSite({ options: site.options(), logger: silentLogger, env: site.env, draftSpec: true })
    appendFileSync(join(site.dir, 'spec.md'), FAQ_SECTION)
    const original = readFileSync(join(site.dir, 'index.html'))
    const others = bytesOf(site.dir, ['spec.md', 'index.html'])

    const run = await site.run({ editUserFiles: 'chunks' })
    expect(run.errors).toEqual([])
    expect(run.changed).toEqual(['faq.html', 'index.html'])
    const edited = site.read('index.html')
    expect(edited).toContain('<li><a href="faq.html">FAQ</a></li>\r\n')
    const was = original.toString('utf8')
    const navBefore = locateChunk('index.html', was, '#site-nav')
    const navAfter = locateChunk('index.html', edited, '#site-nav')
    if (!navBefore.ok || !navAfter.ok) throw new Error('nav not found')
    expect(edited.slice(0, navAfter.start)).toBe(was.slice(0, navBefore.start))
    expect(edited.slice(navAfter.end)).toBe(was.slice(navBefore.end))
    expect(bytesOf(site.dir, ['spec.md', 'index.html', 'faq.html'])).toEqual(others)
    const tracker = await readTracker(site.dir)
    expect(tracker.files['index.html'].owner).toBe('user')
    expect(tracker.files['faq.html'].owner).toBeUndefined()

    const undo = await undoLastRun(site.options())
    expect(undo.restored).toEqual(['index.html'])
    expect(readFileSync(join(site.dir, 'index.html')).equals(original)).toBe(true)
    expect((await readTracker(site.dir)).files['index.html'].generatedBy.stage).toBe('adopt')
    // Nothing left to undo.
    expect((await undoLastRun(site.options())).run).toBeUndefined()
  })

  it('a hand edit of the person’s file while the model answers is never overwritten', async () => {
    const handEdit = '<!-- regatta on the 14th -->\r\n'
    const site: TempSite = await adopted({ onUpdate: () => appendFileSync(join(site.dir, 'index.html'), handEdit) })
    await adoptSite({ options: site.options(), logger: silentLogger, env: site.env, draftSpec: true })
    appendFileSync(join(site.dir, 'spec.md'), FAQ_SECTION)
    const original = readFileSync(join(site.dir, 'index.html'), 'utf8')

    const run = await site.run({ editUserFiles: 'chunks' })
    expect(site.read('index.html')).toBe(original + handEdit)
    expect(run.errors.join('\n')).toMatch(/index\.html changed on disk while sitesmith was working on it/)
    expect(run.changed).toEqual(['faq.html'])
    // Nothing of that run to undo: the edit never landed.
    expect((await undoLastRun(site.options())).restored).toEqual([])
  })
})

describe('a chunk edit of a person’s file that carries a secret', () => {
  it('is refused: index.html keeps every byte, the run names the file and the variable, nothing to undo', async () => {
    const key = 'sk-live-4f9a1c2e7b3d8a60'
    const site = await adopted({ update: (chunk) => chunk.replace('</ul>', `<li data-k="${key}">x</li></ul>`) })
    site.write('.env', `VITE_PAYMENT_KEY=${key}\n`)
    await adoptSite({ options: site.options(), logger: silentLogger, env: site.env, draftSpec: true })
    appendFileSync(join(site.dir, 'spec.md'), FAQ_SECTION)
    const original = readFileSync(join(site.dir, 'index.html'))

    const run = await site.run({ editUserFiles: 'chunks' })
    expect(readFileSync(join(site.dir, 'index.html')).equals(original)).toBe(true)
    // Stopped at the answer, before the writer: not written, not cached, not logged (#10).
    expect(run.errors.join('\n')).toMatch(
      /task "home-nav" \(index\.html\): .*contains the value of VITE_PAYMENT_KEY \(from \.env\); it was discarded/,
    )
    expect(
      readdirSync(site.cacheDir, { recursive: true })
        .map(String)
        .filter((f) => statSync(join(site.cacheDir, f)).isFile() && readFileSync(join(site.cacheDir, f)).includes(key)),
    ).toEqual([])
    expect(run.changed).not.toContain('index.html')
    expect(JSON.stringify(await readTracker(site.dir))).not.toContain(key)
    expect((await undoLastRun(site.options())).restored).toEqual([])
  })
})
