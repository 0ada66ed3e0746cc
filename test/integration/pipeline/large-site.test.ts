import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { onTestFinished, describe, expect, it } from 'vitest'
import { parseSpec } from '../../../plugin/spec/sections.js'
import { validatePlan } from '../../../plugin/plan/validate-plan.js'
import { TasksFileSchema } from '../../../plugin/store/artifact-schemas.js'
import { REPO, createTempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import type { SitesmithOptions } from '../../../plugin/options.js'

/**
 * A 200-page site within real model limits (issue #16, acceptance 1): specs/pages-200.md is
 * generated through the real `openai` (planner: gpt-4o-mini, 128k context, 16,384 output) and
 * `ollama` (coder: qwen2.5-coder:7b, num_ctx as sitesmith sets it) clients against a loopback
 * server that enforces those limits. The plan comes in shards, the default budget grows with
 * the plan and says so, the review runs in batches that fit, and every call stays within limits.
 */

const SPEC = readFileSync(join(REPO, 'specs', 'pages-200.md'), 'utf8')
const PAGES = parseSpec(SPEC).sections.filter((s) => s.id.endsWith('-page')).length

describe('a 200-page site within real model limits', () => {
  it(
    'sharded plan, every page written, review done in batches, 0 findings, every call within limits',
    { timeout: 180_000 },
    async () => {
      const site = await createTempSite({ spec: SPEC, respond: scriptedSite(), limits: true })
      onTestFinished(() => site.dispose())
      const lines: string[] = []
      const logger = {
        info: (m: string) => lines.push(m),
        warn: (m: string) => lines.push(m),
        error: (m: string) => lines.push(m),
      }
      // The roles' defaults: 4096 answer tokens each, windows of 128k (OpenAI) and up to 32k (Ollama).
      const options: SitesmithOptions = { review: { enabled: true, maxRounds: 1 } }
      const result = await site.run(options, { logger })
      expect(PAGES).toBe(200)

      expect(result.errors).toEqual([])
      const requests = site.server.requests
      const over = requests
        .filter((r) => r.limits?.outcome !== 'ok')
        .map((r) => `#${r.seq} ${stageOf(r)}: ${JSON.stringify(r.limits)}`)
      expect(over, 'every call within the model limits').toEqual([])
      expect(site.server.unmatched).toEqual([])
      for (const r of requests)
        expect(r.limits!.promptTokens + r.limits!.maxOutputTokens, `#${r.seq}`).toBeLessThanOrEqual(
          r.limits!.contextWindow,
        )

      // The plan: a site plan (its page list in parts that fit 4096-token answers), then groups of pages.
      const stages = requests.map(stageOf)
      expect(stages.filter((s) => s === 'plan')).toHaveLength(0)
      expect(stages.filter((s) => s === 'plan-site')).toHaveLength(4)
      expect(stages.filter((s) => s === 'plan-group')).toHaveLength(40)
      const planCalls = requests.filter((r) => stageOf(r).startsWith('plan'))
      for (const r of planCalls) expect(r.limits!.answerTokens, `#${r.seq}`).toBeLessThan(4096)
      const tasks = TasksFileSchema.parse(JSON.parse(site.read('.sitesmith/tasks.json'))).tasks
      expect(tasks.filter((t) => t.path.endsWith('.html'))).toHaveLength(200)
      const ctx = {
        siteDir: site.dir,
        protectedPaths: [],
        generatedPaths: new Set<string>(),
        existingPaths: new Set<string>(),
        sectionIds: new Set(parseSpec(SPEC).sections.map((s) => s.id)),
      }
      expect(validatePlan(tasks, ctx)).toEqual([])

      // Every page written; the default budget grew with the spec and said so before planning.
      for (const t of tasks) expect(site.exists(t.path), t.path).toBe(true)
      expect(result.tasks.filter((t) => t.status === 'written')).toHaveLength(tasks.length)
      const budgetLine = lines.findIndex((l) =>
        /budget for 204 spec section\(s\): up to 632 model calls and 4,080,000 tokens/.test(l),
      )
      expect(budgetLine, lines.join('\n')).toBeGreaterThanOrEqual(0)
      expect(result.usage.calls).toBeGreaterThan(200)

      // Review done, in several batches that each fit; nothing left to fix.
      const reviews = requests.filter((r) => stageOf(r) === 'review')
      expect(reviews.length).toBeGreaterThan(1)
      expect(result.review?.files).toHaveLength(tasks.length)
      expect(result.findings).toEqual([])
    },
  )
})
