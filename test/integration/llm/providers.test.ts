import { inspect } from 'node:util'

import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { UsageMeter } from '../../../plugin/llm/budget.js'
import { createChatClient, ModelOptionsError, type ChatClientDeps } from '../../../plugin/llm/create-client.js'
import { ModelError } from '../../../plugin/llm/errors.js'
import type { ChatEvent, ChatMessage, ModelOptions, ProviderName } from '../../../plugin/llm/types.js'
import {
  always,
  jsonReply,
  script,
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
} from '../../loopback/server.js'
import { waitUntil } from '../../helpers/wait.js'

/**
 * The model layer through the REAL `openai` and `ollama` clients against the loopback server.
 * Every behaviour is checked for both providers, because either role may use either one.
 * Timeouts and retry delays are tiny so each fault costs milliseconds, not seconds.
 */

const KEY = 'sk-loopback-SECRET-0123456789abcdef'
const Envelope = z.object({ content: z.string().min(1), summary: z.string() })
const GOOD = { content: '<h1>Home</h1>', summary: 'the home page' }
const ask = (text = 'Write index.html. Reply in JSON.'): ChatMessage[] => [
  { role: 'system', content: 'You write files. Reply with one JSON object {"content","summary"}.' },
  { role: 'user', content: text },
]

let server: LoopbackServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup(
  provider: ProviderName,
  respond: Parameters<typeof startLoopbackServer>[0]['respond'],
  opts: Partial<ModelOptions> = {},
  deps: ChatClientDeps = {},
) {
  server = await startLoopbackServer({ respond })
  const events: ChatEvent[] = []
  const client = createChatClient(
    {
      provider,
      model: provider === 'openai' ? 'gpt-4o-mini' : 'qwen2.5-coder:7b',
      baseURL: provider === 'openai' ? server.openaiBaseURL : server.url,
      timeoutMs: 2_000,
      maxRetries: 3,
      repairTurns: 2,
      ...opts,
    },
    { env: { OPENAI_API_KEY: KEY }, retryBaseMs: 2, onEvent: (e) => events.push(e), ...deps },
  )
  return { server, client, events }
}

/** Usage the server reported, summed, for comparing with what the client tallied. */
const serverUsage = (replies: Array<{ usage: { promptTokens: number; completionTokens: number } }>) =>
  replies.reduce(
    (a, r) => ({
      promptTokens: a.promptTokens + r.usage.promptTokens,
      completionTokens: a.completionTokens + r.usage.completionTokens,
    }),
    { promptTokens: 0, completionTokens: 0 },
  )

async function failure(p: Promise<unknown>): Promise<ModelError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  if (!(e instanceof ModelError)) throw new Error(`expected a ModelError, got ${String(e)}`)
  return e
}

