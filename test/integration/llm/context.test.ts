import { onTestFinished, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createChatClient } from '../../../plugin/llm/create-client.js'
import { ModelError } from '../../../plugin/llm/errors.js'
import type { ChatEvent, ChatMessage, ModelOptions } from '../../../plugin/llm/types.js'
import { measurePrompt, roleLimits } from '../../../plugin/llm/context-budget.js'
import { ollamaBehindOpenAI } from '../../../plugin/llm/context-guard.js'
import { tokenCounter } from '../../../plugin/llm/tokens.js'
import { always, jsonReply, startLoopbackServer, type OllamaBehaviour } from '../../loopback/server.js'

/**
 * Context you can trust (issue #15, acceptance 2) through the real `ollama` and `openai`
 * clients, against a loopback server that truncates like Ollama: it honours `num_ctx`, cuts an
 * overlong prompt from the front, answers 200 OK and reports `prompt_eval_count` for what it
 * kept. sitesmith must size num_ctx so that never happens, and notice when it happens anyway.
 */

const File = z.object({ content: z.string().min(1), summary: z.string() })
const GOOD = { content: '<h1>Home</h1>', summary: 'the home page' }
const ask = (chars: number): ChatMessage[] => [
  { role: 'system', content: 'You write files. Reply with one JSON object {"content","summary"}.' },
  {
    role: 'user',
    content: `Write index.html from this spec:\n${'The bakery opens at seven. '.repeat(Math.ceil(chars / 27)).slice(0, chars)}`,
  },
]

async function setup(ollama: OllamaBehaviour, role: Partial<ModelOptions> & Pick<ModelOptions, 'provider'>) {
  const server = await startLoopbackServer({ respond: always(jsonReply(GOOD)), ollama })
  onTestFinished(() => server.close())
  const events: ChatEvent[] = []
  const client = createChatClient(
    {
      model: role.provider === 'openai' ? 'qwen2.5-coder:7b' : 'qwen2.5-coder:7b',
      baseURL: role.provider === 'openai' ? server.openaiBaseURL : server.url,
      timeoutMs: 5_000,
      maxRetries: 1,
      repairTurns: 1,
      ...role,
    },
    { env: {}, retryBaseMs: 2, onEvent: (e) => events.push(e) },
  )
  return { server, client, events }
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as ModelError,
  )

