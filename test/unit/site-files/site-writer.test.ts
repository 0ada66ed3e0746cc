import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { SiteWriter, WriteRefusedError, type TrackMeta } from '../../../plugin/site-files/site-writer.js'

const META: TrackMeta = {
  summary: 'test',
  interface: { ids: [], classes: [], globals: [], exports: [], cssVars: [], links: [] },
  generatedBy: { taskId: 't', taskKey: 'k', stage: 'generate', model: 'm' },
}

function writer(): { dir: string; w: SiteWriter } {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-writer-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, '.sitesmith'))
  const w = new SiteWriter({
    siteDir: dir,
    tracker: { files: {} },
    overwriteHandEdits: false,
    stateDir: join(dir, '.sitesmith'),
  })
  return { dir, w }
}

/** #11: the integrity gate sits inside `write`, so no caller can write content that skipped it. */
describe('SiteWriter.write runs the integrity gate itself', () => {
  it.each([
    ['js/app.js', 'function a() {\n  return 1\n', /js\/app\.js:\d+:\d+: does not parse/],
    ['css/site.css', '.a { color: red;\n', /does not parse/],
    ['index.html', '<html><body><p>cut', /cut off/],
    ['data/x.json', '{"a": 1,}', /not valid JSON/],
    ['js/app.js', '   \n', /empty/],
  ])('refuses %s and writes nothing, records nothing', async (path, content, reason) => {
    const { dir, w } = writer()
    const refused = await w.write(path, content, META).then(
      () => null,
      (e: unknown) => e,
    )
    expect(refused).toBeInstanceOf(WriteRefusedError)
    expect((refused as WriteRefusedError).message).toMatch(reason)
    expect((refused as WriteRefusedError).path).toBe(path)
    expect(existsSync(join(dir, path))).toBe(false)
    expect(w.tracker.files[path]).toBeUndefined()
    expect(existsSync(join(dir, '.sitesmith', 'pending.jsonl'))).toBe(false)
  })

  it('writes whole content and tracks it', async () => {
    const { dir, w } = writer()
    expect(await w.write('js/app.js', 'export const a = 1\n', META)).toEqual({ changed: true })
    expect(readFileSync(join(dir, 'js/app.js'), 'utf8')).toBe('export const a = 1\n')
    expect(w.tracker.files['js/app.js']?.hash).toMatch(/^[0-9a-f]{64}$/)
  })
})