describe.each(['openai', 'ollama'] as const)('%s provider via the official client', (provider) => {
  it('returns a validated value, usage and the request the server saw', async () => {
    const { server, client } = await setup(
      provider,
      always(jsonReply(GOOD, { usage: { promptTokens: 40, completionTokens: 12 } })),
    )
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r).toEqual({
      value: GOOD,
      usage: { promptTokens: 40, completionTokens: 12 },
      calls: 1,
      model: client.id.split(':').slice(1).join(':'),
    })
    expect(client.id).toBe(provider === 'openai' ? 'openai:gpt-4o-mini' : 'ollama:qwen2.5-coder:7b')
    const [req] = server.requests
    expect(req.protocol).toBe(provider)
    expect(req.messages).toEqual(ask())
    expect(req.headers['x-sitesmith-label']).toBe('generate%3Ahome')
    if (provider === 'openai') {
      expect(req.body).toMatchObject({
        response_format: { type: 'json_object' },
        max_tokens: 4096,
        temperature: 0.2,
        stream: false,
      })
    } else {
      expect(req.body.stream).toBe(false)
      expect(req.body.options).toMatchObject({ num_predict: 4096, temperature: 0.2 })
      expect(req.body.format).toMatchObject({ type: 'object', required: ['content', 'summary'] })
      expect(Object.keys(req.body.format?.properties ?? {})).toEqual(['content', 'summary'])
    }
    expect(server.unmatched).toEqual([])
  })

  it("sends a message's images as the provider's image input (the visual review, #18)", async () => {
    const { server, client } = await setup(provider, always(jsonReply({ reviews: [] })))
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
    await client.chat({
      messages: [
        { role: 'system', content: 'Reply with JSON.' },
        { role: 'user', content: 'Look.', images: [png, png] },
      ],
      schema: z.object({ reviews: z.array(z.unknown()) }),
      label: 'review:visual',
    })
    const [req] = server.requests
    expect(req.messages[1]).toEqual({ role: 'user', content: 'Look.', images: 2 })
    if (provider === 'openai') {
      expect(req.body.messages?.[1].content).toEqual([
        { type: 'text', text: 'Look.' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      ])
    } else {
      expect(req.body.messages?.[1]).toEqual({ role: 'user', content: 'Look.', images: [png, png] })
    }
  })

  it('accepts JSON wrapped in prose and a fence without a repair turn', async () => {
    const { server, client } = await setup(
      provider,
      always({ content: `Sure! Here it is:\n\`\`\`json\n${JSON.stringify(GOOD)}\n\`\`\`` }),
    )
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests).toHaveLength(1)
  })

  it('malformed JSON once → a repair turn that quotes the error → success; usage summed over both turns', async () => {
    const bad = {
      content: '{"content": "<h1>Home</h1>", "summary":',
      usage: { promptTokens: 50, completionTokens: 15 },
    }
    const good = { content: JSON.stringify(GOOD), usage: { promptTokens: 90, completionTokens: 14 } }
    const { server, client, events } = await setup(provider, always([bad, good]))
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    expect(r.calls).toBe(2)
    expect(r.usage).toEqual(serverUsage([bad, good]))
    const repair = server.requests[1]
    expect(repair.messages.slice(0, 2)).toEqual(ask())
    expect(repair.messages[2]).toEqual({ role: 'assistant', content: bad.content })
    expect(repair.lastUserMessage).toMatch(
      /not valid JSON: .* at line 1 column \d+ \(the answer stops mid-value: cut off\)/,
    )
    expect(repair.lastUserMessage).toContain('only one JSON object')
    expect(events.filter((e) => e.type === 'repair')).toHaveLength(1)
  })

  it('wrong shape → a repair turn quoting the path → success', async () => {
    const { server, client } = await setup(provider, always([jsonReply({ content: '<p>x</p>' }), jsonReply(GOOD)]))
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests[1].lastUserMessage).toMatch(
      /does not match the required shape: summary: Invalid input: expected string, received undefined/,
    )
  })

  it('malformed every time → E_MODEL_FORMAT naming the label, after 1 + repairTurns requests', async () => {
    const { server, client } = await setup(provider, always({ content: 'I am sorry, I cannot produce JSON.' }))
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'generate:about-page' }))
    expect(err.code).toBe('E_MODEL_FORMAT')
    expect(err.message).toMatch(
      /^generate:about-page: no valid answer after 3 tries \(2 repair turns\); last problem: an apology instead of an answer \("I am sorry, I cannot produce JSON\."\); no JSON object found/,
    )
    expect(err.message).toContain(client.id)
    expect(err.message).toContain(
      provider === 'openai' ? `${server.openaiBaseURL}/chat/completions` : `${server.url}/api/chat`,
    )
    expect(server.requests).toHaveLength(3)
    expect(err.calls).toBe(3)
  })

  it('empty content is a failure that gets a repair turn', async () => {
    const { server, client } = await setup(provider, always([{ content: '' }, jsonReply(GOOD)]))
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests[1].lastUserMessage).toContain('the answer was empty')
    expect(server.requests[1].messages).toHaveLength(3) // the empty answer is not echoed back
  })

  it('429 with retry-after → waits as told → success', async () => {
    const { server, client, events } = await setup(
      provider,
      always([{ fault: 'status', status: 429, retryAfter: 1 }, jsonReply(GOOD)]),
    )
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(r.value).toEqual(GOOD)
    expect(r.calls).toBe(2)
    const [first, second] = server.requests
    // retryBaseMs is 2 ms, so a gap of about a second can only come from the header.
    expect(second.receivedAt - first.respondedAt!).toBeGreaterThanOrEqual(900)
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ retry: 1, delayMs: 1000, code: 'E_MODEL_HTTP' })
  })

  it('500 twice → success on the third request', async () => {
    const fail: Reply = { fault: 'status', status: 500 }
    const { server, client } = await setup(provider, always([fail, fail, jsonReply(GOOD)]))
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(r.value).toEqual(GOOD)
    expect(r.calls).toBe(3)
    expect(server.requests).toHaveLength(3)
  })

  it('503 more often than maxRetries → E_MODEL_HTTP with the status', async () => {
    const { server, client } = await setup(provider, always({ fault: 'status', status: 503 }), { maxRetries: 2 })
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
    expect(err).toMatchObject({ code: 'E_MODEL_HTTP', status: 503 })
    expect(err.message).toMatch(/^plan: HTTP 503/)
    expect(server.requests).toHaveLength(3)
  })

  it('400 is not retried', async () => {
    const { server, client } = await setup(
      provider,
      always({
        fault: 'status',
        status: 400,
        body:
          provider === 'openai'
            ? { error: { message: 'bad request: context too long' } }
            : { error: 'bad request: context too long' },
      }),
    )
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
    expect(err).toMatchObject({ code: 'E_MODEL_HTTP', status: 400 })
    expect(err.message).toContain('bad request: context too long')
    expect(server.requests).toHaveLength(1)
  })

  it('connection reset mid-response → retried → success', async () => {
    const { server, client } = await setup(provider, always([{ fault: 'reset' }, jsonReply(GOOD)]))
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests).toHaveLength(2)
  })

  it('a response body cut in the middle → retried → success', async () => {
    const { server, client } = await setup(
      provider,
      always([{ fault: 'truncate', content: JSON.stringify(GOOD) }, jsonReply(GOOD)]),
    )
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests).toHaveLength(2)
  })

  it('a hung server → E_MODEL_TIMEOUT after the configured timeout, each retry timed out too', async () => {
    const { server, client } = await setup(provider, always({ fault: 'hang' }), { timeoutMs: 150, maxRetries: 1 })
    const started = Date.now()
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'review' }))
    expect(err.code).toBe('E_MODEL_TIMEOUT')
    expect(err.message).toMatch(/^review: no complete answer within 150 ms/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 150)
    expect(server.requests).toHaveLength(2)
  })

  it('a body that stalls after the headers also times out (the deadline covers the body)', async () => {
    const { server, client } = await setup(provider, always([{ fault: 'hang', afterHeaders: true }, jsonReply(GOOD)]), {
      timeoutMs: 150,
    })
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'review' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests).toHaveLength(2)
  })

  it('a reply slower than the timeout → E_MODEL_TIMEOUT', async () => {
    const { client } = await setup(provider, always({ content: JSON.stringify(GOOD), latencyMs: 400 }), {
      timeoutMs: 100,
      maxRetries: 0,
    })
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'review' }))
    expect(err.code).toBe('E_MODEL_TIMEOUT')
  })

  it('finish/done reason length → one retry with twice the output budget → success', async () => {
    const cut = { content: '{"content": "<h1>Ho', finishReason: 'length' as const }
    const { server, client, events } = await setup(provider, always([cut, jsonReply(GOOD)]), { maxOutputTokens: 1000 })
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(r.value).toEqual(GOOD)
    const budgets = server.requests.map((q) =>
      provider === 'openai' ? q.body.max_tokens : q.body.options?.num_predict,
    )
    expect(budgets).toEqual([1000, 2000])
    // The cut-off answer is never fed back as content: the retry repeats the question unchanged.
    expect(server.requests[1].messages).toEqual(ask())
    expect(events.find((e) => e.type === 'truncated')).toMatchObject({
      maxOutputTokens: 1000,
      nextMaxOutputTokens: 2000,
    })
  })

  it('length twice → E_MODEL_TRUNCATED', async () => {
    const { server, client } = await setup(provider, always({ content: '{"content": "<h1>', finishReason: 'length' }), {
      maxOutputTokens: 500,
    })
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' }))
    expect(err.code).toBe('E_MODEL_TRUNCATED')
    expect(err.message).toContain('generate:home: answer cut off at the output limit (1000 tokens')
    expect(server.requests).toHaveLength(2)
  })

  it('an AbortSignal cancels the in-flight request at once and nothing is retried', async () => {
    const { server, client } = await setup(provider, always({ fault: 'hang' }), { timeoutMs: 30_000 })
    const controller = new AbortController()
    const pending = failure(
      client.chat({ messages: ask(), schema: Envelope, label: 'generate:home', signal: controller.signal }),
    )
    await waitUntil('the request to reach the server', () => server.requests.length === 1, {
      timeout: 2_000,
      interval: 5,
    })
    controller.abort()
    const err = await pending
    expect(err.code).toBe('E_ABORTED')
    expect(err.message).toMatch(/^generate:home: cancelled/)
    // The client's own count of HTTP calls, final once chat() has rejected: no retry after the abort.
    expect(err.calls).toBe(1)
    expect(server.requests).toHaveLength(1)
  })

  it('an already-aborted signal sends nothing', async () => {
    const { server, client } = await setup(provider, always(jsonReply(GOOD)))
    const err = await failure(
      client.chat({ messages: ask(), schema: Envelope, label: 'x', signal: AbortSignal.abort() }),
    )
    expect(err.code).toBe('E_ABORTED')
    expect(server.requests).toHaveLength(0)
  })

  it('the budget stops the next call before it is sent, across chats and repair turns', async () => {
    const meter = new UsageMeter({ maxCalls: 3 })
    const { server, client } = await setup(
      provider,
      script([
        { match: /first/, reply: jsonReply(GOOD) },
        { match: () => true, reply: { content: 'nope' } },
      ]),
      {},
      { meter },
    )
    await client.chat({ messages: ask('first'), schema: Envelope, label: 'plan' })
    const err = await failure(client.chat({ messages: ask('second'), schema: Envelope, label: 'generate:home' }))
    expect(err.code).toBe('E_BUDGET')
    expect(err.message).toMatch(/^generate:home: run budget exhausted: 3 of maxCalls 3/)
    expect(server.requests).toHaveLength(3) // 1 + first try and one repair of the second chat; the 2nd repair was never sent
    expect(meter.calls).toBe(3)
    expect(meter.byStage.plan.calls).toBe(1)
    expect(meter.byStage.generate.calls).toBe(2)
  })

  it('the token budget stops the next call and the meter matches what the server reported', async () => {
    const meter = new UsageMeter({ maxTokens: 150 })
    const reply = jsonReply(GOOD, { usage: { promptTokens: 100, completionTokens: 60 } })
    const { server, client } = await setup(provider, always(reply), {}, { meter })
    await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(meter.totalTokens).toBe(160)
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
    expect(err).toMatchObject({ code: 'E_BUDGET', limit: 'maxTokens' })
    expect(server.requests).toHaveLength(1)
  })

  it('concurrent chats never exceed maxCalls', async () => {
    const meter = new UsageMeter({ maxCalls: 3 })
    const { server, client } = await setup(provider, always(jsonReply(GOOD, { latencyMs: 20 })), {}, { meter })
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        client.chat({ messages: ask(`task ${i}`), schema: Envelope, label: `generate:t${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r.reason as { code?: string }).code === 'E_BUDGET'),
    ).toBe(true)
    expect(server.requests).toHaveLength(3)
  })

  it('the OpenAI key travels only where it belongs', async () => {
    const { server, client } = await setup(provider, always([{ content: 'bad' }, jsonReply(GOOD)]))
    await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    for (const req of server.requests) {
      expect(JSON.stringify(req.body)).not.toContain(KEY)
      const { authorization, ...others } = req.headers
      expect(JSON.stringify(others)).not.toContain(KEY)
      // Only the OpenAI client authenticates, and only with the key it was given.
      expect(authorization).toBe(provider === 'openai' ? `Bearer ${KEY}` : undefined)
    }
  })
})

describe('openai provider specifics', () => {
  it('without a key or baseURL: construction succeeds, the first chat names the variables, nothing is sent', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const client = createChatClient({ provider: 'openai', model: 'gpt-4o-mini' }, { env: {} })
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
    expect(err.code).toBe('E_MISSING_CREDENTIALS')
    expect(err.message).toContain('OPENAI_API_KEY')
    expect(err.message).toContain('OPENAI_BASE_URL')
    expect(err.message).toMatch(/^plan: /)
    expect(err).toMatchObject({ variables: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'] })
  })

  it('a keyless OpenAI-compatible server (OPENAI_BASE_URL only) gets no Authorization header', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const client = createChatClient(
      { provider: 'openai', model: 'local-model' },
      { env: { OPENAI_BASE_URL: server.openaiBaseURL } },
    )
    const r = await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(r.value).toEqual(GOOD)
    expect(server.requests[0].headers.authorization).toBeUndefined()
  })

  it('reads OPENAI_BASE_URL and OPENAI_API_KEY from the env object, not process.env', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const client = createChatClient(
      { provider: 'openai', model: 'm' },
      { env: { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: 'sk-from-env-object' } },
    )
    await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-from-env-object')
  })

  it('never puts the key in an error message, even when the server echoes it', async () => {
    server = await startLoopbackServer({
      respond: always({
        fault: 'status',
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${KEY}` } },
      }),
    })
    const client = createChatClient(
      { provider: 'openai', model: 'm', baseURL: server.openaiBaseURL },
      { env: { OPENAI_API_KEY: KEY } },
    )
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
    expect(err.message).not.toContain(KEY)
    expect(err.stack).not.toContain(KEY)
    expect(inspect(err, { depth: 10 })).not.toContain(KEY) // nor in the client's error kept as `cause`
    expect(err.message).toContain('[redacted]')
    expect(err.message).toContain('check OPENAI_API_KEY')
  })

  it('adds a JSON mention when the prompt has none (OpenAI JSON mode requires one)', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const client = createChatClient(
      { provider: 'openai', model: 'm', baseURL: server.openaiBaseURL },
      { env: { OPENAI_API_KEY: KEY } },
    )
    await client.chat({ messages: [{ role: 'user', content: 'write the home page' }], schema: Envelope, label: 'plan' })
    expect(server.requests[0].messages[0]).toEqual({ role: 'system', content: 'Reply with one JSON object.' })
  })
})

