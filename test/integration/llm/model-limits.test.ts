import OpenAI from 'openai'
import { onTestFinished, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createChatClient } from '../../../plugin/llm/create-client.js'
import { ModelError } from '../../../plugin/llm/errors.js'
import type { ChatMessage, ModelOptions } from '../../../plugin/llm/types.js'
import { always, jsonReply, startLoopbackServer, type Reply } from '../../loopback/server.js'

/**
 * The loopback server enforces real model limits (issue #16): through the real `openai`
 * client an overlong prompt gets OpenAI's 400 `context_length_exceeded` and an answer over the
 * output limit is cut with `finish_reason: "length"`; through the real `ollama` client the window
 * is the num_ctx sent. Every request records its prompt and answer tokens, so pipeline tests can
 * assert that every call stayed within limits.
 */

const File = z.object({ content: z.string().min(1), summary: z.string() })
const GOOD = { content: '<h1>Home</h1>', summary: 'the home page' }
const prompt = (words: number): ChatMessage[] => [
  { role: 'system', content: 'You write files. Reply with one JSON object {"content","summary"}.' },
  { role: 'user', content: `Write index.html:\n${Array.from({ length: words }, (_, i) => `word${i}`).join(' ')}` },
]

async function setup(reply: Reply = jsonReply(GOOD)) {
  const server = await startLoopbackServer({ respond: always(reply), limits: true })
  onTestFinished(() => server.close())
  const client = (o: Partial<ModelOptions> & Pick<ModelOptions, 'provider'>) =>
    createChatClient(
      {
        model: o.provider === 'openai' ? 'gpt-4o-mini' : 'qwen2.5-coder:7b',
        baseURL: o.provider === 'openai' ? server.openaiBaseURL : server.url,
        timeoutMs: 10_000,
        maxRetries: 0,
        repairTurns: 0,
        ...o,
      },
      { env: { OPENAI_API_KEY: 'sk-loopback' }, retryBaseMs: 2 },
    )
  return { server, client }
}

