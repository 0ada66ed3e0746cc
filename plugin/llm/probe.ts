import { z } from 'zod'
import { roleLimits } from './context-budget.js'
import { createOllamaProvider, normalizeOllamaHost, OLLAMA_DEFAULT_HOST } from './ollama-provider.js'
import { createOpenAIProvider, OPENAI_DEFAULT_BASE_URL } from './openai-provider.js'
import { parseStructured } from './structured.js'
import type { ModelOptions } from './types.js'

/**
 * What `sitesmith doctor` asks of one role's model (issue #15): is the endpoint there, does it
 * have the model, how much can the model read, does it honour JSON mode, can it answer one tiny
 * structured question, and how fast. Each check returns a status and, when it fails, the fix.
 * Nothing here writes anything; keys are only ever sent as the Authorization header.
 */

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'
export interface CheckResult {
  check: 'endpoint' | 'model' | 'context' | 'json mode' | 'round trip' | 'speed'
  status: CheckStatus
  detail: string
  fix?: string
}

/** Smallest window sitesmith's own prompts work in: a page prompt plus the default answer budget. */
export const MIN_USEFUL_CONTEXT = 8192

const Probe = z.object({ ok: z.boolean(), sum: z.number() })
const PROBE_MESSAGES = [
  { role: 'system' as const, content: 'Reply with one JSON object and nothing else.' },
  { role: 'user' as const, content: 'Add 2 and 3. Reply with exactly this JSON shape: {"ok": true, "sum": <the sum>}' },
]

