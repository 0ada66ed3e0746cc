import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { checkCommand } from '../../../plugin/check/command.js'
import { checkSite } from '../../../plugin/check/index.js'
import { codeFrame, formatLocation } from '../../../plugin/diagnostics/code-frame.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { formatFindingsText, shouldUseColor, summaryLine } from '../../../plugin/diagnostics/render-text.js'
import { formatFindingsJson } from '../../../plugin/diagnostics/render-json.js'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'check')

class Capture extends Writable {
  text = ''
  isTTY = false
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

async function run(argv: string[], cwd = fixtures) {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await checkCommand(argv, { stdout, stderr, cwd })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('sitesmith check', () => {
  it('prints the JSON contract and exits 1 when there are error findings', async () => {
    const r = await run(['defects/todo-app', '--format', 'json'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('')
    const doc = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] }
    expect(Object.keys(doc)).toEqual(['findings'])
    expect(doc.findings.length).toBe(5)
    for (const f of doc.findings) {
      expect(Object.keys(f)).toEqual(['rule', 'severity', 'file', 'line', 'column', 'message'])
      expect(f.file).not.toMatch(/^\/|\\/)
    }
    expect(doc.findings).toContainEqual(
      expect.objectContaining({ rule: 'missing-element', severity: 'error', file: 'js/ui.js', line: 2 }),
    )
  })

  it('exits 0 with an empty list on a clean site', async () => {
    const r = await run(['clean/landing', '-f', 'json'])
    expect(r).toEqual({ code: 0, stdout: '{"findings":[]}\n', stderr: '' })
  })

  it('prints findings with code frames and a summary by default, without colour off a TTY', async () => {
    const r = await run([join(fixtures, 'defects', 'bakery')], '/')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('menu.html:16:22  warning  ')
    expect(r.stdout).toMatch(/> 16 \|.*index\.html#opening-hours/)
    expect(r.stdout).toMatch(/\n\s+\|\s+\^/)
    expect(r.stdout).toContain('✖ 9 problems (7 errors, 2 warnings) in 4 files')
    expect(r.stdout).not.toContain('\u001b[')
  })

  describe('on a site with only warnings', () => {
    let dir = ''
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sitesmith-check-'))
      writeFileSync(
        join(dir, 'index.html'),
        '<!doctype html><html lang="en"><title>t</title><link rel="stylesheet" href="style.css"></html>\n',
      )
      writeFileSync(join(dir, 'style.css'), '.a { colr: red }\n')
    })
    afterEach(() => rmSync(dir, { recursive: true, force: true }))

    it('exits 0', async () => {
      const r = await run([dir, '--format=json'])
      expect(r.code).toBe(0)
      expect((JSON.parse(r.stdout) as { findings: Finding[] }).findings).toEqual([
        expect.objectContaining({ rule: 'unknown-css-property', severity: 'warning' }),
      ])
    })
  })

  it.each([
    [[], /missing <dir>/],
    [['nope-does-not-exist'], /directory not found: .*nope-does-not-exist/],
    [['defects/bakery/index.html'], /not a directory/],
    [['clean/landing', '--verbose'], /Unknown option '--verbose'/],
    [['clean/landing', '--format', 'xml'], /--format must be "text", "json" or "sarif", got "xml"/],
    [['clean/landing', 'clean/blog'], /expected one <dir>/],
  ])('exits 2 with a message on usage error %j', async (argv, message) => {
    const r = await run(argv)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toContain('Usage: sitesmith check <dir>')
  })

  it('prints usage for --help and exits 0', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: sitesmith check <dir>')
  })
})

