import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { copyFixture, maintainModel } from '../../helpers/adopted-site.js'
import { locateChunk } from '../../../plugin/edit/index.js'
import { CodeReviewSchema } from '../../../plugin/store/artifact-schemas.js'

/**
 * Issue 17, acceptance 3: `sitesmith review --since HEAD` in a real git repository reviews
 * exactly the files the person changed (the loopback server's request log shows what the
 * large model was sent), offers the fix as a unified diff that `git apply` accepts, and
 * `--apply` writes it as a chunk edit that keeps every other byte; `sitesmith undo` puts
 * the person's version back.
 */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH, SITESMITH_CACHE_MODE: 'auto', OPENAI_API_KEY: 'sk-loopback-test-key-0000' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args],
    { cwd, encoding: 'utf8' },
  )

const BUTTON = '<button id="roster-btn" onclick="showRoster()">Roster</button>'
const FIXED = '<button id="roster-btn" type="button" onclick="thankYou(event)">Roster</button>'

describe('sitesmith review --since HEAD', () => {
  it(
    'reviews exactly the changed files, offers a diff git accepts, --apply writes it as a chunk edit, undo restores',
    { timeout: 240_000 },
    async () => {
      const site: TempSite = await createTempSite({
        spec: '# x\n',
        respond: maintainModel({
          review: () => ({
            reviews: [
              {
                file: 'crew.html',
                issues: [
                  {
                    rule: 'unknown-handler',
                    severity: 'error',
                    message: 'showRoster is not defined',
                    fix: { target: '#roster-btn', instructions: '1. call thankYou(event), which js/nav.js defines' },
                  },
                ],
              },
            ],
          }),
          fix: () => ({ edits: [{ target: '#roster-btn', replacement: FIXED }] }),
        }),
      })
      onTestFinished(() => site.dispose())
      copyFixture(site.dir)
      writeFileSync(
        join(site.dir, 'vite.config.mjs'),
        `import sitesmith from ${JSON.stringify(join(REPO, 'dist', 'index.js'))}
export default { plugins: [sitesmith({
  planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: ${JSON.stringify(site.server.openaiBaseURL)}, timeoutMs: 10000 },
  coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ${JSON.stringify(site.server.url)}, timeoutMs: 10000 },
  cache: ${JSON.stringify(site.cacheDir)},
  runtimeCheck: { enabled: false },
})] }
`,
      )
      const adopt = await cli(['adopt', '--no-model'], site.dir)
      expect(adopt.code, adopt.stderr).toBe(0)
      git(site.dir, 'init', '-q')
      git(site.dir, 'add', '-A')
      git(site.dir, 'commit', '-qm', 'the site as the person wrote it')

      // The person's edits: a button calling a function nothing defines, a stylesheet tweak, a README line.
      const crew = site.read('crew.html').replace('  </main>', `    ${BUTTON}\n  </main>`)
      site.write('crew.html', crew)
      site.write(
        'css/site.css',
        site.read('css/site.css').replace('gap: 1rem;\n  list-style', 'gap: 1.5rem;\n  list-style'),
      )
      site.write('README.md', site.read('README.md') + 'Roster button added.\n')
      site.server.requests.length = 0

      const offered = await cli(['review', '--since', 'HEAD'], site.dir)
      expect(offered.code, offered.stderr).toBe(1)
      expect(offered.stdout).toContain('reviewing 2 file(s) changed since HEAD')
      expect(offered.stdout).toContain('not reviewed: README.md')
      const reviews = site.server.requests.filter((r) => r.messages[0].content.startsWith('You review'))
      expect(reviews).toHaveLength(1)
      expect([...reviews[0].lastUserMessage.matchAll(/^File (\S+) \(targets/gm)].map((m) => m[1])).toEqual([
        'crew.html',
        'css/site.css',
      ])
      expect(reviews[0].lastUserMessage).toMatch(/crew\.html:\d+:\d+ \[unknown-handler\]/)
      expect(site.read('crew.html')).toBe(crew) // nothing written without --apply
      const diff = offered.stdout.slice(
        offered.stdout.indexOf('--- a/crew.html'),
        offered.stdout.lastIndexOf('results in'),
      )
      expect(diff).toContain(`-    ${BUTTON}`)
      expect(diff).toContain(`+    ${FIXED}`)
      writeFileSync(join(site.dir, '..', `${site.dir.split('/').pop()}.diff`), diff)
      execFileSync('git', ['apply', '--check', join(site.dir, '..', `${site.dir.split('/').pop()}.diff`)], {
        cwd: site.dir,
      })
      const review = CodeReviewSchema.parse(
        JSON.parse(readFileSync(join(site.dir, '.sitesmith', 'code_review.json'), 'utf8')),
      )
      expect(review.files).toEqual(['crew.html', 'css/site.css'])
      expect(review.unresolved.map((f) => f.rule)).toContain('unknown-handler')

      const applied = await cli(['review', '--since', 'HEAD', '--apply'], site.dir)
      expect(applied.code, applied.stdout + applied.stderr).toBe(0)
      const now = site.read('crew.html')
      const at = locateChunk('crew.html', crew, '#roster-btn')
      if (!at.ok) throw new Error(at.reason)
      expect(now).toBe(crew.slice(0, at.start) + FIXED + crew.slice(at.end))
      const after = CodeReviewSchema.parse(
        JSON.parse(readFileSync(join(site.dir, '.sitesmith', 'code_review.json'), 'utf8')),
      )
      expect(after.resolved.map((f) => f.rule)).toContain('unknown-handler')
      expect(after.reviews[0].issues[0].outcome?.status).toBe('fixed')

      const undo = await cli(['undo'], site.dir)
      expect(undo.code, undo.stderr).toBe(0)
      expect(site.read('crew.html')).toBe(crew)
    },
  )
})

describe('sitesmith review with neither --since nor files', () => {
  it('reviews the site files modified since the last recorded run, and only those', { timeout: 120_000 }, async () => {
    const site: TempSite = await createTempSite({ spec: '# x\n', respond: maintainModel() })
    onTestFinished(() => site.dispose())
    copyFixture(site.dir)
    writeFileSync(
      join(site.dir, 'vite.config.mjs'),
      `import sitesmith from ${JSON.stringify(join(REPO, 'dist', 'index.js'))}
export default { plugins: [sitesmith({
  planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: ${JSON.stringify(site.server.openaiBaseURL)}, timeoutMs: 10000 },
  coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ${JSON.stringify(site.server.url)}, timeoutMs: 10000 },
  cache: ${JSON.stringify(site.cacheDir)},
  runtimeCheck: { enabled: false },
})] }
`,
    )
    const adopt = await cli(['adopt', '--no-model'], site.dir)
    expect(adopt.code, adopt.stderr).toBe(0)
    // A later edit than the run sitesmith recorded (set explicitly: file times can share a tick).
    const tracker = statSync(join(site.dir, '.sitesmith', 'file_tracker.json')).mtime
    site.write(
      'schedule.html',
      site.read('schedule.html').replace('</main>', '<p>Winter hours from November.</p>\n</main>'),
    )
    utimesSync(join(site.dir, 'schedule.html'), tracker, new Date(tracker.getTime() + 5_000))
    site.server.requests.length = 0

    const r = await cli(['review'], site.dir)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/reviewing 1 file\(s\) modified since the last run/)
    const reviews = site.server.requests.filter((q) => q.messages[0].content.startsWith('You review'))
    expect(reviews).toHaveLength(1)
    expect([...reviews[0].lastUserMessage.matchAll(/^File (\S+) \(targets/gm)].map((m) => m[1])).toEqual([
      'schedule.html',
    ])
    const review = CodeReviewSchema.parse(
      JSON.parse(readFileSync(join(site.dir, '.sitesmith', 'code_review.json'), 'utf8')),
    )
    expect(review.files).toEqual(['schedule.html'])
  })
})
