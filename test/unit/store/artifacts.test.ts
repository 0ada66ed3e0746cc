import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { FileTracker, TasksFile } from '../../../plugin/store/artifact-schemas.js'
import {
  ArtifactError,
  artifactPath,
  readArtifact,
  readCodeReview,
  readTasks,
  readTracker,
  serializeArtifact,
  writeArtifact,
  writeTasks,
  writeTracker,
} from '../../../plugin/store/artifacts.js'

let site: string
beforeEach(async () => {
  site = await mkdtemp(join(tmpdir(), 'sitesmith-artifacts-'))
})
afterEach(async () => {
  await rm(site, { recursive: true, force: true })
})

const tasks: TasksFile = {
  version: 1,
  specHash: 'abc',
  sectionHashes: { 'spec/pricing': 'h2', 'spec/home': 'h1' },
  tasks: [
    {
      id: 'index',
      action: 'create',
      path: 'index.html',
      instructions: 'Home page',
      dependsOn: ['styles'],
      sections: ['spec/home'],
    },
    { id: 'styles', action: 'create', path: 'styles.css', instructions: 'Shared styles', dependsOn: [], sections: [] },
  ],
}

const tracked = (hash: string) => ({
  hash,
  summary: 's',
  interface: { ids: [], classes: [], globals: [], exports: [], cssVars: [], links: [] },
  generatedBy: { taskId: 't', taskKey: 'k', stage: 'generate', model: 'ollama:m' },
  updatedAt: '2024-01-01T00:00:00.000Z',
})

describe('artifacts', () => {
  it('a missing file reads as the empty default, a fresh object each time', async () => {
    expect(await readTasks(site)).toEqual({ version: 1, specHash: '', sectionHashes: {}, tasks: [] })
    expect(await readTracker(site)).toEqual({ files: {} })
    const review = await readCodeReview(site)
    expect(review.findings).toEqual([])
    review.findings.push({ rule: 'x', severity: 'error', file: 'a', line: 1, column: 1, message: 'm' })
    expect((await readCodeReview(site)).findings).toEqual([])
  })

  it('round-trips and writes pretty JSON with a trailing newline under .sitesmith/', async () => {
    const { path, written } = await writeTasks(site, tasks)
    expect(written).toBe(true)
    expect(path).toBe(join(site, '.sitesmith', 'tasks.json'))
    const text = await readFile(path, 'utf8')
    expect(text.endsWith('}\n')).toBe(true)
    expect(text).toContain('\n  "specHash": "abc",\n')
    expect(await readTasks(site)).toEqual(tasks)
  })

  it('gives equal bytes for equal content regardless of key insertion order', async () => {
    const a: FileTracker = { files: { 'b.html': tracked('2'), 'a.html': tracked('1') } }
    const shuffled = JSON.parse(JSON.stringify({ files: { 'a.html': tracked('1'), 'b.html': tracked('2') } }))
    // Reverse every object's keys.
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverse(x)]),
            )
          : v
    expect(serializeArtifact('tracker', reverse(shuffled) as FileTracker)).toBe(serializeArtifact('tracker', a))
    const text = serializeArtifact('tracker', a)
    expect(text.indexOf('"a.html"')).toBeLessThan(text.indexOf('"b.html"'))
    // Schema order, not alphabetical: `hash` comes before `summary` before `interface`.
    expect(text.indexOf('"hash"')).toBeLessThan(text.indexOf('"summary"'))
    expect(text.indexOf('"summary"')).toBeLessThan(text.indexOf('"interface"'))
  })

  it('does not rewrite an unchanged value (no mtime churn)', async () => {
    const tracker: FileTracker = { files: { 'index.html': tracked('1') } }
    await writeTracker(site, tracker)
    const p = artifactPath(site, 'tracker')
    const before = await stat(p)
    const again = await writeTracker(site, structuredClone(tracker))
    expect(again.written).toBe(false)
    const after = await stat(p)
    expect(after.ino).toBe(before.ino)
    expect(after.mtimeMs).toBe(before.mtimeMs)
    const changed = await writeTracker(site, { files: { 'index.html': tracked('2') } })
    expect(changed.written).toBe(true)
    expect((await stat(p)).ino).not.toBe(before.ino)
  })

  it('a schema violation names the file, the zod path, line:column and shows a code frame', async () => {
    const bad = structuredClone(tasks) as unknown as { tasks: Array<Record<string, unknown>> }
    bad.tasks.push({ id: 'x', action: 'rewrite', path: 'x.html', instructions: '' })
    await mkdir(join(site, '.sitesmith'), { recursive: true })
    const text = JSON.stringify(bad, null, 2)
    await writeFile(artifactPath(site, 'tasks'), text)
    const error = await readTasks(site).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ArtifactError)
    const e = error as ArtifactError
    expect(e.code).toBe('E_ARTIFACT')
    expect(e.file).toBe(artifactPath(site, 'tasks'))
    const line = text.split('\n').findIndex((l) => l.includes('"rewrite"')) + 1
    expect(e.message).toMatch(
      new RegExp(`^\\.sitesmith/tasks\\.json:${line}:\\d+: tasks\\[2\\]\\.action: Invalid option`),
    )
    expect(e.location?.line).toBe(line)
    expect(text.split('\n')[line - 1].slice(e.location!.column - 1)).toMatch(/^"rewrite"/)
    expect(e.frame).toContain('"rewrite"')
    // The file is left as it was.
    expect(await readFile(artifactPath(site, 'tasks'), 'utf8')).toBe(text)
  })

  it('a missing required field points at the object that lacks it', async () => {
    await mkdir(join(site, '.sitesmith'), { recursive: true })
    await writeFile(
      artifactPath(site, 'tracker'),
      '{\n  "files": {\n    "a.html": {\n      "summary": "s"\n    }\n  }\n}\n',
    )
    await expect(readTracker(site)).rejects.toThrow(
      /^\.sitesmith\/file_tracker\.json:3:15: files\["a\.html"\]\.hash: Invalid input/,
    )
  })

  it('truncated JSON is reported with the position where it stops', async () => {
    await mkdir(join(site, '.sitesmith'), { recursive: true })
    const full = serializeArtifact('tasks', tasks)
    await writeFile(artifactPath(site, 'tasks'), full.slice(0, 120))
    await expect(readArtifact(site, 'tasks')).rejects.toThrow(/^\.sitesmith\/tasks\.json:\d+:\d+: not valid JSON/)
    await writeFile(artifactPath(site, 'tasks'), '{\n  "version": 1,,\n}')
    await expect(readArtifact(site, 'tasks')).rejects.toThrow(/^\.sitesmith\/tasks\.json:2:16: not valid JSON/)
  })

  it('refuses to write an invalid value and keeps the old file', async () => {
    await writeTasks(site, tasks)
    const before = await readFile(artifactPath(site, 'tasks'), 'utf8')
    const bad = { ...tasks, tasks: [{ ...tasks.tasks[0], id: '../evil' }] }
    await expect(writeArtifact(site, 'tasks', bad)).rejects.toThrow(
      /tasks\.json: refusing to write an invalid value: tasks\[0\]\.id/,
    )
    expect(await readFile(artifactPath(site, 'tasks'), 'utf8')).toBe(before)
  })
})
