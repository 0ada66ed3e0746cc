import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { diagnosticsOf, sourceOf, type Diagnostic } from '../../../plugin/diagnostics/diagnostic.js'
import { formatFindingsJson } from '../../../plugin/diagnostics/render-json.js'
import { overlayPayload } from '../../../plugin/diagnostics/render-overlay.js'
import { rollupError } from '../../../plugin/diagnostics/render-rollup.js'
import { diagnosticLine, formatFindingsText } from '../../../plugin/diagnostics/render-text.js'
import { formatFindingsSarif } from '../../../plugin/diagnostics/format-sarif.js'
import { siteSources } from '../../../plugin/diagnostics/site-source.js'
import { formatRunSummary } from '../../../plugin/report/run-summary.js'
import { overlayState } from '../../../plugin/vite/dev-overlay.js'
import { TaskFailedError } from '../../../plugin/generate/generate-files.js'
import { PlanError } from '../../../plugin/plan/planner.js'
import { SpecError } from '../../../plugin/spec/read-spec.js'
import { ArtifactError } from '../../../plugin/store/artifacts.js'
import { CacheMissError } from '../../../plugin/store/cached-chat.js'
import { WriteRefusedError } from '../../../plugin/site-files/site-writer.js'
import { ModelError } from '../../../plugin/llm/errors.js'

