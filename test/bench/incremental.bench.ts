/**
 * Issue 4 figures, measured side by side in one run on this machine:
 * - noop_rebuild_model_calls: model requests when the spec has not changed (target 0).
 * - noop_rebuild_overhead_ratio: a warm `vite build` with sitesmith ÷ a plain `vite build` of
 *   the same files (median of alternating runs; target ≤ 1.15).
 * - one_section_edit_calls_ratio / _tokens_ratio: one page section edited vs a full
 *   generation of the same spec (target ≤ 0.25).
 * - parallel_speedup: a 20-task plan whose DAG is 4 wide at its first level and 16 at its
 *   second, 300 ms per model call, concurrency 4 vs 1 (target ≥ 3.5; the ideal is 20/5 = 4).
 * The models are the loopback server answering like a model would (test/helpers/scripted-site.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'
import sitesmith from '../../plugin/index.js'
import { createTempSite, REPO, type TempSite } from '../helpers/temp-site.js'
import { jsonReply } from '../loopback/server.js'
import { scriptedSite } from '../helpers/scripted-site.js'
import type { BenchResult } from './types.js'
import { alternating, median } from './timing.js'

export async function run(): Promise<BenchResult> {
  return { ...(await incremental()), ...(await noopBuild()), ...(await parallel()) }
}

async function incremental(): Promise<BenchResult> {
  const site = await createTempSite({ spec: 'specs/large.md', respond: scriptedSite() })
  try {
    const full = await site.run()
    const fullCalls = site.server.requests.length
    const fullTokens = full.usage.tokens

    site.server.reset()
    await site.run()
    const noopCalls = site.server.requests.length

    site.write(
      'spec.md',
      site.read('spec.md').replace(/^(## Fixtures page\n)/m, '$1Home games kick off at 10:30 sharp.\n'),
    )
    site.server.reset()
    const edit = await site.run()
    return {
      noop_rebuild_model_calls: {
        value: noopCalls,
        unit: 'calls',
        target: '0',
        note: 'specs/large.md (12 pages, 14 files) run again unchanged',
      },
      one_section_edit_calls_ratio: {
        value: site.server.requests.length / fullCalls,
        unit: 'ratio',
        target: '<= 0.25',
        note: `${site.server.requests.length} of ${fullCalls} calls (plan delta + 1 page + review)`,
      },
      one_section_edit_tokens_ratio: {
        value: edit.usage.tokens / fullTokens,
        unit: 'ratio',
        target: '<= 0.25',
        note: `${edit.usage.tokens} of ${fullTokens} tokens`,
      },
    }
  } finally {
    await site.dispose()
  }
}

async function noopBuild(): Promise<BenchResult> {
  const site = await createTempSite({ spec: 'specs/large.md', respond: scriptedSite() })
  const plainDir = mkdtempSync(join(REPO, 'test', '.tmp', 'plain-'))
  try {
    const plugin = () => sitesmith(site.pluginOptions({ runtimeCheck: { enabled: true } }))
    const withSitesmith = () =>
      build({
        root: site.dir,
        logLevel: 'silent',
        configFile: false,
        plugins: [plugin()],
        build: { outDir: join(site.dir, 'dist'), emptyOutDir: true },
      })
    await withSitesmith() // generates, reviews, validates dist/ once: the warm state
    // The plain build gets the very same files (generated pages and all), and the same inputs.
    cpSync(site.dir, plainDir, {
      recursive: true,
      filter: (src) => !src.includes('.sitesmith') && !src.endsWith('/dist'),
    })
    const pages = Object.fromEntries(
      [
        'index',
        'about',
        'teams',
        'fixtures',
        'results',
        'news',
        'join',
        'contact',
        'gallery',
        'faq',
        'sponsors',
        'privacy',
      ].map((p) => [p, join(plainDir, `${p}.html`)]),
    )
    const plain = () =>
      build({
        root: plainDir,
        logLevel: 'silent',
        configFile: false,
        build: { outDir: join(plainDir, 'dist'), emptyOutDir: true, rolldownOptions: { input: pages } },
      })
    await plain()
    site.server.reset()
    const { a, b } = await alternating(11, withSitesmith, plain)
    if (site.server.requests.length) throw new Error(`a no-op build made ${site.server.requests.length} model calls`)
    return {
      noop_rebuild_overhead_ratio: {
        value: median(a) / median(b),
        unit: 'ratio',
        target: '<= 1.15',
        note: `median ${median(a).toFixed(0)} ms with sitesmith vs ${median(b).toFixed(0)} ms plain (12 pages)`,
      },
    }
  } finally {
    rmSync(plainDir, { recursive: true, force: true })
    await site.dispose()
  }
}

/** 4 independent shared files, then 16 pages that each need all four. */
function twentyTaskPlan() {
  const roots = ['css/base.css', 'css/theme.css', 'js/main.js', 'js/extra.js'].map((path, i) => ({
    id: `shared-${i}`,
    action: 'create',
    path,
    instructions: `Shared file ${path}.`,
    dependsOn: [],
    sections: ['look-and-feel'],
  }))
  const pages = Array.from({ length: 16 }, (_, i) => ({
    id: `page-${i}`,
    action: 'create',
    path: `page-${i}.html`,
    instructions: `Page "Page ${i}". Nav: index.html=Home. Load css/style.css and js/main.js (defer).`,
    dependsOn: roots.map((r) => r.id),
    sections: ['home-page'],
  }))
  return { tasks: [...roots, ...pages] }
}

async function parallel(): Promise<BenchResult> {
  const timeFor = async (concurrency: number): Promise<number> => {
    let site: TempSite | undefined
    try {
      site = await createTempSite({
        spec: '# Speed\n\n## Look and feel\nPlain.\n\n## Home page\nHello.\n',
        latencyMs: 300,
        respond: scriptedSite({ override: (stage) => (stage === 'plan' ? jsonReply(twentyTaskPlan()) : undefined) }),
      })
      // Plan first (cached), so the timed run measures generation alone.
      await site.run({ concurrency }, { until: 'plan' })
      const started = performance.now()
      const result = await site.run({ concurrency, review: { enabled: false } })
      const ms = performance.now() - started
      if (result.errors.length || result.tasks.filter((t) => t.status === 'written').length !== 20)
        throw new Error(`parallel bench: ${JSON.stringify(result.errors)}`)
      return ms
    } finally {
      await site?.dispose()
    }
  }
  const one = await timeFor(1)
  const four = await timeFor(4)
  return {
    parallel_speedup: {
      value: one / four,
      unit: 'x',
      target: '>= 3.5',
      note: `${one.toFixed(0)} ms at concurrency 1, ${four.toFixed(0)} ms at 4; 300 ms per call, ideal 4.0`,
    },
  }
}
