import { describe, expect, it } from 'vitest'
import { waitUntil } from '../../helpers/wait.js'

import { formatUsage, UsageMeter } from '../../../plugin/llm/budget.js'
import { classifyError, connectionProblem } from '../../../plugin/llm/classify-error.js'
import {
  BudgetExceededError,
  ModelAbortedError,
  ModelFormatError,
  ModelHttpError,
  ModelTimeoutError,
} from '../../../plugin/llm/errors.js'
import { contextWindow, formatSchema, normalizeOllamaHost } from '../../../plugin/llm/ollama-provider.js'
import { isOfficialOpenAI, withJsonMention } from '../../../plugin/llm/openai-provider.js'
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  withRetry,
  type RetryPolicy,
} from '../../../plugin/llm/retry.js'
import { z } from 'zod'

const policy = (p: Partial<RetryPolicy> = {}): RetryPolicy => ({ maxRetries: 3, baseMs: 100, maxDelayMs: 10_000, ...p })
const ctx = { label: 'generate:home', model: 'openai:m', endpoint: 'http://127.0.0.1:1/v1/chat/completions' }
const transient = () => new ModelHttpError('HTTP 500', ctx, { status: 500, retryable: true })

describe('backoffDelay', () => {
  it('doubles per retry with equal jitter', () => {
    expect(backoffDelay(1, policy({ random: () => 0 }))).toBe(50)
    expect(backoffDelay(1, policy({ random: () => 0.999999 }))).toBe(100)
    expect(backoffDelay(2, policy({ random: () => 0 }))).toBe(100)
    expect(backoffDelay(3, policy({ random: () => 0.5 }))).toBe(300)
  })

  it('is capped', () => {
    expect(backoffDelay(20, policy({ random: () => 1, maxDelayMs: 2_000 }))).toBe(2_000)
  })

  it("honours the server's retry-after, capped, without jitter", () => {
    expect(backoffDelay(1, policy({ random: () => 0.3 }), 1_500)).toBe(1_500)
    expect(backoffDelay(1, policy({ maxDelayMs: 50 }), 3_600_000)).toBe(50)
  })
})

describe('parseRetryAfter', () => {
  const h = (rec: Record<string, string>) => (name: string) => rec[name]
  it('reads retry-after-ms first, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250)
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2_000)
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3_000)
  })
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(h({}))).toBeUndefined()
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined()
  })
})

describe('isRetryableStatus', () => {
  it('retries 408/409/429/5xx only', () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false)
  })
})

describe('withRetry', () => {
  it('retries transient errors up to maxRetries, then throws the last one', async () => {
    let calls = 0
    const err = await withRetry(
      async () => {
        calls++
        throw transient()
      },
      policy({ maxRetries: 2, baseMs: 1 }),
    ).catch((e: unknown) => e)
    expect(calls).toBe(3)
    expect(err).toBeInstanceOf(ModelHttpError)
  })

  it('succeeds after transient failures and reports each retry', async () => {
    const seen: number[] = []
    let calls = 0
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw transient()
        return 'ok'
      },
      policy({ baseMs: 1 }),
      { onRetry: (r) => seen.push(r.retry) },
    )
    expect(value).toBe('ok')
    expect(seen).toEqual([1, 2])
  })

  it('does not retry non-retryable model errors or plain bugs', async () => {
    for (const error of [
      new ModelHttpError('HTTP 400', ctx, { status: 400, retryable: false }),
      new ModelFormatError('bad', 'bad', ctx),
      new TypeError('bug'),
    ]) {
      let calls = 0
      await withRetry(
        async () => {
          calls++
          throw error
        },
        policy({ baseMs: 1 }),
      ).catch(() => {})
      expect(calls).toBe(1)
    }
  })

  it('retries timeouts', async () => {
    let calls = 0
    await withRetry(
      async () => {
        if (++calls === 1) throw new ModelTimeoutError(10, ctx)
      },
      policy({ baseMs: 1 }),
    )
    expect(calls).toBe(2)
  })

  it('stops waiting and never retries once the signal fired', async () => {
    const controller = new AbortController()
    let calls = 0
    const pending = withRetry(
      async () => {
        calls++
        throw new ModelHttpError('HTTP 429', ctx, { status: 429, retryable: true, retryAfterMs: 60_000 })
      },
      policy({ maxDelayMs: 60_000 }),
      { signal: controller.signal, ctx },
    )
    // Aborted while it waits out the Retry-After, i.e. after the first call failed.
    await waitUntil('the first call', () => calls === 1)
    controller.abort()
    const err = await pending.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ModelAbortedError)
    expect((err as ModelAbortedError).code).toBe('E_ABORTED')
    expect(calls).toBe(1)
  })
})

