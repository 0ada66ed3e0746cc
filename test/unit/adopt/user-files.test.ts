import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { outsideChunksKept } from '../../../plugin/edit/outside-chunks.js'
import { applyChunkEdit } from '../../../plugin/edit/index.js'
import { SiteWriter, UserFileEditOffError, WriteRefusedError } from '../../../plugin/site-files/site-writer.js'
import { validatePlan } from '../../../plugin/plan/validate-plan.js'
import { FileTrackerSchema, type TrackedFile } from '../../../plugin/store/artifact-schemas.js'
import { sha256, writeFileAtomic } from '../../../plugin/store/atomic-write.js'
import { UndoJournal } from '../../../plugin/store/undo-journal.js'
import { fullPlanMessages, deltaPlanMessages } from '../../../plugin/plan/plan-prompt.js'

/** Issue 17: a person's files are changed in chunks only, only when allowed, and never behind a hand edit. */
const PAGE =
  '<!doctype html>\r\n<html><head><title>T</title></head>\r\n<body>\r\n<nav id="nav"><a href="a.html">A</a></nav>\r\n<main><p>Hi</p></main>\r\n</body></html>\r\n'

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-user-files-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, '.sitesmith'))
  return dir
}

function userEntry(content: string): TrackedFile {
  return {
    hash: sha256(content),
    summary: 'the home page',
    interface: { ids: ['nav'], classes: [], globals: [], exports: [], cssVars: [], links: ['a.html'] },
    generatedBy: { taskId: 'adopt', taskKey: '', stage: 'adopt', model: 'static' },
    owner: 'user',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }
}

function writerFor(dir: string, editUserFiles: false | 'chunks') {
  writeFileSync(join(dir, 'index.html'), PAGE)
  return new SiteWriter({
    siteDir: dir,
    tracker: { files: { 'index.html': userEntry(PAGE) } },
    overwriteHandEdits: true,
    stateDir: join(dir, '.sitesmith'),
    editUserFiles,
    runId: 'r1',
  })
}

const meta = {
  summary: 's',
  interface: userEntry(PAGE).interface,
  generatedBy: { taskId: 't', taskKey: 'k', stage: 'update', model: 'm' },
}

describe('outsideChunksKept', () => {
  it('accepts an edit of the named chunk and names any byte changed outside it', () => {
    const edited = applyChunkEdit(
      'index.html',
      PAGE,
      '#nav',
      '<nav id="nav"><a href="a.html">A</a> <a href="b.html">B</a></nav>',
    )
    if (!edited.ok) throw new Error(edited.reason)
    expect(outsideChunksKept('index.html', PAGE, edited.content, ['#nav'])).toBeNull()
    expect(
      outsideChunksKept('index.html', PAGE, edited.content.replace('<p>Hi</p>', '<p>Hello</p>'), ['#nav']),
    ).toMatch(/after the last edited chunk changed/)
    expect(
      outsideChunksKept('index.html', PAGE, edited.content.replace('<title>T</title>', '<title>U</title>'), ['#nav']),
    ).toMatch(/before the first edited chunk/)
    expect(outsideChunksKept('index.html', PAGE, edited.content.replace(/\r\n/g, '\n'), ['#nav'])).not.toBeNull()
    expect(outsideChunksKept('index.html', PAGE, edited.content, ['#missing'])).toMatch(/cannot be located/)
  })
})