export async function probeRole(
  o: ModelOptions,
  env: Record<string, string | undefined>,
  timeoutMs = 20_000,
): Promise<CheckResult[]> {
  const out: CheckResult[] = []
  const ollama = o.provider === 'ollama'
  const base = ollama
    ? normalizeOllamaHost(o.baseURL ?? env.OLLAMA_HOST ?? OLLAMA_DEFAULT_HOST)
    : (o.baseURL ?? env.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '')
  const key = ollama ? undefined : env.OPENAI_API_KEY?.trim() || undefined
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {}
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as object) },
      signal: AbortSignal.timeout(timeoutMs),
    })

  // 1. endpoint and 2. model: Ollama's tag list, or the OpenAI models list.
  let names: string[]
  try {
    const res = await get(ollama ? '/api/tags' : '/models')
    if (res.status === 401 || res.status === 403) {
      out.push({
        check: 'endpoint',
        status: 'fail',
        detail: `${base}: HTTP ${res.status}`,
        fix: 'the server refused the credentials: set OPENAI_API_KEY to a valid key',
      })
      return out
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    const body = (await res.json()) as {
      models?: Array<{ name?: string; model?: string }>
      data?: Array<{ id?: string }>
    }
    names = ollama
      ? (body.models ?? []).map((m) => String(m.name ?? m.model ?? ''))
      : (body.data ?? []).map((m) => String(m.id ?? ''))
    out.push({ check: 'endpoint', status: 'ok', detail: `${base} answers` })
  } catch (err) {
    out.push({
      check: 'endpoint',
      status: 'fail',
      detail: `${base}: ${describe(err)}`,
      fix: ollama
        ? `start Ollama (\`ollama serve\`) or point OLLAMA_HOST / the role's baseURL at it`
        : `check the role's baseURL / OPENAI_BASE_URL (an OpenAI-compatible server's URL ends in /v1) and that the server runs`,
    })
    return out
  }
  const present = names.some(
    (n) => n === o.model || (ollama && (n === `${o.model}:latest` || `${n}:latest` === o.model)),
  )
  if (!present) {
    const close = names.filter((n) => n.split(':')[0] === o.model.split(':')[0]).slice(0, 3)
    out.push({
      check: 'model',
      status: 'fail',
      detail: `${o.model} is not among the ${names.length} model(s) the server lists${close.length ? ` (similar: ${close.join(', ')})` : ''}`,
      fix: ollama
        ? `\`ollama pull ${o.model}\`, or set the role's model to one \`ollama list\` shows`
        : `set the role's model to one the server lists${names.length ? ` (e.g. ${names.slice(0, 3).join(', ')})` : ''}`,
    })
    return out
  }
  out.push({ check: 'model', status: 'ok', detail: `${o.model} is available` })

  // 3. context: what the model was trained to read (Ollama's /api/show) against the role's window.
  const limits = roleLimits(o)
  if (ollama) {
    try {
      const res = await get('/api/show', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: o.model }),
      })
      const info = ((await res.json()) as { model_info?: Record<string, unknown> }).model_info ?? {}
      const length = Object.entries(info).find(
        ([k, v]) => k.endsWith('.context_length') && typeof v === 'number',
      )?.[1] as number | undefined
      if (length === undefined)
        out.push({
          check: 'context',
          status: 'warn',
          detail: 'the server did not report a context length',
          fix: `check \`ollama show ${o.model}\` and set contextWindow to it`,
        })
      else if (length < MIN_USEFUL_CONTEXT) {
        out.push({
          check: 'context',
          status: 'fail',
          detail: `${o.model} reads at most ${length} tokens; sitesmith's page prompts with their answers need about ${MIN_USEFUL_CONTEXT}`,
          fix: `use a model with a context of ${MIN_USEFUL_CONTEXT} tokens or more (e.g. qwen2.5-coder:7b reads 32768)`,
        })
      } else if (length < limits.contextWindow) {
        out.push({
          check: 'context',
          status: 'warn',
          detail: `${o.model} reads at most ${length} tokens but the role's contextWindow is ${limits.contextWindow}`,
          fix: `set contextWindow: ${length} for this role, so prompts are packed to fit instead of cut`,
        })
      } else
        out.push({
          check: 'context',
          status: 'ok',
          detail: `${o.model} reads ${length} tokens; sitesmith asks for num_ctx up to ${limits.contextWindow}`,
        })
    } catch (err) {
      out.push({
        check: 'context',
        status: 'warn',
        detail: `could not ask /api/show: ${describe(err)}`,
        fix: `check \`ollama show ${o.model}\``,
      })
    }
  } else
    out.push({
      check: 'context',
      status: 'skip',
      detail: `contextWindow ${limits.contextWindow} (OpenAI-compatible servers refuse an overlong prompt with an error)`,
    })

  // 4. JSON mode, 5. one structured round trip, 6. speed: one tiny question through the real client.
  try {
    const provider = ollama
      ? createOllamaProvider({ model: o.model, host: base })
      : createOpenAIProvider({ model: o.model, apiKey: key, baseURL: base, timeoutMs })
    const started = performance.now()
    const answer = await provider.send({
      messages: PROBE_MESSAGES,
      schema: Probe,
      maxOutputTokens: 64,
      temperature: 0,
      label: 'doctor',
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
      emit: () => {},
      contextWindow: limits.contextWindow,
    })
    const seconds = (performance.now() - started) / 1000
    const parsed = parseStructured(answer.content, Probe, PROBE_MESSAGES)
    const strict = parsed.ok && !parsed.how?.length
    out.push(
      strict
        ? { check: 'json mode', status: 'ok', detail: 'the answer was one JSON object, as asked' }
        : {
            check: 'json mode',
            status: parsed.ok ? 'warn' : 'fail',
            detail: parsed.ok
              ? `JSON mode ignored: the answer needed ${parsed.how!.join(', ')}; sitesmith recovers, at a cost`
              : `JSON mode ignored: ${parsed.problem}`,
            fix: ollama
              ? 'update Ollama (0.5 or later honours a JSON schema in format) or use an instruct/coder model'
              : 'use a server and model that support response_format json_object (vLLM, llama.cpp, LM Studio and OpenAI do)',
          },
    )
    const right = parsed.ok && parsed.value.ok === true && parsed.value.sum === 5
    out.push(
      right
        ? { check: 'round trip', status: 'ok', detail: '{"ok": true, "sum": 5} came back and passed the schema' }
        : {
            check: 'round trip',
            status: 'fail',
            detail: parsed.ok ? `valid JSON with the wrong values (${JSON.stringify(parsed.value)})` : parsed.problem,
            fix: 'this model cannot follow a one-line JSON instruction; use a stronger one for this role',
          },
    )
    const rate = answer.usage.completionTokens / Math.max(seconds, 0.001)
    out.push({
      check: 'speed',
      status: 'ok',
      detail: `${answer.usage.completionTokens} tokens in ${seconds.toFixed(2)} s (${rate >= 100 ? Math.round(rate) : rate.toFixed(1)} tokens/s)`,
    })
  } catch (err) {
    out.push({
      check: 'round trip',
      status: 'fail',
      detail: describe(err),
      fix: 'see the error; `sitesmith doctor` asks one 64-token question',
    })
  }
  return out
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } }
  const cause = e?.cause?.code ?? e?.cause?.message
  return `${String(e?.message ?? err).slice(0, 200)}${cause ? ` (${cause})` : ''}`
}