describe('ollama provider specifics', () => {
  it("num_ctx grows with the prompt size; a prompt over the role's contextWindow is refused before sending (#15)", async () => {
    const { server, client } = await setup('ollama', always(jsonReply(GOOD)))
    for (const chars of [100, 30_000, 80_000]) {
      await client.chat({ messages: ask('x'.repeat(chars)), schema: Envelope, label: 'generate:big' })
    }
    expect(server.requests.map((r) => r.body.options?.num_ctx)).toEqual([8192, 16384, 32768])
    const err = await failure(
      client.chat({ messages: ask('x'.repeat(200_000)), schema: Envelope, label: 'generate:huge' }),
    )
    expect(err.code).toBe('E_CONTEXT')
    expect(err.message).toMatch(
      /^generate:huge: the prompt is \d+ tokens \(estimate \(3 bytes a token\)\) and the answer may take 4096: more than this role's contextWindow of 32768, so nothing was sent/,
    )
    expect(server.requests).toHaveLength(3)
  })

  it('OLLAMA_HOST from the env object is used when no baseURL is given', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const client = createChatClient(
      { provider: 'ollama', model: 'qwen2.5-coder:7b' },
      { env: { OLLAMA_HOST: server.url } },
    )
    expect((await client.chat({ messages: ask(), schema: Envelope, label: 'plan' })).value).toEqual(GOOD)
  })

  it('an unknown model (404) fails at once with a hint', async () => {
    const { server, client } = await setup(
      'ollama',
      always({ fault: 'status', status: 404, body: { error: "model 'qwen2.5-coder:7b' not found" } }),
    )
    const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'generate:home' }))
    expect(err.message).toContain("HTTP 404: model 'qwen2.5-coder:7b' not found")
    expect(err.message).toContain('ollama pull')
    expect(server.requests).toHaveLength(1)
  })

  it.each(['ollama', 'openai'] as const)(
    '%s: a refused connection is retried, named as such, and is no model call (#12)',
    async (provider) => {
      const dead = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
      const url = provider === 'ollama' ? dead.url : dead.openaiBaseURL
      await dead.close()
      // maxCalls 1 with 2 attempts: were a refused attempt a call, the retry would hit the budget.
      const meter = new UsageMeter({ maxCalls: 1 })
      const client = createChatClient(
        { provider, model: 'm', baseURL: url, maxRetries: 1 },
        { retryBaseMs: 1, env: { OPENAI_API_KEY: 'sk-loopback-test-key-0000' }, meter },
      )
      const err = await failure(client.chat({ messages: ask(), schema: Envelope, label: 'plan' }))
      expect(err.code).toBe('E_MODEL_HTTP')
      expect(err.message).toContain('connection refused — is the server running?')
      expect(err.calls).toBe(0)
      expect(meter.snapshot()).toMatchObject({ calls: 0, byStage: {} })
    },
  )
})

