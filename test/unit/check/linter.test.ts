import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'

import { describe, expect, it, onTestFinished } from 'vitest'

import { checkCommand } from '../../../plugin/check/command.js'
import { checkSite } from '../../../plugin/check/index.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { compileGlob, ignoreMatcher } from '../../../plugin/analysis/ignore-globs.js'
import { parseDirectives } from '../../../plugin/check/suppressions.js'
import { DEFAULTS, resolveOptions } from '../../../plugin/options.js'
import { checkSiteNow } from '../../../plugin/pipeline/site-checks.js'
import { Progress } from '../../../plugin/report/progress.js'

/** `sitesmith check` as a linter (issue #13): suppressions, ignore, paths, summary, empty folders. */

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

function site(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-lint-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }
  return dir
}

async function check(argv: string[], cwd: string) {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await checkCommand(argv, { stdout, stderr, cwd, env: {} })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

async function findings(dir: string, ...extra: string[]): Promise<{ rule: string; file: string; line: number }[]> {
  const r = await check([dir, '-f', 'json', ...extra], dir)
  expect(r.stderr).toBe('')
  return (JSON.parse(r.stdout) as { findings: { rule: string; file: string; line: number }[] }).findings.map(
    ({ rule, file, line }) => ({ rule, file, line }),
  )
}

const PAGE = (body: string, head = '') =>
  `<!doctype html>\n<html lang="en">\n<head><title>t</title>${head}</head>\n<body>\n${body}\n</body>\n</html>\n`

describe('suppression comments', () => {
  it.each([
    [
      'HTML disable-next-line',
      { 'index.html': PAGE('<!-- sitesmith-disable-next-line missing-anchor -->\n<a href="#nowhere">x</a>') },
    ],
    [
      'HTML disable-line',
      { 'index.html': PAGE('<a href="#nowhere">x</a> <!-- sitesmith-disable-line missing-anchor -->') },
    ],
    [
      'HTML, a list of rules',
      {
        'index.html': PAGE(
          '<!-- sitesmith-disable-next-line broken-link, missing-anchor -- routed by app.js -->\n<a href="#nowhere">x</a>',
        ),
      },
    ],
    ['HTML, no rule = all', { 'index.html': PAGE('<!-- sitesmith-disable-next-line -->\n<a href="#nowhere">x</a>') }],
    [
      'HTML region',
      {
        'index.html': PAGE(
          '<!-- sitesmith-disable missing-anchor -->\n<p>a</p>\n<a href="#nowhere">x</a>\n<!-- sitesmith-enable missing-anchor -->',
        ),
      },
    ],
    [
      'CSS disable-line',
      {
        'index.html': PAGE('', '<link rel="stylesheet" href="a.css">'),
        'a.css': '.a {\n  colr: red; /* sitesmith-disable-line unknown-css-property */\n}\n',
      },
    ],
    [
      'CSS disable-next-line',
      {
        'index.html': PAGE('', '<link rel="stylesheet" href="a.css">'),
        'a.css': '.a {\n  /* sitesmith-disable-next-line unknown-css-property */\n  colr: red;\n}\n',
      },
    ],
    [
      'JS // disable-next-line',
      {
        'index.html': PAGE('<script src="a.js"></script>'),
        'a.js': "// sitesmith-disable-next-line missing-element\ndocument.getElementById('nowhere')\n",
      },
    ],
    [
      'JS // disable-line',
      {
        'index.html': PAGE('<script src="a.js"></script>'),
        'a.js': "document.getElementById('nowhere') // sitesmith-disable-line missing-element\n",
      },
    ],
    [
      'JS /* */ disable-line',
      {
        'index.html': PAGE('<script src="a.js"></script>'),
        'a.js': "document.getElementById('nowhere') /* sitesmith-disable-line missing-element */\n",
      },
    ],
    [
      'JS /* */ disable-next-line',
      {
        'index.html': PAGE('<script src="a.js"></script>'),
        'a.js': "/* sitesmith-disable-next-line missing-element */\ndocument.getElementById('nowhere')\n",
      },
    ],
    [
      'inline script in HTML',
      {
        'index.html': PAGE(
          "<script>\n// sitesmith-disable-next-line missing-element\ndocument.getElementById('nowhere')\n</script>",
        ),
      },
    ],
    [
      'inline style in HTML',
      { 'index.html': PAGE('<p style="colr: red"><!-- sitesmith-disable-line unknown-css-property -->x</p>') },
    ],
  ])('%s silences the finding it names', async (_name, files) => {
    const withComment = site(files)
    expect(await findings(withComment)).toEqual([])
    // Without the comment the same site has the finding (the test can fail).
    const without = Object.fromEntries(
      Object.entries(files).map(([f, t]) => [f, t.replace(/(<!--|\/\*|\/\/)\s*sitesmith-[^\n]*?(-->|\*\/|$)/gm, '')]),
    )
    expect((await findings(site(without))).length).toBeGreaterThan(0)
  })

  it('silences only the rules it names and only its line', async () => {
    const dir = site({
      'index.html': PAGE('<script src="a.js"></script>'),
      'a.js':
        "// sitesmith-disable-next-line undefined-reference\ndocument.getElementById('one')\ndocument.getElementById('two')\n",
    })
    expect(await findings(dir)).toEqual([
      { rule: 'missing-element', file: 'a.js', line: 2 },
      { rule: 'missing-element', file: 'a.js', line: 3 },
    ])
  })

  it('a CSS file does not take the // form (it is not a CSS comment)', () => {
    expect(parseDirectives('a.css', 'a { colr: red } // sitesmith-disable-line')).toEqual([])
    expect(parseDirectives('a.js', 'x // sitesmith-disable-line')).toHaveLength(1)
    expect(parseDirectives('a.js', 'x <!-- sitesmith-disable-line -->')).toEqual([])
  })

  it('reports a directive naming a rule that does not exist, and keeps the finding', async () => {
    const dir = site({
      'index.html': PAGE('<!-- sitesmith-disable-next-line missing-anchr -->\n<a href="#nowhere">x</a>'),
    })
    expect(await findings(dir)).toEqual([
      { rule: 'invalid-suppression', file: 'index.html', line: 5 },
      { rule: 'missing-anchor', file: 'index.html', line: 6 },
    ])
  })

  it('the build check (checkSite by default) does not honour them: the model writes those files', async () => {
    const dir = site({ 'index.html': PAGE('<!-- sitesmith-disable-next-line -->\n<a href="#nowhere">x</a>') })
    expect((await checkSite(dir)).map((f) => f.rule)).toEqual(['missing-anchor'])
    expect(await checkSite(dir, { suppressions: true })).toEqual([])
  })

  it('the text summary counts suppressed findings', async () => {
    const dir = site({ 'index.html': PAGE('<!-- sitesmith-disable-next-line -->\n<a href="#nowhere">x</a>') })
    const r = await check(['.'], dir)
    expect(r).toMatchObject({ code: 0, stdout: '✔ no problems in 1 file (1 page, 1 suppressed)\n' })
  })
})

describe('ignore', () => {
  it.each([
    ['vendor/**', ['vendor/lib.js', 'vendor/a/b.css'], ['vendorx/lib.js', 'js/vendor.js']],
    ['vendor', ['vendor/lib.js', 'a/vendor/x.js'], ['vendor.js']],
    ['*.min.js', ['a.min.js', 'js/b.min.js'], ['a.js', 'min.js.map']],
    ['js/*.js', ['js/a.js'], ['js/sub/a.js', 'a/js/a.js']],
    ['**/legacy/*.{js,css}', ['legacy/a.js', 'x/legacy/b.css'], ['legacy/a.html', 'legacy/sub/a.js']],
    ['./pages/?.html', ['pages/a.html'], ['pages/ab.html']],
    ['[ab].css', ['a.css', 'x/b.css'], ['c.css']],
  ])('%s', (glob, yes, no) => {
    const match = ignoreMatcher([glob])
    for (const p of yes) expect(match(p), `${glob} should match ${p}`).toBe(true)
    for (const p of no) expect(match(p), `${glob} should not match ${p}`).toBe(false)
  })

  it('rejects malformed globs with the pattern named', () => {
    expect(() => compileGlob('a/[b')).toThrow(/"a\/\[b".*closing "\]"/)
    expect(() => compileGlob('{a,b')).toThrow(/closing "}"/)
    expect(() => compileGlob('')).toThrow(/non-empty/)
  })

  it('--ignore: nothing is reported in ignored files, and links to them still resolve', async () => {
    const dir = site({
      'index.html': PAGE('<script src="vendor/lib.js"></script><script src="app.js"></script>'),
      'vendor/lib.js': 'this is not javascript (',
      'app.js': 'libInit()\n',
    })
    expect((await findings(dir)).map((f) => f.rule)).toEqual(['js-syntax'])
    // The page loads a file the checker does not read: its globals are unknown, so libInit is not flagged.
    expect(await findings(dir, '--ignore', 'vendor/**')).toEqual([])
    expect(await checkSite(dir, { ignore: ['vendor'] })).toEqual([])
  })

  it('--ignore with a malformed glob is a usage error', async () => {
    const r = await check(['.', '--ignore', 'a/[b'], site({ 'index.html': PAGE('') }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--ignore: .*"a\/\[b"/)
  })
})

describe('what is printed', () => {
  it('text paths are relative to the current directory, json paths to <dir>, summary per rule', async () => {
    const root = site({
      'www/index.html': PAGE('<a href="gone.html">x</a><a href="#nowhere">y</a><a href="also-gone.html">z</a>'),
    })
    const text = await check(['www'], root)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain('www/index.html:5:10  error  ')
    expect(text.stdout).toContain('✖ 3 problems (2 errors, 1 warning) in 1 file\nbroken-link 2 · missing-anchor 1\n')
    const inside = await check(['.'], join(root, 'www'))
    expect(inside.stdout).toMatch(/^index\.html:5:10 {2}error/)
    const json = await check(['www', '-f', 'json'], root)
    expect((JSON.parse(json.stdout) as { findings: Finding[] }).findings[0].file).toBe('index.html')
  })

  it('a clean site says how much it checked', async () => {
    const r = await check(['.'], site({ 'index.html': PAGE('<p>hi</p>'), 'a.css': 'p { color: red }' }))
    expect(r).toEqual({ code: 0, stdout: '✔ no problems in 2 files (1 page)\n', stderr: '' })
  })

  it.each([
    [{}, /no HTML page in \. \(no HTML, CSS or JS file\)/],
    [{ 'src/main.js': 'export const a = 1\n', 'a.css': 'p{}' }, /no HTML page in \. \(only 2 CSS\/JS file\(s\)\)/],
  ])('a folder with no pages is an error, not ✔ (%j)', async (files, message) => {
    const r = await check(['.', '-f', 'json'], site(files))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toContain('is it the site folder?')
  })

  it('ignoring every page leaves nothing to check', async () => {
    const r = await check(['.', '--ignore', '*.html'], site({ 'index.html': PAGE('') }))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no HTML page in \. .* not ignored/)
  })
})

describe('the check.ignore plugin option', () => {
  it('defaults to nothing (frozen), rejects bad globs naming the option, and the build check honours it', async () => {
    const dir = site({
      'index.html': PAGE('<script src="vendor/lib.js"></script>'),
      'vendor/lib.js': 'not javascript (',
    })
    expect(resolveOptions({}, { root: dir }).check.ignore).toEqual([])
    expect(Object.isFrozen(DEFAULTS.check.ignore)).toBe(true)
    expect(() => resolveOptions({ check: { ignore: ['a/[b'] } }, { root: dir })).toThrow(
      /option "check.ignore": .*"a\/\[b"/,
    )
    expect(() => resolveOptions({ check: { ignore: [''] } }, { root: dir })).toThrow(/option "check.ignore"/)
    const progress = new Progress({ logger: { info() {}, warn() {}, error() {} } })
    const run = (ignore?: string[]) =>
      checkSiteNow({
        options: resolveOptions({ check: { ignore }, runtimeCheck: { enabled: false } }, { root: dir }),
        progress,
      }).full()
    expect((await run()).map((f) => f.rule)).toEqual(['js-syntax'])
    expect(await run(['vendor/**'])).toEqual([])
  })
})
