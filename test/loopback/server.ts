import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

import { applyOllamaContext, OLLAMA_BEHAVIOUR_DEFAULTS, showResponse } from './ollama-context.js'
import {
  REAL_MODEL_LIMITS,
  askedOutput,
  cutToTokens,
  openaiPromptTokens,
  openaiRefusal,
  type LimitRecord,
} from './model-limits.js'
import { UnmatchedRequestError } from './script.js'
import type {
  Fault,
  LoggedMessage,
  LoopbackBody,
  LoopbackOptions,
  LoopbackRequest,
  LoopbackServer,
  Protocol,
  Reply,
  Respond,
  UnmatchedRecord,
} from './types.js'
import {
  type Answer,
  errorBody,
  estimateUsage,
  ollamaCompletion,
  ollamaStreamLines,
  openaiCompletion,
  openaiStreamEvents,
  splitPieces,
} from './wire.js'

export * from './types.js'
export {
  script,
  always,
  jsonReply,
  UnmatchedRequestError,
  type ScriptRule,
  type Script,
  type Matcher,
  type ReplySpec,
} from './script.js'
export { loopbackModel, loopbackEnv, LOOPBACK_API_KEY } from './clients.js'
export { REAL_MODEL_LIMITS, type ModelLimit, type LimitRecord } from './model-limits.js'

/**
 * A model server on 127.0.0.1 that the real `openai` and `ollama` clients talk to in tests
 * and benchmarks: OpenAI `POST /v1/chat/completions` (JSON and SSE), `GET /v1/models`;
 * Ollama `POST /api/chat` (JSON and NDJSON), `GET /api/tags`, `GET /api/version`.
 * Every chat request is logged; `respond` decides the answer or the fault.
 *
 * Nothing outlives `close()`: open sockets (hung requests included) are destroyed and
 * pending latency timers are cancelled, so a test can never leak a listening server.
 *
 * ```ts
 * const server = await startLoopbackServer({
 *   respond: script([
 *     { match: /plan/i, reply: jsonReply({ tasks: [] }) },
 *     { match: 'index.html', reply: [{ content: 'not json' }, jsonReply({ content: '<h1>x</h1>', summary: 's' })] },
 *   ]),
 * })
 * afterAll(() => server.close())
 * // … run the pipeline with loopbackModel(server, 'openai') / loopbackModel(server, 'ollama') …
 * expect(server.unmatched).toEqual([])
 * ```
 */

const DEFAULT_MODELS = ['gpt-4o-mini', 'qwen2.5-coder:7b']
const DEFAULT_MAX_BODY = 16 * 1024 * 1024