describe('classifyError', () => {
  it('maps an openai-style status error with headers', () => {
    const e = Object.assign(new Error('429 Rate limit'), {
      status: 429,
      headers: new Headers({ 'retry-after': '3' }),
      error: { message: 'Rate limit reached' },
    })
    const m = classifyError(e, ctx) as ModelHttpError
    expect(m).toBeInstanceOf(ModelHttpError)
    expect(m).toMatchObject({ code: 'E_MODEL_HTTP', status: 429, retryable: true, retryAfterMs: 3_000 })
    expect(m.message).toBe(
      'generate:home: HTTP 429: Rate limit reached (openai:m at http://127.0.0.1:1/v1/chat/completions)',
    )
  })

  it('maps an ollama ResponseError and adds a hint for 404', () => {
    const e = Object.assign(new Error("model 'qwen' not found"), {
      name: 'ResponseError',
      status_code: 404,
      error: "model 'qwen' not found",
    })
    const m = classifyError(e, ctx) as ModelHttpError
    expect(m.retryable).toBe(false)
    expect(m.message).toContain("HTTP 404: model 'qwen' not found — unknown model")
    expect(m.message).toContain('ollama pull')
  })

  it('recognises dropped connections through the cause chain', () => {
    const e = new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    })
    expect(connectionProblem(e)).toContain('ECONNRESET')
    const m = classifyError(e, ctx) as ModelHttpError
    expect(m.retryable).toBe(true)
    expect(m.message).toContain('connection failed')
  })

  it('calls a refused connection by its name', () => {
    const e = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED' }),
    })
    expect(classifyError(e, ctx).message).toContain('connection refused — is the server running?')
  })

  it('treats unknown errors as not retryable', () => {
    expect(classifyError(new Error('weird'), ctx).retryable).toBe(false)
  })
})

