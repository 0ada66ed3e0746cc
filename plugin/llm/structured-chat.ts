import type { ZodType } from 'zod'

import { ModelFormatError, TruncatedAnswerError, type ModelErrorContext } from './errors.js'
import type { RawAnswer } from './provider.js'
import { repetition } from './answer-shape.js'
import { completeThenWhitespace } from './json-candidates.js'
import { parseStructured, repairMessages } from './structured.js'
import type { ChatMessage } from './types.js'

/**
 * The conversation around one structured request: ask; if the answer hit the output limit,
 * ask once more with twice the budget (a cut-off answer is never used as content); if it is
 * not valid JSON of the schema, append the bad answer and a message quoting the problem, up
 * to `repairTurns` times. Transport retries happen inside `send`.
 */

export type Send = (messages: ChatMessage[], maxOutputTokens: number, turn: number) => Promise<RawAnswer>

export interface StructuredOptions {
  repairTurns: number
  maxOutputTokens: number
  ctx: ModelErrorContext
  onRepair?: (turn: number, problem: string) => void
  onTruncated?: (maxOutputTokens: number, next: number) => void
}

export async function chatStructured<T>(
  send: Send,
  messages: ChatMessage[],
  schema: ZodType<T>,
  opts: StructuredOptions,
): Promise<T> {
  const conversation = [...messages]
  let budget = opts.maxOutputTokens
  let grown = false
  for (let turn = 0; ; turn++) {
    let answer = await send(conversation, budget, turn)
    // A finished object padded with whitespace up to the limit was not cut (ollama/ollama#2577);
    // a repetition loop would only loop longer with a bigger budget (QwenLM/qwen-code#1403).
    let looped: string | undefined
    while (answer.finishReason === 'length' && !completeThenWhitespace(answer.content)) {
      looped = lengthLoop(answer.content)
      if (looped) break
      if (grown) throw new TruncatedAnswerError(budget, opts.ctx)
      grown = true
      const next = budget * 2
      opts.onTruncated?.(budget, next)
      budget = next
      answer = await send(conversation, budget, turn)
    }

    const result =
      answer.finishReason === 'content_filter'
        ? { ok: false as const, problem: 'the answer was stopped by the content filter', frame: undefined }
        : looped
          ? { ok: false as const, problem: `${looped} until the output limit (${budget} tokens)`, frame: undefined }
          : parseStructured(answer.content, schema, messages)
    if (result.ok) return result.value

    if (turn >= opts.repairTurns) {
      const tries = turn + 1
      throw new ModelFormatError(
        `no valid answer after ${tries} ${tries === 1 ? 'try' : 'tries'} (${opts.repairTurns} repair turn${opts.repairTurns === 1 ? '' : 's'}); last problem: ${result.problem}`,
        result.problem,
        opts.ctx,
        result.frame,
      )
    }
    opts.onRepair?.(turn + 1, result.problem)
    // A loop is not quoted whole: thousands of repeated tokens would only crowd the context.
    conversation.push(...repairMessages(looped ? `${answer.content.slice(0, 1000)}…` : answer.content, result.problem))
  }
}

/** `a repetition loop: …` for an answer cut at the limit while repeating itself, else undefined. */
function lengthLoop(content: string): string | undefined {
  const loop = repetition(content.trim())
  return loop
    ? `a repetition loop: ${JSON.stringify(loop.unit.length > 60 ? `${loop.unit.slice(0, 60)}…` : loop.unit)} repeated ${loop.times} times`
    : undefined
}