export async function startLoopbackServer(options: LoopbackOptions): Promise<LoopbackServer> {
  let respond: Respond = options.respond
  const globalLatency = Math.max(0, options.latencyMs ?? 0)
  const models = options.models ?? DEFAULT_MODELS
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const limitTable = options.limits === true ? REAL_MODEL_LIMITS : options.limits || undefined

  const requests: LoopbackRequest[] = []
  const unmatched: UnmatchedRecord[] = []
  const errors: string[] = []
  const hits: string[] = []
  const sockets = new Set<Socket>()
  // Aborted by close(): wakes every pending latency sleep so no timer outlives the server.
  const closing = new AbortController()
  let seq = 0
  let closed: Promise<void> | undefined

  const server = createServer((req, res) => {
    res.on('error', () => {}) // the client may vanish mid-write (resets, aborts); that is the point of some tests
    req.on('error', () => {})
    handle(req, res).catch((err: unknown) => {
      errors.push(`internal: ${String((err as Error)?.stack ?? err)}`)
      if (!res.headersSent && !res.destroyed) void sendJson(res, 500, { error: 'loopback internal error' })
      else res.destroy()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('clientError', (_err, s) => s.destroy())

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    const method = req.method ?? 'GET'
    hits.push(`${method} ${path}`)

    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'loopback' })),
      })
    }
    if (method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: new Date(0).toISOString(),
          size: 0,
          digest: '0'.repeat(64),
          details: {
            parent_model: '',
            format: 'gguf',
            family: 'loopback',
            families: ['loopback'],
            parameter_size: '0B',
            quantization_level: 'none',
          },
        })),
      })
    }
    if (method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: '0.0.0-loopback' })
    if (method === 'POST' && path === '/api/show') return showModel(res, await readBody(req, maxBody))
    if ((method === 'GET' || method === 'HEAD') && path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      return void res.end('Ollama is running')
    }

    const protocol: Protocol | undefined =
      method === 'POST' && path === '/v1/chat/completions'
        ? 'openai'
        : method === 'POST' && path === '/api/chat'
          ? 'ollama'
          : undefined
    if (!protocol) {
      errors.push(`unknown endpoint ${method} ${path}`)
      return sendJson(res, 404, { error: `loopback: no endpoint ${method} ${path}` })
    }

    const raw = await readBody(req, maxBody)
    if (raw === undefined) {
      errors.push(`${method} ${path}: body over ${maxBody} bytes`)
      return sendJson(res, 413, errorBody(protocol, 413, `request body over ${maxBody} bytes`))
    }
    let body: LoopbackBody
    try {
      body = JSON.parse(raw) as LoopbackBody
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not a JSON object')
    } catch (err) {
      errors.push(`${method} ${path}: unparsable body: ${(err as Error).message}`)
      return sendJson(
        res,
        400,
        errorBody(protocol, 400, `request body is not a JSON object: ${(err as Error).message}`),
      )
    }

    let messages = toMessages(body.messages)
    // With limits on, the Ollama endpoint always behaves like Ollama about its window.
    const ollamaBehaviour = options.ollama ?? (limitTable ? {} : undefined)
    const ollamaSide = ollamaBehaviour && (protocol === 'ollama' || options.ollama?.openaiCompat)
    const numCtx = body.options?.num_ctx
    const context = ollamaSide
      ? applyOllamaContext(messages, numCtx, ollamaBehaviour, protocol === 'openai')
      : undefined
    const modelName = typeof body.model === 'string' ? body.model : ''
    const limits = limitTable ? measureLimits(protocol, modelName, messages, body, context) : undefined
    if (context) messages = context.messages
    const logged: LoopbackRequest = {
      seq: ++seq,
      protocol,
      path,
      model: typeof body.model === 'string' ? body.model : '',
      messages,
      lastUserMessage: [...messages].reverse().find((m) => m.role === 'user')?.content ?? '',
      stream: protocol === 'openai' ? body.stream === true : body.stream !== false, // Ollama streams unless told not to
      body,
      headers: flatHeaders(req),
      receivedAt: Date.now(),
      ...(context
        ? {
            context: {
              numCtx: context.numCtx,
              promptTokens: context.promptTokens,
              evaluated: context.evaluated,
              truncated: context.truncated,
            },
          }
        : {}),
      ...(limits ? { limits: limits.record } : {}),
    }
    requests.push(logged)
    if (limits?.refusal) {
      // The real server refuses before the model sees anything.
      await sendJson(res, 400, limits.refusal)
      logged.respondedAt = Date.now()
      return
    }

    let reply: Reply
    try {
      reply = await respond(logged)
    } catch (err) {
      const message = (err as Error)?.message ?? String(err)
      if (err instanceof UnmatchedRequestError) unmatched.push({ seq: logged.seq, reason: message, request: logged })
      else errors.push(`respond() threw for request #${logged.seq}: ${message}`)
      await sendJson(res, 500, errorBody(protocol, 500, `loopback: ${message}`))
      logged.respondedAt = Date.now()
      return
    }

    if ('fault' in reply && reply.fault === 'hang') {
      if (reply.afterHeaders)
        await startStall(res, logged, toAnswer(logged, { content: reply.content ?? '{"content":"partial"}' }))
      return // close() destroys the socket
    }
    const delay = globalLatency + Math.max(0, reply.latencyMs ?? 0)
    if (delay > 0 && !(await sleep(delay))) return
    if (res.destroyed) return // the client gave up (timeout, abort) while we waited

    if ('fault' in reply) await sendFault(res, logged, reply)
    else {
      const within = logged.limits ? withinOutput(logged, reply, logged.limits) : reply
      await sendAnswer(res, logged, toAnswer(logged, within))
    }
    logged.respondedAt = Date.now()
  }

  /**
   * The prompt measured against the model's limits (model-limits.ts): OpenAI counts with the
   * model's encoding and refuses what does not fit; Ollama's window is the num_ctx it used.
   */
  function measureLimits(
    protocol: Protocol,
    model: string,
    messages: LoggedMessage[],
    body: LoopbackBody,
    context: ReturnType<typeof applyOllamaContext> | undefined,
  ): { record: LimitRecord; refusal?: object } {
    const limit = limitTable![model] ?? {}
    const asked = askedOutput(body, protocol)
    if (context) {
      const room = context.numCtx - context.evaluated
      const maxOutputTokens = Math.max(0, Math.min(asked ?? Infinity, limit.maxOutputTokens ?? Infinity, room))
      const method = `${options.ollama?.bytesPerToken ?? OLLAMA_BEHAVIOUR_DEFAULTS.bytesPerToken} bytes a token`
      const outcome = context.truncated ? 'truncated' : 'ok'
      return {
        record: { contextWindow: context.numCtx, maxOutputTokens, promptTokens: context.promptTokens, method, outcome },
      }
    }
    const { tokens, method } = openaiPromptTokens(messages, model)
    const window = limit.contextWindow ?? Infinity
    const maxOutputTokens = Math.max(0, Math.min(asked ?? Infinity, limit.maxOutputTokens ?? Infinity, window - tokens))
    const refusal = openaiRefusal(tokens, asked, model, limit)
    const record: LimitRecord = {
      contextWindow: window,
      maxOutputTokens,
      promptTokens: tokens,
      method,
      outcome: refusal ? 'refused' : 'ok',
    }
    return { record, ...(refusal ? { refusal } : {}) }
  }

  /** A scripted answer as the model could really give it: cut at the output limit with finish reason `length`. */
  function withinOutput<R extends { content: string; finishReason?: Answer['finishReason']; usage?: Answer['usage'] }>(
    req: LoopbackRequest,
    reply: R,
    rec: LimitRecord,
  ): R {
    const cut = cutToTokens(reply.content, rec.maxOutputTokens, req.model, req.protocol, options.ollama?.bytesPerToken)
    rec.answerTokens = cut.tokens
    if (cut.cut && rec.outcome === 'ok') rec.outcome = 'cut'
    const promptTokens = req.context ? req.context.evaluated : rec.promptTokens
    const usage = reply.usage ?? { promptTokens, completionTokens: cut.tokens }
    return { ...reply, content: cut.content, ...(cut.cut ? { finishReason: 'length' as const } : {}), usage }
  }

  function toAnswer(
    req: LoopbackRequest,
    reply: { content: string; usage?: Answer['usage']; finishReason?: Answer['finishReason']; model?: string },
  ): Answer {
    return {
      protocol: req.protocol,
      model: reply.model ?? (req.model || 'loopback'),
      content: reply.content,
      finishReason: reply.finishReason ?? 'stop',
      usage:
        reply.usage ??
        (req.context
          ? { promptTokens: req.context.evaluated, completionTokens: Math.ceil(reply.content.length / 4) }
          : estimateUsage(req.messages, reply.content)),
      id: `chatcmpl-loopback-${req.seq}`,
      created: Math.floor(req.receivedAt / 1000),
      ...(req.protocol === 'openai' && options.ollama?.openaiCompat ? { systemFingerprint: 'fp_ollama' } : {}),
    }
  }

  async function sendAnswer(res: ServerResponse, req: LoopbackRequest, a: Answer): Promise<void> {
    if (!req.stream) {
      return sendJson(res, 200, a.protocol === 'openai' ? openaiCompletion(a) : ollamaCompletion(a))
    }
    const parts = streamParts(req, a, splitPieces(a.content), true)
    startStream(res, req.protocol)
    for (const p of parts) await write(res, p)
    await endResponse(res)
  }

  async function sendFault(
    res: ServerResponse,
    req: LoopbackRequest,
    f: Exclude<Fault, { fault: 'hang' }>,
  ): Promise<void> {
    if (f.fault === 'status') {
      const headers: Record<string, string> = {}
      if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter)
      if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs)
      if (typeof f.body === 'string') {
        res.writeHead(f.status, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        return endResponse(res, f.body)
      }
      return sendJson(
        res,
        f.status,
        f.body ?? errorBody(req.protocol, f.status, `loopback injected HTTP ${f.status}`),
        headers,
      )
    }

    if (f.fault === 'reset') {
      if (req.stream) {
        // "After headers": the client has a 200 and a first chunk, then the connection dies.
        const a = toAnswer(req, { content: 'partial' })
        startStream(res, req.protocol)
        await write(res, streamParts(req, a, ['partial'], false)[0])
        await sleep(15) // let the bytes leave before the RST, which would discard unsent data
      }
      res.socket?.resetAndDestroy()
      return
    }

    // truncate
    const a = toAnswer(req, { content: f.content })
    if (!req.stream) {
      const full = JSON.stringify(a.protocol === 'openai' ? openaiCompletion(a) : ollamaCompletion(a))
      const bytes = Buffer.from(full)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) })
      await write(res, bytes.subarray(0, Math.floor(bytes.length / 2)))
      await sleep(15)
      res.socket?.destroy()
      return
    }
    const pieces = splitPieces(f.content)
    startStream(res, req.protocol)
    for (const p of streamParts(req, a, pieces.slice(0, Math.ceil(pieces.length / 2)), false)) await write(res, p)
    await endResponse(res)
  }

  /** Headers and part of the body, then nothing: the response never completes. */
  async function startStall(res: ServerResponse, req: LoopbackRequest, a: Answer): Promise<void> {
    if (!req.stream) {
      const bytes = Buffer.from(JSON.stringify(a.protocol === 'openai' ? openaiCompletion(a) : ollamaCompletion(a)))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) })
      await write(res, bytes.subarray(0, Math.floor(bytes.length / 2)))
      return
    }
    startStream(res, req.protocol)
    await write(res, streamParts(req, a, splitPieces(a.content).slice(0, 1), false)[0] ?? '')
  }

  function streamParts(req: LoopbackRequest, a: Answer, pieces: string[], complete: boolean): string[] {
    return req.protocol === 'openai'
      ? openaiStreamEvents(a, pieces, { includeUsage: req.body.stream_options?.include_usage === true, complete })
      : ollamaStreamLines(a, pieces, { complete })
  }

  /** Resolves true after `ms`, or false at once if the server is closing. */
  function sleep(ms: number): Promise<boolean> {
    if (closing.signal.aborted) return Promise.resolve(false)
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer)
        resolve(false)
      }
      const timer = setTimeout(() => {
        closing.signal.removeEventListener('abort', onAbort)
        resolve(true)
      }, ms)
      closing.signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Ollama's `POST /api/show` (see ollama-context.ts). */
  function showModel(res: ServerResponse, raw: string | undefined): Promise<void> {
    const shown = showResponse(raw, models, options.ollama)
    return sendJson(res, shown.status, shown.body)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    port,
    requests,
    unmatched,
    errors,
    hits,
    reset(next?: Respond) {
      requests.length = 0
      unmatched.length = 0
      errors.length = 0
      hits.length = 0
      seq = 0
      if (next) respond = next
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort()
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closed
    },
  }
}