describe('UsageMeter', () => {
  it('tallies calls and tokens per stage', () => {
    const m = new UsageMeter()
    m.beginCall('plan')
    m.addUsage('plan', { promptTokens: 100, completionTokens: 20 })
    m.beginCall('generate')
    m.beginCall('generate')
    m.addUsage('generate', { promptTokens: 10, completionTokens: 5 })
    expect(m.calls).toBe(3)
    expect(m.totalTokens).toBe(135)
    expect(m.byStage).toEqual({
      plan: { calls: 1, promptTokens: 100, completionTokens: 20 },
      generate: { calls: 2, promptTokens: 10, completionTokens: 5 },
    })
  })

  it('refuses the call past maxCalls, naming the limit, without counting it', () => {
    const m = new UsageMeter({ maxCalls: 2 })
    m.beginCall('a')
    m.beginCall('a')
    const err = (() => {
      try {
        m.beginCall('a', 0, { label: 'fix:nav' })
      } catch (e) {
        return e
      }
    })() as BudgetExceededError
    expect(err).toBeInstanceOf(BudgetExceededError)
    expect(err).toMatchObject({ code: 'E_BUDGET', limit: 'maxCalls', used: 2, max: 2 })
    expect(err.message).toMatch(/^fix:nav: .*maxCalls 2/)
    expect(m.calls).toBe(2)
  })

  it('refuses a call whose prompt would go over maxTokens', () => {
    const m = new UsageMeter({ maxTokens: 1_000 })
    m.beginCall('a', 500)
    m.addUsage('a', { promptTokens: 500, completionTokens: 300 })
    expect(() => m.beginCall('a', 100)).not.toThrow()
    m.addUsage('a', { promptTokens: 100, completionTokens: 50 })
    expect(() => m.beginCall('a', 100)).toThrow(/maxTokens 1000/)
  })

  it('formats a one-line summary', () => {
    const m = new UsageMeter({ maxCalls: 200, maxTokens: 2_000_000 })
    m.beginCall('plan')
    m.addUsage('plan', { promptTokens: 3_000, completionTokens: 100 })
    m.beginCall('generate')
    m.addUsage('generate', { promptTokens: 9_000, completionTokens: 245 })
    const line = formatUsage(m)
    expect(line).toBe(
      'model usage: 2 calls, 12,345 tokens (12,000 prompt + 345 completion) — generate 1/9,245, plan 1/3,100 · budget 200 calls, 2,000,000 tokens',
    )
    expect(line).not.toContain('\n')
  })

  it('rejects negative limits', () => {
    expect(() => new UsageMeter({ maxCalls: -1 })).toThrow(RangeError)
  })
})

describe('contextWindow', () => {
  const msg = (chars: number) => [{ content: 'x'.repeat(chars) }]
  it('is a power of two between 4096 and 32768 that holds prompt and answer', () => {
    expect(contextWindow(msg(100), 1_000).numCtx).toBe(4096)
    expect(contextWindow(msg(100), 4_096).numCtx).toBe(8192)
    expect(contextWindow(msg(35_000), 4_096).numCtx).toBe(16384) // 10,000 + 4,096
    expect(contextWindow(msg(80_000), 4_096).numCtx).toBe(32768)
    expect(contextWindow(msg(80_000), 4_096).capped).toBe(false)
  })
  it('caps at 32768 and says so', () => {
    const w = contextWindow(msg(200_000), 4_096)
    expect(w).toMatchObject({ numCtx: 32768, capped: true })
  })
})

describe('provider helpers', () => {
  it('derives an Ollama format schema from zod (input side: defaults are optional)', () => {
    const schema = z.object({ content: z.string(), tags: z.array(z.string()).default([]) })
    const js = formatSchema(schema) as {
      type: string
      required: string[]
      properties: Record<string, unknown>
      $schema?: string
    }
    expect(js.type).toBe('object')
    expect(js.required).toEqual(['content'])
    expect(Object.keys(js.properties)).toEqual(['content', 'tags'])
    expect(js.$schema).toBeUndefined()
  })

  it('normalises OLLAMA_HOST the way people write it', () => {
    expect(normalizeOllamaHost(':11434')).toBe('http://127.0.0.1:11434')
    expect(normalizeOllamaHost('gpu-box')).toBe('http://gpu-box:11434')
    expect(normalizeOllamaHost('0.0.0.0:8080')).toBe('http://0.0.0.0:8080')
    expect(normalizeOllamaHost('https://ollama.example.com/')).toBe('https://ollama.example.com')
  })

  it('adds a JSON mention only when no message has one', () => {
    const plain = [{ role: 'user' as const, content: 'write a page' }]
    expect(withJsonMention(plain)[0]).toEqual({ role: 'system', content: 'Reply with one JSON object.' })
    const said = [{ role: 'user' as const, content: 'Reply in JSON' }]
    expect(withJsonMention(said)).toBe(said)
  })

  it('tells the official API from compatible servers', () => {
    expect(isOfficialOpenAI('https://api.openai.com/v1')).toBe(true)
    expect(isOfficialOpenAI('http://127.0.0.1:8080/v1')).toBe(false)
  })
})
