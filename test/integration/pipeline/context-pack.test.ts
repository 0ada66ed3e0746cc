import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { onTestFinished, describe, expect, it } from 'vitest'
import { createTempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf } from '../../helpers/scripted-site.js'
import type { SitesmithOptions } from '../../../plugin/options.js'
import type { RunLogLine } from '../../../plugin/store/run-log.js'

/**
 * A prompt that does not fit the coder's window is packed to fit — the spec section shortened,
 * visibly — or, when even the smallest version does not fit, refused before sending with an
 * error naming the task (issue #15, acceptance 2). Prompts that fit are sent exactly as built,
 * so their cache keys do not change (test/e2e/example replays the committed cache).
 */

const LONG = 'Our sourdough is fed every morning at five and rests for eighteen hours before it is baked. '.repeat(140)
const SPEC = `# Harbour Bakery\n\n## Look and feel\nWarm and simple.\n\n## Home page\n${LONG}\n\n## Menu page\nSourdough, rye, cinnamon buns.\n`

async function site() {
  const s = await createTempSite({ spec: SPEC, respond: scriptedSite() })
  onTestFinished(() => s.dispose())
  const coder = (extra: object): SitesmithOptions => ({
    coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: s.server.url, timeoutMs: 10_000, ...extra },
    review: { enabled: false },
  })
  return { s, coder }
}

const generateFor = (s: Awaited<ReturnType<typeof site>>['s'], path: string) =>
  s.server.requests.filter((r) => stageOf(r) === 'generate' && taskOf(r).path === path)

describe('prompts packed to fit the coder window', () => {
  it('a page whose section overflows the window is generated from a shortened prompt; the others are sent whole', async () => {
    const { s, coder } = await site()
    const result = await s.run(coder({ contextWindow: 4096, maxOutputTokens: 1024 }))
    expect(result.errors).toEqual([])
    const [home] = generateFor(s, 'index.html')
    expect(home.lastUserMessage).toContain("… (shortened to fit the model's context window)")
    expect(Buffer.byteLength(home.messages.map((m) => m.content).join(''))).toBeLessThan(3 * (4096 - 1024))
    const [menu] = generateFor(s, 'menu.html')
    expect(menu.lastUserMessage).not.toContain('shortened')
    const log = readFileSync(join(s.dir, '.sitesmith', 'run.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RunLogLine)
    expect(log.find((e) => e.event === 'packed' && e.path === 'index.html')?.detail).toMatchObject({
      variant: expect.stringContaining('spec sections shortened'),
    })
  })

  it('a window too small for any version of the prompt: refused before sending, the error names the task', async () => {
    const { s, coder } = await site()
    const result = await s.run(coder({ contextWindow: 1200, maxOutputTokens: 1024 }))
    expect(result.errors.join('\n')).toMatch(
      /task "style" \(css\/style\.css\): generate:style: the prompt is \d+ tokens .* more than this role's contextWindow of 1200, so nothing was sent/,
    )
    expect(s.server.requests.filter((r) => stageOf(r) === 'generate')).toHaveLength(0)
    expect(s.exists('index.html')).toBe(false)
  })
})