describe('configuration', () => {
  it('rejects bad options at construction, naming role and field', () => {
    expect(() => createChatClient({ provider: 'ollama', model: '' }, { role: 'coder' })).toThrow(ModelOptionsError)
    expect(() => createChatClient({ provider: 'ollama', model: '' }, { role: 'coder' })).toThrow(
      /coder\.model: must name a model/,
    )
    expect(() => createChatClient({ provider: 'gemini' as ProviderName, model: 'x' }, { role: 'planner' })).toThrow(
      /planner\.provider/,
    )
    expect(() => createChatClient({ provider: 'openai', model: 'x', timeoutMs: -5 }, { role: 'planner' })).toThrow(
      /planner\.timeoutMs/,
    )
    expect(() =>
      createChatClient({ provider: 'openai', model: 'x', maxRetry: 2 } as ModelOptions, { role: 'planner' }),
    ).toThrow(/maxRetry/)
  })
})

describe('loopback helpers for other suites', () => {
  it('loopbackModel + loopbackEnv configure both roles against one server', async () => {
    const { loopbackModel, loopbackEnv, LOOPBACK_API_KEY } = await import('../../loopback/server.js')
    server = await startLoopbackServer({ respond: always(jsonReply(GOOD)) })
    const meter = new UsageMeter()
    const env = loopbackEnv(server)
    const planner = createChatClient(loopbackModel(server, 'openai'), { env, meter, role: 'planner' })
    const coder = createChatClient(loopbackModel(server, 'ollama'), { env, meter, role: 'coder' })
    await planner.chat({ messages: ask(), schema: Envelope, label: 'plan' })
    await coder.chat({ messages: ask(), schema: Envelope, label: 'generate:home' })
    expect(server.requests.map((r) => r.protocol)).toEqual(['openai', 'ollama'])
    expect(server.requests[0].headers.authorization).toBe(`Bearer ${LOOPBACK_API_KEY}`)
    expect(meter.byStage).toMatchObject({ plan: { calls: 1 }, generate: { calls: 1 } })
  })
})
