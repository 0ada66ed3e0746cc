import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkSite } from '../../../plugin/check/index.js'
import { runRuntimeCheck } from '../../../plugin/check/runtime/index.js'
import { CodeReviewSchema } from '../../../plugin/store/artifact-schemas.js'
import { REPO } from '../../helpers/temp-site.js'

/**
 * Issue 3, acceptance 1 (and issue 6, acceptance 4): the example site builds from a clean
 * checkout with no keys and no network — every answer replayed from the committed cache,
 * frozen as in CI — and the built dist/ works: every page, script, stylesheet and local link
 * resolves, and a browser finds nothing wrong.
 */
let work: string
let site: string
let build: SpawnSyncReturns<string>

beforeAll(() => {
  mkdirSync(join(REPO, 'test', '.tmp'), { recursive: true })
  work = mkdtempSync(join(REPO, 'test', '.tmp', 'example-'))
  site = join(work, 'example-site')
  // What a clean clone has: the spec, the config, the package file — and ../cache.
  mkdirSync(site)
  for (const f of ['spec.md', 'vite.config.ts', 'package.json']) cpSync(join(REPO, 'example-site', f), join(site, f))
  cpSync(join(REPO, 'cache'), join(work, 'cache'), { recursive: true })
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: '1' } // no keys, frozen cache
  build = spawnSync(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: site,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  })
}, 150_000)

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

describe('the example site from a clean checkout', () => {
  it('vite build succeeds with no keys, replaying every answer from the frozen cache', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0)
    expect(build.stdout).toMatch(/model usage: 0 calls/)
  })

  it('the generated files are the hand-written answers after the recorded review round', () => {
    const answers = join(REPO, 'scripts', 'example-answers', 'files')
    const plan = JSON.parse(readFileSync(join(REPO, 'scripts', 'example-answers', 'plan.json'), 'utf8')) as {
      tasks: { path: string }[]
    }
    for (const t of plan.tasks)
      expect(readFileSync(join(site, t.path), 'utf8'), t.path).toBe(readFileSync(join(answers, t.path), 'utf8'))
    const review = CodeReviewSchema.parse(
      JSON.parse(readFileSync(join(site, '.sitesmith', 'code_review.json'), 'utf8')),
    )
    expect(review.rounds).toBe(1)
    expect(review.resolved.map((f) => `${f.rule} ${f.file}`).sort()).toEqual([
      'missing-anchor index.html',
      'undefined-css-variable css/style.css',
    ])
    expect(review.unresolved).toEqual([])
    expect(review.reviews.flatMap((r) => r.issues.map((i) => i.outcome?.status))).toEqual(['fixed', 'fixed'])
  })

  it('dist/ has every page, and every script, stylesheet and local link they reference resolves', async () => {
    const dist = join(site, 'dist')
    expect(
      readdirSync(dist)
        .filter((f) => f.endsWith('.html'))
        .sort(),
    ).toEqual(['about.html', 'index.html', 'menu.html', 'order.html'])
    for (const page of ['about.html', 'index.html', 'menu.html', 'order.html']) {
      const html = readFileSync(join(dist, page), 'utf8')
      const refs = [...html.matchAll(/(?:href|src)="([^"#?]+)[^"]*"/g)]
        .map((m) => m[1])
        .filter((u) => !/^(https?:|mailto:|tel:|data:|#)/.test(u))
      expect(refs.length, page).toBeGreaterThan(3)
      for (const ref of refs) expect(existsSync(join(dist, ref.replace(/^\//, ''))), `${page} → ${ref}`).toBe(true)
    }
    expect((await checkSite(dist)).filter((f) => f.severity === 'error')).toEqual([])
  })

  it('a headless browser loading and clicking through dist/ finds nothing, accessibility and layout at both widths included', async () => {
    const dist = join(site, 'dist')
    // Accessibility and layout at desktop and phone width included (issue #18).
    const result = await runRuntimeCheck({
      dir: dist,
      pages: ['about.html', 'index.html', 'menu.html', 'order.html'],
      audit: { a11y: true, layout: true },
    })
    expect(result.skipped, 'Chromium is required for this test (.ci/run installs it)').toBeUndefined()
    expect(result.findings).toEqual([])
  })
})
