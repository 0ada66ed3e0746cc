import { afterEach, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { Ollama } from 'ollama'

import { always, jsonReply, script, startLoopbackServer, type LoopbackServer } from '../../loopback/server.js'
import { waitUntil } from '../../helpers/wait.js'

/**
 * The loopback server must be indistinguishable from the real thing for the official
 * clients: these tests drive `openai` and `ollama` directly (no sitesmith code) in every
 * mode the server offers, and check each fault surfaces the way a real outage would.
 */

let server: LoopbackServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const openai = (s: LoopbackServer, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ apiKey: 'sk-test-loopback', baseURL: s.openaiBaseURL, maxRetries: 0, timeout: 5_000, ...extra })
const ollama = (s: LoopbackServer) => new Ollama({ host: s.url })
const ask = (text: string) => [{ role: 'user' as const, content: text }]

describe('loopback server with the real openai client', () => {
  it('answers a non-streaming completion and logs the request', async () => {
    server = await startLoopbackServer({ respond: always(jsonReply({ ok: true })) })
    const r = await openai(server).chat.completions.create({ model: 'gpt-4o-mini', messages: ask('hello there') })
    expect(r.choices[0].message.content).toBe('{"ok":true}')
    expect(r.choices[0].finish_reason).toBe('stop')
    // usage defaults to ceil(chars/4)
    expect(r.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3 })
    expect(server.requests).toHaveLength(1)
    const [req] = server.requests
    expect(req).toMatchObject({
      seq: 1,
      protocol: 'openai',
      path: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      stream: false,
      lastUserMessage: 'hello there',
    })
    expect(req.headers.authorization).toBe('Bearer sk-test-loopback')
    expect(req.respondedAt).toBeGreaterThanOrEqual(req.receivedAt)
  })

  it('streams SSE chunks that reassemble to the content, with usage and finish_reason', async () => {
    const content = 'A fairly long answer that will be split into several SSE chunks by the server.'
    server = await startLoopbackServer({
      respond: always({ content, usage: { promptTokens: 11, completionTokens: 22 } }),
    })
    const stream = await openai(server).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('stream please'),
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let chunks = 0
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | undefined | null
    for await (const chunk of stream) {
      chunks++
      text += chunk.choices[0]?.delta?.content ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
      usage = chunk.usage ?? usage
    }
    expect(text).toBe(content)
    expect(chunks).toBeGreaterThan(3)
    expect(finish).toBe('stop')
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 22 })
    expect(server.requests[0].stream).toBe(true)
  })

  it('reports finish_reason length when asked', async () => {
    server = await startLoopbackServer({ respond: always({ content: '{"a":', finishReason: 'length' }) })
    const r = await openai(server).chat.completions.create({ model: 'm', messages: ask('x') })
    expect(r.choices[0].finish_reason).toBe('length')
  })

  it('lists models', async () => {
    server = await startLoopbackServer({ respond: always({ content: '' }), models: ['one', 'two'] })
    const page = await openai(server).models.list()
    expect(page.data.map((m) => m.id)).toEqual(['one', 'two'])
    expect(server.requests).toHaveLength(0) // GETs are not chat requests
    expect(server.hits).toContain('GET /v1/models')
  })

  it('429 carries retry-after headers and a JSON error', async () => {
    server = await startLoopbackServer({
      respond: always({ fault: 'status', status: 429, retryAfter: 2, retryAfterMs: 1500 }),
    })
    const err = await openai(server)
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.RateLimitError)
    const e = err as InstanceType<typeof OpenAI.RateLimitError>
    expect(e.status).toBe(429)
    expect(e.headers?.get('retry-after')).toBe('2')
    expect(e.headers?.get('retry-after-ms')).toBe('1500')
    expect(e.message).toContain('loopback injected HTTP 429')
  })

  it('reset before the response is a connection error', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'reset' }) })
    const err = await openai(server)
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError)
  })

  it('reset mid-stream fails the stream after the headers', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'reset' }) })
    const stream = await openai(server).chat.completions.create({ model: 'm', messages: ask('x'), stream: true })
    let text = ''
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    })().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(text).toBe('partial')
  })

  it('truncate cuts a non-streaming body in the middle', async () => {
    server = await startLoopbackServer({
      respond: always({ fault: 'truncate', content: '{"content":"<html>…</html>"}' }),
    })
    const err = await openai(server)
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
  })

  it('truncate ends a stream with half the content and no finish chunk', async () => {
    const content = '0123456789abcdefghijklmnopqrstuvwxyz'
    server = await startLoopbackServer({ respond: always({ fault: 'truncate', content }) })
    const stream = await openai(server).chat.completions.create({ model: 'm', messages: ask('x'), stream: true })
    let text = ''
    let finish: string | null = null
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? ''
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(content.startsWith(text)).toBe(true)
    expect(text.length).toBeGreaterThan(0)
    expect(text.length).toBeLessThan(content.length)
    expect(finish).toBeNull()
  })

  it('hang is ended by the client timeout and by close()', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'hang' }) })
    const err = await openai(server, { timeout: 150 })
      .chat.completions.create({ model: 'm', messages: ask('x') })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError)

    // A hung request still pending when the server closes must not keep it open.
    const pending = openai(server, { timeout: 60_000 })
      .chat.completions.create({ model: 'm', messages: ask('y') })
      .catch((e: unknown) => e)
    await waitUntil('the second request', () => server!.requests.length === 2, { timeout: 2_000, interval: 5 })
    await server.close()
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError)
  })

  it('hang afterHeaders sends a 200 and half a body, then stalls until close()', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'hang', afterHeaders: true }) })
    const res = await fetch(`${server.openaiBaseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: ask('x') }),
    })
    expect(res.status).toBe(200)
    const body = res.text().catch((e: unknown) => e)
    await server.close()
    expect(await body).toBeInstanceOf(Error)
  })

  it('applies global plus per-reply latency before answering', async () => {
    server = await startLoopbackServer({ respond: always({ content: 'x', latencyMs: 40 }), latencyMs: 60 })
    await openai(server).chat.completions.create({ model: 'm', messages: ask('x') })
    const [req] = server.requests
    expect(req.respondedAt! - req.receivedAt).toBeGreaterThanOrEqual(95)
  })
})

describe('loopback server with the real ollama client', () => {
  it('answers /api/chat without streaming', async () => {
    server = await startLoopbackServer({
      respond: always({ content: '{"x":1}', usage: { promptTokens: 7, completionTokens: 5 } }),
    })
    const r = await ollama(server).chat({
      model: 'qwen2.5-coder:7b',
      messages: ask('hi'),
      stream: false,
      format: { type: 'object' },
      options: { num_ctx: 8192 },
    })
    expect(r.message.content).toBe('{"x":1}')
    expect(r.done).toBe(true)
    expect(r.done_reason).toBe('stop')
    expect(r.prompt_eval_count).toBe(7)
    expect(r.eval_count).toBe(5)
    const [req] = server.requests
    expect(req).toMatchObject({ protocol: 'ollama', path: '/api/chat', model: 'qwen2.5-coder:7b', stream: false })
    expect(req.body.options?.num_ctx).toBe(8192)
    expect(req.body.format).toEqual({ type: 'object' })
  })

  it('streams NDJSON that reassembles to the content', async () => {
    const content = 'Streaming from a pretend Ollama, in several pieces.'
    server = await startLoopbackServer({ respond: always({ content, finishReason: 'length' }) })
    const stream = await ollama(server).chat({ model: 'm', messages: ask('hi'), stream: true })
    let text = ''
    let parts = 0
    let last: { done: boolean; done_reason?: string } | undefined
    for await (const part of stream) {
      parts++
      text += part.message.content
      last = part
    }
    expect(text).toBe(content)
    expect(parts).toBeGreaterThan(3)
    expect(last).toMatchObject({ done: true, done_reason: 'length' })
  })

  it('a truncated stream makes the client throw (no done line)', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'truncate', content: 'abcdefghijklmnop' }) })
    const stream = await ollama(server).chat({ model: 'm', messages: ask('hi'), stream: true })
    const err = await (async () => {
      for await (const _ of stream) void _
    })().catch((e: unknown) => e)
    expect(String(err)).toMatch(/did not receive done/i)
  })

  it('status faults become ResponseError with the status code', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'status', status: 503 }) })
    const err = (await ollama(server)
      .chat({ model: 'm', messages: ask('hi'), stream: false })
      .catch((e: unknown) => e)) as { status_code?: number; message?: string }
    expect(err.status_code).toBe(503)
    expect(err.message).toContain('loopback injected HTTP 503')
  })

  it('reset is a fetch failure', async () => {
    server = await startLoopbackServer({ respond: always({ fault: 'reset' }) })
    const err = await ollama(server)
      .chat({ model: 'm', messages: ask('hi'), stream: false })
      .catch((e: unknown) => e)
    expect(String(err)).toMatch(/fetch failed/i)
  })

  it('lists tags and version', async () => {
    server = await startLoopbackServer({ respond: always({ content: '' }), models: ['qwen2.5-coder:7b'] })
    const client = ollama(server)
    expect((await client.list()).models.map((m) => m.name)).toEqual(['qwen2.5-coder:7b'])
    expect((await client.version()).version).toMatch(/loopback/)
  })
})

describe('scripts', () => {
  it('matches by regex, substring and predicate; reply lists are consumed and the last repeats', async () => {
    const s = script([
      { match: /^plan/i, reply: [{ content: 'p1' }, { content: 'p2' }] },
      { match: 'index.html', reply: { content: 'idx' } },
      { match: (req) => req.model === 'special', reply: (req) => ({ content: `echo ${req.seq}` }) },
    ])
    server = await startLoopbackServer({ respond: s })
    const c = openai(server)
    const say = async (text: string, model = 'm') =>
      (await c.chat.completions.create({ model, messages: [{ role: 'system', content: 'sys' }, ...ask(text)] }))
        .choices[0].message.content
    expect(await say('Plan the site')).toBe('p1')
    expect(await say('plan again')).toBe('p2')
    expect(await say('plan a third time')).toBe('p2')
    expect(await say('write index.html')).toBe('idx')
    expect(await say('anything', 'special')).toBe('echo 5')
    expect(s.hits).toEqual([3, 1, 1])
    expect(server.unmatched).toEqual([])
  })

  it('an unmatched request gets HTTP 500 with a clear body and is recorded', async () => {
    server = await startLoopbackServer({ respond: script([{ match: /never/, reply: { content: 'x' } }]) })
    const err = await openai(server)
      .chat.completions.create({ model: 'm', messages: ask('something unexpected') })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.InternalServerError)
    expect((err as Error).message).toContain('no scripted reply')
    expect(server.unmatched).toHaveLength(1)
    expect(server.unmatched[0].reason).toContain('something unexpected')
    expect(server.unmatched[0].seq).toBe(1)
  })

  it('reset() clears the logs and can swap the responder', async () => {
    server = await startLoopbackServer({ respond: always({ content: 'a' }) })
    const c = openai(server)
    await c.chat.completions.create({ model: 'm', messages: ask('x') })
    server.reset(always({ content: 'b' }))
    expect(server.requests).toEqual([])
    const r = await c.chat.completions.create({ model: 'm', messages: ask('x') })
    expect(r.choices[0].message.content).toBe('b')
    expect(server.requests[0].seq).toBe(1)
  })

  it('records bad requests and unknown endpoints in errors', async () => {
    server = await startLoopbackServer({ respond: always({ content: 'a' }) })
    const bad = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{nope' })
    expect(bad.status).toBe(400)
    const missing = await fetch(`${server.url}/v2/whatever`)
    expect(missing.status).toBe(404)
    expect(server.errors).toHaveLength(2)
    expect(server.requests).toHaveLength(0)
  })
})