describe('checkSite on disk', () => {
  let dir = ''
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sitesmith-site-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }

  it('skips node_modules, dist, .sitesmith and dot-directories; sees binary files as link targets', async () => {
    write('index.html', '<!doctype html><img src="logo.png" alt=""><a href="nope.html">x</a>')
    writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]))
    for (const skipped of ['node_modules/pkg', 'dist', '.sitesmith', '.git', 'sub/dist'])
      write(`${skipped}/bad.css`, '.a { colr: red')
    const findings = await checkSite(dir)
    expect(findings.map((f) => `${f.rule} ${f.file}`)).toEqual(['broken-link index.html'])
  })

  it('restricts findings to `files` while still reading the whole site', async () => {
    write('a.html', '<!doctype html><script src="shared.js"></script><a href="#x">x</a>')
    write('b.html', '<!doctype html><div id="only-b"></div><script src="shared.js"></script>')
    write('shared.js', "document.getElementById('only-b')\n")
    const all = await checkSite(dir)
    expect(all.map((f) => `${f.rule} ${f.file}`)).toEqual(['missing-anchor a.html'])
    expect(await checkSite(dir, { files: ['shared.js'] })).toEqual([])
  })

  it('names the path when the directory does not exist', async () => {
    await expect(checkSite(join(dir, 'missing'))).rejects.toThrow(/site directory not found: .*missing/)
  })
})

describe('formatting', () => {
  const findings: Finding[] = [
    {
      rule: 'broken-link',
      severity: 'error',
      file: 'index.html',
      line: 2,
      column: 10,
      message: 'gone',
      page: 'index.html',
    },
    { rule: 'unknown-css-property', severity: 'warning', file: 'a.css', line: 1, column: 6, message: 'typo' },
  ]

  it('JSON keeps exactly the contract fields, in order', () => {
    expect(formatFindingsJson(findings)).toBe(
      '{"findings":[{"rule":"broken-link","severity":"error","file":"index.html","line":2,"column":10,"message":"gone"},' +
        '{"rule":"unknown-css-property","severity":"warning","file":"a.css","line":1,"column":6,"message":"typo"}]}',
    )
  })

  it('text shows location, severity, message, rule, frame and summary; colour only when asked', () => {
    const sources: Record<string, string> = {
      'index.html': '<p>\n<a href="x.html">x</a>\n</p>',
      'a.css': '.a { colr: red }',
    }
    const plain = formatFindingsText(findings, { source: (f) => sources[f] })
    expect(plain).toContain('index.html:2:10  error  gone  broken-link')
    expect(plain).toContain('> 2 | <a href="x.html">x</a>')
    expect(plain).toContain('✖ 2 problems (1 error, 1 warning) in 2 files')
    expect(plain).not.toContain('\u001b[')
    expect(formatFindingsText(findings, { source: (f) => sources[f], color: true })).toContain('\u001b[')
    expect(formatFindingsText(findings, { source: (f) => sources[f], maxFrames: 1 })).not.toContain(
      '> 1 | .a { colr: red }',
    )
    expect(summaryLine([])).toBe('✔ no problems')
  })

  it('uses colour only on a TTY with NO_COLOR unset or empty', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true)
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false)
    expect(shouldUseColor({}, {})).toBe(false)
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true)
  })

  it('code frames point at the column and are empty for unknown locations', () => {
    const frame = codeFrame('one\ntwo three\nfour', 2, 5)
    expect(frame).toContain('> 2 | two three')
    expect(frame).toMatch(/\|\s{5}\^/)
    expect(codeFrame('x', 0, 0)).toBe('')
    expect(codeFrame('x', 9, 1)).toBe('')
    const minified = `var a=1;${'x'.repeat(5000)};go();${'y'.repeat(5000)}`
    const cut = codeFrame(minified, 1, 5010)
    expect(cut.length).toBeLessThan(400)
    expect(cut).toContain(';go();')
    const marker = cut.split('\n')[1]
    expect(cut.split('\n')[0].indexOf(';go()')).toBe(marker.indexOf('^') - 1)
    expect(formatLocation('a.js', 3, 4)).toBe('a.js:3:4')
    expect(formatLocation('a.js', 0, 0)).toBe('a.js')
  })
})
