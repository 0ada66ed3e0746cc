import type { ContentReply, LoopbackRequest, Reply, Respond } from './types.js'

/**
 * Scripted answers keyed by what is asked. Rules are tried in order; the first that matches
 * answers. A rule's reply list is consumed in order and its last entry repeats, so
 * `[malformed, valid]` means "bad once, then good forever".
 */

/** Thrown by a `respond` function when nothing should answer; the server records it in `unmatched`. */
export class UnmatchedRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnmatchedRequestError'
  }
}

export type Matcher = RegExp | string | ((req: LoopbackRequest) => boolean)
export type ReplySpec = Reply | ((req: LoopbackRequest) => Reply | Promise<Reply>)

export interface ScriptRule {
  /**
   * RegExp or substring: tested against the last user message. Function: the whole request
   * (model, headers, protocol, body…).
   */
  match: Matcher
  reply: ReplySpec | ReplySpec[]
  /** Only for this protocol. */
  protocol?: 'openai' | 'ollama'
}

export interface Script extends Respond {
  /** How many requests each rule answered, by rule index. */
  readonly hits: number[]
}

export function script(rules: ScriptRule[]): Script {
  if (rules.length === 0) throw new Error('script(): give at least one rule')
  rules.forEach((r, i) => {
    if (Array.isArray(r.reply) && r.reply.length === 0) throw new Error(`script(): rule ${i} has an empty reply list`)
  })
  const hits = rules.map(() => 0)
  const respond = async (req: LoopbackRequest): Promise<Reply> => {
    const index = rules.findIndex((r) => (!r.protocol || r.protocol === req.protocol) && matches(r.match, req))
    if (index < 0) {
      throw new UnmatchedRequestError(
        `no scripted reply for ${req.protocol} request #${req.seq} (model ${req.model}); last user message: ${JSON.stringify(clip(req.lastUserMessage, 200))}`,
      )
    }
    const rule = rules[index]
    const list = Array.isArray(rule.reply) ? rule.reply : [rule.reply]
    const spec = list[Math.min(hits[index], list.length - 1)]
    hits[index]++
    return typeof spec === 'function' ? spec(req) : spec
  }
  return Object.assign(respond, { hits })
}

function matches(m: Matcher, req: LoopbackRequest): boolean {
  if (typeof m === 'function') return m(req)
  if (typeof m === 'string') return req.lastUserMessage.includes(m)
  m.lastIndex = 0 // a /g or /y regex keeps state between tests otherwise
  return m.test(req.lastUserMessage)
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s
}

/** `{ content: JSON.stringify(value) }`, the common case of a well-formed structured answer. */
export function jsonReply(value: unknown, extra: Omit<ContentReply, 'content'> = {}): ContentReply {
  return { ...extra, content: JSON.stringify(value) }
}

/** Answers every request with the same reply (or reply list, consumed in order). */
export function always(reply: ReplySpec | ReplySpec[]): Script {
  return script([{ match: () => true, reply }])
}