/** Issue #11, point 3: one diagnostic type, one renderer per output, never `file:0:0`. */
function tempSite(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-diag-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

const PAGE = '<!doctype html>\n<main>\n<a href="gone.html">x</a>\n</main>\n'
const located: Diagnostic = {
  rule: 'broken-link',
  severity: 'error',
  file: 'index.html',
  line: 3,
  column: 10,
  message: 'gone.html is missing',
}
const unlocated: Diagnostic = {
  rule: 'runtime-error',
  severity: 'error',
  file: 'js/main.js',
  line: 0,
  column: 0,
  message: 'Uncaught boom',
  page: 'index.html',
}
const inNoFile: Diagnostic = {
  rule: 'E_PLAN',
  severity: 'error',
  file: '',
  line: 0,
  column: 0,
  message: 'path: outside the site',
  source: 'plan',
  task: 'home',
}
const noLineAtAll: Diagnostic = {
  rule: 'E_MODEL',
  severity: 'error',
  file: '',
  line: 0,
  column: 0,
  message: 'model down',
  source: 'pipeline',
}

describe('terminal text', () => {
  it('prints file:line:column and the frame, just the file when the line is unknown, the task in no file', () => {
    const dir = tempSite({ 'index.html': PAGE })
    const text = formatFindingsText([located, unlocated, inNoFile], {
      source: (f) => siteSources(dir).read(join(dir, f)),
    })
    expect(text).toContain('index.html:3:10  error  gone.html is missing  broken-link')
    expect(text).toContain('> 3 | <a href="gone.html">x</a>')
    expect(text).toContain('js/main.js  error  Uncaught boom  runtime-error')
    expect(text).toContain('task "home"  error  path: outside the site  E_PLAN')
    expect(diagnosticLine(noLineAtAll)).toBe('error [E_MODEL] model down')
  })

  it('a diagnostic carrying its own frame (a rejected answer) prints that frame', () => {
    const text = formatFindingsText([{ ...located, frame: '> 3 | the rejected answer' }])
    expect(text).toContain('> 3 | the rejected answer')
  })
})

describe('JSON', () => {
  it('six contract fields for a checker finding; the optional ones only when set', () => {
    const doc = JSON.parse(formatFindingsJson([located, { ...inNoFile, endLine: 2, endColumn: 4 }])) as {
      findings: object[]
    }
    expect(doc.findings[0]).toEqual({
      rule: 'broken-link',
      severity: 'error',
      file: 'index.html',
      line: 3,
      column: 10,
      message: 'gone.html is missing',
    })
    expect(doc.findings[1]).toEqual({ ...inNoFile, endLine: 2, endColumn: 4 })
  })
})

describe('SARIF', () => {
  it('a known end becomes the end of the region', () => {
    type Log = { runs: { results: { locations: { physicalLocation: { region: unknown } }[] }[] }[] }
    const sarif = formatFindingsSarif([{ ...located, endLine: 3, endColumn: 19 }], {
      root: '/site',
      cwd: '/site',
      toolVersion: '0',
    })
    const log = JSON.parse(sarif) as Log
    expect(log.runs[0].results[0].locations[0].physicalLocation.region).toEqual({
      startLine: 3,
      startColumn: 10,
      endLine: 3,
      endColumn: 19,
    })
  })
})

describe('Vite overlay payload', () => {
  it('links the first located diagnostic with id, loc and frame; lists every one', () => {
    const dir = tempSite({ 'index.html': PAGE })
    const p = overlayPayload([unlocated, located], {
      heading: 'sitesmith: 2 problems',
      pluginName: 'p',
      files: siteSources(dir),
    })
    expect(p.message).toBe('sitesmith: 2 problems\njs/main.js  Uncaught boom\nindex.html:3:10  gone.html is missing')
    expect(p.id).toBe(join(dir, 'index.html'))
    expect(p.loc).toEqual({ file: join(dir, 'index.html'), line: 3, column: 10 })
    expect(p.frame).toContain('> 3 | <a href="gone.html">x</a>')
  })

  it('no loc when no line is known', () => {
    const p = overlayPayload([unlocated], { heading: 'h', pluginName: 'p', files: siteSources('/nowhere') })
    expect(p.loc).toBeUndefined()
    expect(p.frame).toBeUndefined()
  })
})

describe('Rollup error object', () => {
  it('message lists each diagnostic; id, loc and frame come from the first located one', () => {
    const dir = tempSite({ 'index.html': PAGE })
    const e = rollupError([unlocated, located], {
      heading: 'sitesmith: 2 unresolved finding(s):',
      files: siteSources(dir),
    })
    expect(e.message).toBe(
      'sitesmith: 2 unresolved finding(s):\n  js/main.js error [runtime-error] Uncaught boom\n  index.html:3:10 error [broken-link] gone.html is missing',
    )
    expect(e).toMatchObject({
      code: 'runtime-error',
      id: join(dir, 'index.html'),
      loc: { file: join(dir, 'index.html'), line: 3, column: 10 },
    })
    expect(e.frame).toContain('> 3 | <a href="gone.html">x</a>')
  })

  it('a file without a line gives an id and no loc; no file gives neither', () => {
    const dir = tempSite({})
    const inFile = rollupError([unlocated], { heading: 'h', files: siteSources(dir) })
    expect(inFile.id).toBe(join(dir, 'js/main.js'))
    expect(inFile.loc).toBeUndefined()
    const nowhere = rollupError([noLineAtAll], { heading: 'h', files: siteSources(dir) })
    expect(nowhere.id).toBeUndefined()
    expect(nowhere.loc).toBeUndefined()
  })
})

describe('no renderer prints file:0:0', () => {
  const unknown = [unlocated, inNoFile, noLineAtAll, { ...located, line: 0, column: 0 }]
  const ZERO = /:0(:0)?\b/
  const outputs: [string, () => string][] = [
    ['terminal text', () => formatFindingsText(unknown)],
    ['rollup error', () => JSON.stringify(rollupError(unknown, { heading: 'h', files: siteSources('/nowhere') }))],
    [
      'overlay payload',
      () => JSON.stringify(overlayPayload(unknown, { heading: 'h', pluginName: 'p', files: siteSources('/nowhere') })),
    ],
    [
      'the dev overlay state',
      () => {
        const loads = new Map([['index.html', new Set(['js/main.js'])]])
        return JSON.stringify(
          overlayState({ findings: unknown, failed: [], hasSite: true, loads, siteDir: '/nowhere', pluginName: 'p' }),
        )
      },
    ],
    [
      'the run summary',
      () => {
        const outcome = {
          tasks: [],
          changed: ['index.html'],
          findings: unknown,
          errors: [],
          kept: [],
          usage: { calls: 1, summary: '1 call' },
          durationMs: 5,
        }
        return formatRunSummary(outcome, { cacheMode: 'auto' })
      },
    ],
    ['SARIF', () => formatFindingsSarif(unknown, { root: '/site', cwd: '/site', toolVersion: '0' })],
  ]
  it.each(outputs)('%s', (_name, render) => {
    const out = render()
    expect(out).toContain('js/main.js')
    expect(out).not.toMatch(ZERO)
  })
})

describe('every error class converts into the one type', () => {
  it('a task rejected by the gate: task, file, line, frame, source gate', () => {
    const e = new TaskFailedError('home', 'index.html', 'the generated file was rejected: …', {
      at: { line: 4, column: 2, frame: '> 4 | x' },
    })
    expect(diagnosticsOf(e)).toEqual([
      {
        rule: 'E_TASK',
        severity: 'error',
        file: 'index.html',
        line: 4,
        column: 2,
        frame: '> 4 | x',
        message: e.message,
        source: 'gate',
        task: 'home',
      },
    ])
    expect(diagnosticsOf(new TaskFailedError('home', 'index.html', 'gone'))[0]).toMatchObject({
      source: 'task',
      line: 0,
    })
  })

  it('plan problems: one per problem, naming the task', () => {
    const e = new PlanError('rejected', [{ taskId: 'about', field: 'path', message: 'leaves the site' }])
    expect(diagnosticsOf(e)).toEqual([
      {
        rule: 'E_PLAN',
        severity: 'error',
        file: '',
        line: 0,
        column: 0,
        message: 'path: leaves the site',
        source: 'plan',
        task: 'about',
      },
    ])
  })

  it('spec, artifact, refused write, cache miss, and any other error', () => {
    expect(diagnosticsOf(new SpecError('spec.md', 'is empty', 'write it'))[0]).toMatchObject({
      rule: 'E_SPEC',
      file: 'spec.md',
    })
    const artifact = new ArtifactError(
      'bad JSON',
      '/s/.sitesmith/tasks.json',
      { offset: 7, line: 2, column: 3 },
      '> 2 | {',
    )
    expect(diagnosticsOf(artifact)[0]).toMatchObject({
      rule: 'E_ARTIFACT',
      file: '/s/.sitesmith/tasks.json',
      line: 2,
      column: 3,
      frame: '> 2 | {',
      message: 'bad JSON',
    })
    expect(diagnosticsOf(new WriteRefusedError('../x.html', 'outside'))[0]).toMatchObject({
      file: '../x.html',
      source: 'gate',
    })
    const miss = new CacheMissError('generate', 'k', 'generate:home', 'home', 'index.html')
    expect(diagnosticsOf(miss)[0]).toMatchObject({ rule: 'E_CACHE_MISS', file: 'index.html', task: 'home' })
    expect(diagnosticsOf(new ModelError('E_MODEL_TIMEOUT', 'timed out'))[0]).toMatchObject({
      rule: 'E_MODEL_TIMEOUT',
      file: '',
      source: 'pipeline',
    })
    expect(diagnosticsOf('plain')[0]).toMatchObject({ rule: 'E_RUN', message: 'plain' })
  })

  it('checker findings get their source from the rule', () => {
    expect(sourceOf(located)).toBe('rule')
    expect(sourceOf(unlocated)).toBe('runtime')
    expect(sourceOf({ rule: 'layout-overflow' })).toBe('runtime')
  })
})