function toMessages(raw: unknown): LoggedMessage[] {
  if (!Array.isArray(raw)) return []
  type Part = { text?: unknown; type?: unknown } | null | undefined
  return (raw as ({ role?: unknown; content?: unknown; images?: unknown } | null | undefined)[]).map((m) => {
    const role = typeof m?.role === 'string' ? m.role : ''
    const c = m?.content
    const parts = Array.isArray(c) ? (c as Part[]) : []
    const content =
      typeof c === 'string' ? c : parts.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('')
    // OpenAI image parts and Ollama's `images` array, counted so tests can see what was sent.
    const images =
      parts.filter((part) => part?.type === 'image_url').length + (Array.isArray(m?.images) ? m.images.length : 0)
    return images > 0 ? { role, content, images } : { role, content }
  })
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** The raw body, or undefined when it exceeds `limit` (the rest is drained, not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) over = true
      else chunks.push(c)
    })
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    req.on('close', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')))
  })
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  if (res.destroyed) return Promise.resolve()
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  })
  return endResponse(res, text)
}

function startStream(res: ServerResponse, protocol: Protocol): void {
  res.writeHead(200, {
    'content-type': protocol === 'openai' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson',
    'cache-control': 'no-cache',
  })
  res.flushHeaders()
}

function write(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve()
  return new Promise((resolve) => {
    // The callback may never run if the client resets the connection; 'close' covers that.
    const done = () => {
      res.off('close', done)
      resolve()
    }
    res.once('close', done)
    res.write(chunk, done)
  })
}

function endResponse(res: ServerResponse, chunk?: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done)
      resolve()
    }
    res.once('close', done)
    res.end(chunk, done)
  })
}