describe('SiteWriter and a person’s files', () => {
  it('never creates over or deletes a person’s file, even with overwriteHandEdits', async () => {
    const dir = tempDir()
    const w = writerFor(dir, 'chunks')
    expect(w.state('index.html')).toBe('user-file')
    await expect(w.write('index.html', '<p>x</p>\n', meta)).rejects.toBeInstanceOf(WriteRefusedError)
    expect(w.delete('index.html').deleted).toBe(false)
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(PAGE)
  })

  it('with editUserFiles off, a chunk edit is refused naming what it would change; with consent it applies', async () => {
    const dir = tempDir()
    const w = writerFor(dir, false)
    const edited = applyChunkEdit('index.html', PAGE, '#nav', '<nav id="nav"></nav>')
    if (!edited.ok) throw new Error(edited.reason)
    const off = await w.writeUserChunks('index.html', PAGE, edited.content, ['#nav'], meta).catch((e: unknown) => e)
    expect(off).toBeInstanceOf(UserFileEditOffError)
    expect((off as Error).message).toContain('would have changed "#nav"')
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(PAGE)
    await w.writeUserChunks('index.html', PAGE, edited.content, ['#nav'], meta, true)
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(edited.content)
    expect(w.tracker.files['index.html'].owner).toBe('user')
    const [entry] = new UndoJournal(join(dir, '.sitesmith')).entries()
    expect(Buffer.from(entry.before, 'base64').toString('utf8')).toBe(PAGE)
    expect(entry).toMatchObject({ run: 'r1', path: 'index.html', target: ['#nav'], afterHash: sha256(edited.content) })
  })

  it('refuses an edit that changes bytes outside its chunks, and one made from stale bytes', async () => {
    const dir = tempDir()
    const w = writerFor(dir, 'chunks')
    await expect(w.writeUserChunks('index.html', PAGE, PAGE.replace('Hi', 'Ho'), ['#nav'], meta)).rejects.toThrow(
      /outside|after the last edited chunk/,
    )
    const edited = applyChunkEdit('index.html', PAGE, '#nav', '<nav id="nav"></nav>')
    if (!edited.ok) throw new Error(edited.reason)
    writeFileSync(join(dir, 'index.html'), PAGE + '<!-- mine -->\r\n')
    await expect(w.writeUserChunks('index.html', PAGE, edited.content, ['#nav'], meta)).rejects.toThrow(
      /changed on disk while sitesmith was working on it/,
    )
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe(PAGE + '<!-- mine -->\r\n')
    expect(existsSync(join(dir, '.sitesmith', 'undo.jsonl'))).toBe(false)
  })

  it('a generated file edited by hand after its update was computed is kept (update basis)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.html'), '<p>a</p>\n')
    const w = new SiteWriter({
      siteDir: dir,
      tracker: FileTrackerSchema.parse({ files: { 'a.html': { ...userEntry('<p>a</p>\n'), owner: undefined } } }),
      overwriteHandEdits: true,
      stateDir: join(dir, '.sitesmith'),
    })
    writeFileSync(join(dir, 'a.html'), '<p>a, by hand</p>\n')
    await expect(w.write('a.html', '<p>b</p>\n', meta, { from: '<p>a</p>\n' })).rejects.toThrow(/changed on disk/)
    expect(readFileSync(join(dir, 'a.html'), 'utf8')).toBe('<p>a, by hand</p>\n')
  })
})

describe('writeFileAtomic beforeRename', () => {
  it('a throwing check leaves the target untouched and no temp file', async () => {
    const dir = tempDir()
    const p = join(dir, 'x.html')
    writeFileSync(p, 'old')
    await expect(
      writeFileAtomic(p, 'new', {
        beforeRename: () => {
          throw new Error('edited meanwhile')
        },
      }),
    ).rejects.toThrow('edited meanwhile')
    expect(readFileSync(p, 'utf8')).toBe('old')
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(dir).sort()).toEqual(['.sitesmith', 'x.html'])
  })
})

describe('plans and a person’s files', () => {
  it('create over or delete of a person’s file is a plan problem; update with a target is fine', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'index.html'), PAGE)
    const ctx = {
      siteDir: dir,
      sectionIds: new Set(['faq']),
      generatedPaths: new Set<string>(),
      existingPaths: new Set(['index.html']),
      userPaths: new Set(['index.html']),
    }
    const t = (action: 'create' | 'update' | 'delete', target?: string) => ({
      id: `t-${action}`,
      action,
      path: 'index.html',
      instructions: 'x',
      dependsOn: [],
      sections: ['faq'],
      ...(target ? { target } : {}),
    })
    expect(validatePlan([t('create')], ctx).map((p) => p.message)).toEqual([
      expect.stringContaining("which is the person's file"),
    ])
    expect(validatePlan([t('delete')], ctx).map((p) => p.message)).toEqual([
      expect.stringContaining('sitesmith did not generate'),
    ])
    expect(validatePlan([t('update', '#nav')], ctx)).toEqual([])
  })

  it('prompts of a site without a person’s files are exactly as before (cache keys stay)', () => {
    const sections = [{ id: 'home', heading: 'Home', level: 2, line: 1, text: '## Home\nHi', hash: 'h' }]
    const plain = fullPlanMessages(sections)
    expect(fullPlanMessages(sections, [])).toEqual(plain)
    expect(plain[1].content).toBe('Plan the site for this spec.\n\n[home]\n## Home\nHi')
    const generated = { ...userEntry(PAGE), owner: undefined }
    const delta = deltaPlanMessages({
      previous: [],
      tracker: { files: { 'index.html': generated } },
      changed: [],
      added: sections,
      removed: [],
    })
    expect(delta[1].content).not.toContain("the person's")
    const withUser = deltaPlanMessages({
      previous: [],
      tracker: { files: { 'index.html': userEntry(PAGE) } },
      changed: [],
      added: sections,
      removed: [],
    })
    expect(withUser[1].content).toContain("- index.html (the person's): the home page; ids: #nav; links: a.html")
  })
})