describe('loopback server with real model limits', () => {
  it('OpenAI: a prompt within 128k is answered and its tokens are counted with o200k_base', async () => {
    const { server, client } = await setup()
    const r = await client({ provider: 'openai' }).chat({ messages: prompt(200), schema: File, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    const [req] = server.requests
    expect(req.limits).toMatchObject({
      contextWindow: 128_000,
      maxOutputTokens: 4096,
      method: 'o200k_base',
      outcome: 'ok',
    })
    expect(req.limits!.promptTokens).toBeGreaterThan(200)
    expect(req.limits!.answerTokens).toBe(r.usage.completionTokens)
  })

  it("OpenAI: an overlong prompt gets the real server's 400 context_length_exceeded (the raw client sees it)", async () => {
    const { server } = await setup()
    const raw = new OpenAI({ apiKey: 'sk-loopback', baseURL: server.openaiBaseURL, maxRetries: 0 })
    const err = await raw.chat.completions
      .create({ model: 'gpt-4o-mini', messages: prompt(130_000), max_completion_tokens: 1000 })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      )
    expect(err?.status).toBe(400)
    expect(err?.code).toBe('context_length_exceeded')
    expect(err?.message).toMatch(/maximum context length is 128000 tokens\. However, you requested \d+ tokens/)
    expect(server.requests[0].limits?.outcome).toBe('refused')
  })

  it('OpenAI: sitesmith refuses the same prompt itself, before sending (its own count agrees)', async () => {
    const { server, client } = await setup()
    const err = await client({ provider: 'openai' })
      .chat({ messages: prompt(130_000), schema: File, label: 'plan' })
      .catch((e: unknown) => e as ModelError)
    expect(err).toBeInstanceOf(ModelError)
    expect((err as ModelError).message).toMatch(/contextWindow of 128000, so nothing was sent/)
    expect(server.requests).toHaveLength(0)
  })

  it('OpenAI: more completion tokens than the model can write is a 400 naming the cap', async () => {
    const { server } = await setup()
    const raw = new OpenAI({ apiKey: 'sk-loopback', baseURL: server.openaiBaseURL, maxRetries: 0 })
    const err = await raw.chat.completions
      .create({ model: 'gpt-4o-mini', messages: prompt(10), max_completion_tokens: 20_000 })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      )
    expect(err?.status).toBe(400)
    expect(err?.message).toMatch(/supports at most 16384 completion tokens/)
  })

  it('OpenAI: an answer longer than max_completion_tokens is cut there with finish_reason length', async () => {
    const long = { content: 'lorem ipsum dolor '.repeat(3000), summary: 's' }
    const { server } = await setup(jsonReply(long))
    const raw = new OpenAI({ apiKey: 'sk-loopback', baseURL: server.openaiBaseURL, maxRetries: 0 })
    const r = await raw.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: prompt(10),
      max_completion_tokens: 500,
    })
    expect(r.choices[0].finish_reason).toBe('length')
    expect(r.usage?.completion_tokens).toBe(500)
    expect(server.requests[0].limits).toMatchObject({ outcome: 'cut', answerTokens: 500, maxOutputTokens: 500 })
  })

  it('OpenAI through sitesmith: a cut answer is a failure, never content', async () => {
    const long = { content: 'lorem ipsum dolor '.repeat(3000), summary: 's' }
    const { server, client } = await setup(jsonReply(long))
    const err = await client({ provider: 'openai', maxOutputTokens: 500 })
      .chat({ messages: prompt(10), schema: File, label: 'generate:home' })
      .catch((e: unknown) => e as Error)
    expect(err).toBeInstanceOf(Error)
    expect(server.requests.every((r) => r.limits?.outcome === 'cut')).toBe(true)
  })

  it("a budget grown after a length finish past the model's cap is lowered to the cap, not failed", async () => {
    // No repetition loop (that would be a format failure): 20,000 different words.
    const long = jsonReply({
      content: Array.from({ length: 20_000 }, (_, i) => `w${i * 7919}`).join(' '),
      summary: 's',
    })
    const server = await startLoopbackServer({ respond: always([long, jsonReply(GOOD)]), limits: true })
    onTestFinished(() => server.close())
    const events: string[] = []
    const client = createChatClient(
      {
        provider: 'openai',
        model: 'gpt-4o-mini',
        baseURL: server.openaiBaseURL,
        timeoutMs: 10_000,
        maxRetries: 0,
        repairTurns: 0,
        maxOutputTokens: 16_384,
      },
      {
        env: { OPENAI_API_KEY: 'sk-loopback' },
        retryBaseMs: 2,
        onEvent: (e) => e.type === 'warning' && events.push(e.message),
      },
    )
    const r = await client.chat({ messages: prompt(10), schema: File, label: 'plan-group:1' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests.map((q) => [q.body.max_completion_tokens ?? q.body.max_tokens, q.limits?.outcome])).toEqual([
      [16_384, 'cut'],
      [32_768, 'refused'],
      [16_384, 'ok'],
    ])
    expect(events).toEqual([
      'gpt-4o-mini writes at most 16384 tokens an answer; asked again with that budget instead of 32768',
    ])
  })

  it('Ollama: the window is the num_ctx sitesmith sends; prompt and answer fit it', async () => {
    const { server, client } = await setup()
    const r = await client({ provider: 'ollama', contextWindow: 16_384, maxOutputTokens: 2048 }).chat({
      messages: prompt(2000),
      schema: File,
      label: 'generate:home',
    })
    expect(r.value).toEqual(GOOD)
    const [req] = server.requests
    expect(req.limits).toMatchObject({ contextWindow: req.body.options?.num_ctx, outcome: 'ok' })
    expect(req.limits!.promptTokens + req.limits!.maxOutputTokens).toBeLessThanOrEqual(req.body.options!.num_ctx!)
  })

  it('Ollama: an answer over num_predict stops there with done_reason length', async () => {
    const long = { content: 'lorem ipsum dolor '.repeat(3000), summary: 's' }
    const { server } = await setup(jsonReply(long))
    const res = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'qwen2.5-coder:7b',
        messages: prompt(10),
        stream: false,
        options: { num_ctx: 8192, num_predict: 300 },
      }),
    })
    const body = (await res.json()) as { done_reason: string; eval_count: number; message: { content: string } }
    expect(body.done_reason).toBe('length')
    expect(body.eval_count).toBe(300)
    expect(Buffer.byteLength(body.message.content)).toBeLessThanOrEqual(1200)
    expect(server.requests[0].limits?.outcome).toBe('cut')
  })
})
