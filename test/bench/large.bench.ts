/**
 * Issue #16 figures at 200 pages (specs/pages-200.md), measured side by side in one run, the
 * models being the loopback server enforcing real limits (gpt-4o-mini planner: 128k context,
 * 16,384 output, the role asking for its default 4096; qwen2.5-coder:7b coder via Ollama with
 * the num_ctx sitesmith sends) and answering like a model would (test/helpers/scripted-site.ts):
 * - large_plan_max_prompt_tokens / _max_answer_tokens: the largest plan call (site plan parts
 *   and groups), as the server counted it (o200k_base).
 * - large_one_section_edit_calls_ratio: one page section edited vs the full generation.
 * - large_noop_rebuild_overhead_ratio: a warm `vite build` with sitesmith ÷ a plain
 *   `vite build` of the same 201 files (median of alternating runs).
 * - large_runtime_check_pages_per_s_c1 / _c4: the runtime check (load every page, fire its
 *   handlers; accessibility and layout passes off) over the 200 pages at concurrency 1 and 4.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'vite'
import sitesmith from '../../plugin/index.js'
import { runRuntimeCheck } from '../../plugin/check/runtime/index.js'
import { listHtmlPages } from '../../plugin/check/html-pages.js'
import { createTempSite, REPO, type TempSite } from '../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../helpers/scripted-site.js'
import type { BenchResult } from './types.js'
import { alternating, median } from './timing.js'

const BUILD_RUNS = 5

export async function run(): Promise<BenchResult> {
  const site = await createTempSite({ spec: 'specs/pages-200.md', respond: scriptedSite(), limits: true })
  try {
    return { ...(await planAndEdit(site)), ...(await runtime(site)), ...(await noopBuild(site)) }
  } finally {
    await site.dispose()
  }
}

async function planAndEdit(site: TempSite): Promise<BenchResult> {
  const full = await site.run({ review: { enabled: true, maxRounds: 1 } })
  if (full.errors.length || full.findings.length)
    throw new Error(
      `large bench: the full run must end clean: ${JSON.stringify([...full.errors, ...full.findings].slice(0, 3))}`,
    )
  const requests = site.server.requests
  const over = requests.filter((r) => r.limits?.outcome !== 'ok')
  if (over.length)
    throw new Error(`large bench: ${over.length} call(s) over the model limits, e.g. ${JSON.stringify(over[0].limits)}`)
  const plans = requests.filter((r) => stageOf(r).startsWith('plan'))
  const maxPrompt = Math.max(...plans.map((r) => r.limits!.promptTokens))
  const maxAnswer = Math.max(...plans.map((r) => r.limits!.answerTokens ?? 0))
  const fullCalls = requests.length
  const maxAny = Math.max(...requests.map((r) => r.limits!.promptTokens))

  site.write(
    'spec.md',
    site.read('spec.md').replace(/^(## Oak Tarn page\n)/m, '$1Dogs on leads near the sheep, please.\n'),
  )
  site.server.reset()
  const edit = await site.run({ review: { enabled: true, maxRounds: 1 } })
  if (edit.errors.length) throw new Error(`large bench: the edit run failed: ${edit.errors[0]}`)
  const editCalls = site.server.requests.length
  const stages = site.server.requests.map(stageOf).join(', ')
  return {
    large_plan_max_prompt_tokens: {
      value: maxPrompt,
      unit: 'tokens',
      target: '<= 123904 (128000 - 4096)',
      note:
        `largest of ${plans.length} plan calls (${plans.filter((r) => stageOf(r) === 'plan-site').length} site-plan parts, ` +
        `${plans.filter((r) => stageOf(r) === 'plan-group').length} groups); ` +
        `largest prompt of any of the ${fullCalls} calls: ${maxAny}`,
    },
    large_plan_max_answer_tokens: {
      value: maxAnswer,
      unit: 'tokens',
      target: '<= 4096 (the role asks for 4096; gpt-4o-mini caps at 16384)',
      note: 'largest plan answer, o200k_base as the server counted it',
    },
    large_one_section_edit_calls_ratio: {
      value: editCalls / fullCalls,
      unit: 'ratio',
      target: '<= 0.02',
      note: `${editCalls} of ${fullCalls} calls (${stages})`,
    },
  }
}

async function runtime(site: TempSite): Promise<BenchResult> {
  const pages = listHtmlPages(site.dir, ['public'])
  const rate = async (concurrency: number) => {
    const r = await runRuntimeCheck({ dir: site.dir, pages, concurrency })
    if (r.skipped) throw new Error(`large bench needs Chromium: ${r.skipped}`)
    if (r.findings.length || r.pagesChecked !== pages.length)
      throw new Error(`large bench: the runtime check must pass clean: ${JSON.stringify(r.findings.slice(0, 3))}`)
    return r.pagesChecked / (r.durationMs / 1000)
  }
  // Interleaved, so both see the same machine load.
  const one: number[] = []
  const four: number[] = []
  for (let i = 0; i < 2; i++) {
    one.push(await rate(1))
    four.push(await rate(4))
  }
  const c1 = median(one)
  const c4 = median(four)
  return {
    large_runtime_check_pages_per_s_c1: {
      value: c1,
      unit: 'pages/s',
      note: `${pages.length} pages, one Chromium, one context at a time; accessibility/layout passes off; the faster of 2 runs, interleaved with c4`,
    },
    large_runtime_check_pages_per_s_c4: {
      value: c4,
      unit: 'pages/s',
      note: `${pages.length} pages, four browser contexts at once (runtimeCheck.concurrency: 4): ${(c4 / c1).toFixed(2)}x concurrency 1, on 2 shared cores`,
    },
  }
}

async function noopBuild(site: TempSite): Promise<BenchResult> {
  const plainDir = mkdtempSync(join(REPO, 'test', '.tmp', 'plain-'))
  try {
    // The runtime check's figures are above; here the warm build reuses the browser verdicts
    // of the bytes it already checked, so it is left off to keep the bench minutes, not seconds.
    const plugin = () =>
      sitesmith(site.pluginOptions({ runtimeCheck: { enabled: false }, review: { enabled: true, maxRounds: 1 } }))
    const withSitesmith = () =>
      build({
        root: site.dir,
        logLevel: 'silent',
        configFile: false,
        plugins: [plugin()],
        build: { outDir: join(site.dir, 'dist'), emptyOutDir: true },
      })
    await withSitesmith() // the warm state
    cpSync(site.dir, plainDir, {
      recursive: true,
      filter: (src) => !src.includes('.sitesmith') && !src.endsWith('/dist'),
    })
    const inputs = Object.fromEntries(
      listHtmlPages(plainDir, ['public']).map((p) => [p.replace(/\.html$/, '').replace(/\//g, '_'), join(plainDir, p)]),
    )
    const plain = () =>
      build({
        root: plainDir,
        logLevel: 'silent',
        configFile: false,
        build: { outDir: join(plainDir, 'dist'), emptyOutDir: true, rolldownOptions: { input: inputs } },
      })
    await plain()
    site.server.reset()
    const { a, b } = await alternating(BUILD_RUNS, withSitesmith, plain)
    if (site.server.requests.length) throw new Error(`a no-op build made ${site.server.requests.length} model calls`)
    return {
      large_noop_rebuild_overhead_ratio: {
        value: median(a) / median(b),
        unit: 'ratio',
        target: '<= 1.15',
        note: `median of ${BUILD_RUNS}: ${median(a).toFixed(0)} ms with sitesmith vs ${median(b).toFixed(0)} ms plain (${Object.keys(inputs).length} pages; runtime check off in both)`,
      },
    }
  } finally {
    rmSync(plainDir, { recursive: true, force: true })
  }
}