describe('Ollama truncation (loopback behaves like Ollama)', () => {
  it('a long prompt gets a num_ctx that holds it and the answer: the server keeps every token', async () => {
    const { server, client } = await setup({ defaultNumCtx: 2048 }, { provider: 'ollama' })
    const r = await client.chat({ messages: ask(20_000), schema: File, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    const [req] = server.requests
    expect(req.body.options?.num_ctx).toBe(16384)
    expect(req.context).toMatchObject({ numCtx: 16384, truncated: false })
    expect(req.context!.promptTokens + req.body.options!.num_predict!).toBeLessThanOrEqual(req.body.options!.num_ctx!)
  })

  it('the same prompt without num_ctx is cut by the server; without sitesmith sizing it the cut is silent', async () => {
    // The control: a server that drops options.num_ctx (a proxy in between) cuts to its default.
    const { server, client } = await setup({ defaultNumCtx: 2048, ignoreNumCtx: true }, { provider: 'ollama' })
    const err = await failure(client.chat({ messages: ask(20_000), schema: File, label: 'generate:home' }))
    expect(server.requests[0].context).toMatchObject({ numCtx: 2048, truncated: true, evaluated: 1026 })
    expect(err.code).toBe('E_CONTEXT_TRUNCATED')
    expect(err.message).toMatch(
      /^generate:home: Ollama evaluated only 1026 of the about \d+ prompt tokens sent .*cut the prompt to fit num_ctx 16384.*The answer was discarded\. Raise num_ctx: set this role's contextWindow/,
    )
    expect(err.message).toContain('options.num_ctx')
    expect(server.requests).toHaveLength(1) // not retried: the same request would be cut the same way
  })

  it('a tokenizer denser than the estimate overflows the num_ctx asked for: the cut to num_ctx/2 + 2 is detected', async () => {
    const { server, client } = await setup({ bytesPerToken: 1, truncation: 'half' }, { provider: 'ollama' })
    const err = await failure(client.chat({ messages: ask(20_000), schema: File, label: 'generate:home' }))
    const { context } = server.requests[0]
    expect(context).toMatchObject({ truncated: true, evaluated: context!.numCtx / 2 + 2 })
    expect(err.code).toBe('E_CONTEXT_TRUNCATED')
    expect(err.message).toMatch(/Raise num_ctx: set this role's contextWindow to at least \d+/)
  })

  it('a prompt that fits is never reported, even when the server answers from its cache with a small count', async () => {
    const { client } = await setup({}, { provider: 'ollama' })
    const r = await client.chat({ messages: ask(3_000), schema: File, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
  })
})

describe("an openai role pointed at Ollama's /v1 endpoint", () => {
  it('is warned about once with the fix, and a prompt the endpoint cut ends in an error naming the ollama provider', async () => {
    const { server, client, events } = await setup({ openaiCompat: true, defaultNumCtx: 2048 }, { provider: 'openai' })
    await client.chat({ messages: ask(500), schema: File, label: 'plan' })
    await client.chat({ messages: ask(600), schema: File, label: 'plan' })
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`Use provider "ollama" with baseURL ${server.url} instead`)
    expect(warnings[0]).toContain('fp_ollama')

    const err = await failure(client.chat({ messages: ask(20_000), schema: File, label: 'generate:home' }))
    expect(err.code).toBe('E_CONTEXT_TRUNCATED')
    expect(err.message).toMatch(
      /Ollama's OpenAI-compatible endpoint evaluated only 1026 of the about \d+ prompt tokens sent: it cannot set num_ctx/,
    )
    expect(err.message).toContain(`Use provider "ollama" with baseURL ${server.url}`)
  })

  it('port 11434 is recognised before any request; other ports are not', () => {
    expect(ollamaBehindOpenAI('http://gpu-box:11434/v1/chat/completions', 'port')).toMatch(
      /Use provider "ollama" with baseURL http:\/\/gpu-box:11434 instead/,
    )
    expect(ollamaBehindOpenAI('http://127.0.0.1:8000/v1/chat/completions', 'port')).toBeUndefined()
  })
})

describe('prompts that cannot fit are refused before sending', () => {
  it('per role contextWindow and maxOutputTokens: over the window → E_CONTEXT, no request', async () => {
    for (const provider of ['openai', 'ollama'] as const) {
      const { server, client } = await setup(
        {},
        {
          provider,
          model: provider === 'openai' ? 'gpt-4o-mini' : 'qwen2.5-coder:7b',
          contextWindow: 2048,
          maxOutputTokens: 1024,
        },
      )
      const err = await failure(client.chat({ messages: ask(8_000), schema: File, label: 'generate:home' }))
      expect(err.code).toBe('E_CONTEXT')
      expect(err.message).toMatch(
        new RegExp(
          `^generate:home: the prompt is \\d+ tokens \\(${provider === 'openai' ? 'o200k_base' : 'estimate \\(3 bytes a token\\)'}\\) ` +
            "and the answer may take 1024: more than this role's contextWindow of 2048, so nothing was sent",
        ),
      )
      expect(server.requests).toHaveLength(0)
    }
  })

  it('a maxOutputTokens not below contextWindow is a configuration error', () => {
    expect(() =>
      createChatClient(
        { provider: 'ollama', model: 'q', contextWindow: 4096, maxOutputTokens: 4096 },
        { role: 'coder' },
      ),
    ).toThrow(
      'invalid coder options: coder.maxOutputTokens (4096) must be below coder.contextWindow (4096), or no prompt fits',
    )
  })
})

describe('token counts', () => {
  it('OpenAI models are counted with their own encoding; others get the stated estimate', () => {
    const text = 'Fresh sourdough every morning from seven. '.repeat(50)
    const gpt = tokenCounter('gpt-4o-mini')
    expect(gpt.method).toBe('o200k_base')
    expect(gpt.count(text)).toBeGreaterThan(text.length / 8)
    expect(gpt.count(text)).toBeLessThan(text.length / 3)
    expect(tokenCounter('gpt-4').method).toBe('cl100k_base')
    const qwen = tokenCounter('qwen2.5-coder:7b')
    expect(qwen.exact).toBe(false)
    expect(qwen.count(text)).toBe(Math.ceil(Buffer.byteLength(text) / 3))
    expect(tokenCounter('gpt-4o').count('a <|endoftext|> b')).toBeGreaterThan(3) // special tokens are text here, never a throw
  })

  it('measures without loading an encoding when bytes already prove the fit', () => {
    const limits = roleLimits({ provider: 'openai', model: 'gpt-4o-mini' })
    const m = measurePrompt(ask(1000), limits)
    expect(m).toMatchObject({ fits: true, method: 'at most, by bytes', room: 128_000 - 4096 })
  })
})
