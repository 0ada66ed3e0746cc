import type { Diagnostic } from '../diagnostics/diagnostic.js'
import type { Ask, AskCall } from './ask.js'

/**
 * Ask, check the answer, and on rejection send it back once (or `repairs` times) with the
 * reason — the same turn for a whole file that fails the integrity gate, a chunk edit that
 * does not apply, and a fix that does not parse. The schema-level repair turns happen below
 * this, in the model layer; these are the turns about what the answer *means*.
 */
export type Acceptance<R> = { ok: true; value: R } | Rejection

/** Why an answer was not accepted; `at`, when known, is where in the answer (for the diagnostic, #11). */
export interface Rejection {
  ok: false
  reason: string
  at?: Pick<Diagnostic, 'line' | 'column' | 'frame'>
}

export async function askUntilAccepted<T, R>(
  ask: Ask,
  call: AskCall<T>,
  opts: {
    repairs: number
    accept: (value: T) => Acceptance<R>
    /** The user turn that follows a rejected answer. */
    retry: (reason: string) => string
  },
): Promise<{ ok: true; value: R; hit: boolean; by: string } | Rejection> {
  let messages = call.messages
  let suffix: AskCall<T>['messages'] = []
  let hit = true
  for (let attempt = 0; ; attempt++) {
    const tail = suffix
    // A packed prompt (issue #15) keeps its packing in the send-back turns: the variants grow by the same turns.
    const pack = call.pack && (() => [...call.pack!()].map((v) => ({ ...v, messages: [...v.messages, ...tail] })))
    const answer = await ask({ ...call, messages, pack })
    hit &&= answer.hit
    const accepted = opts.accept(answer.value)
    // The accepted answer's author is who the file is credited to (#12).
    if (accepted.ok) return { ok: true, value: accepted.value, hit, by: answer.by }
    if (attempt >= opts.repairs) return accepted
    const turn = [
      { role: 'assistant' as const, content: echo(JSON.stringify(answer.value)) },
      { role: 'user' as const, content: opts.retry(accepted.reason) },
    ]
    messages = [...messages, ...turn]
    suffix = [...suffix, ...turn]
  }
}

/** Longest rejected answer quoted back whole; a runaway answer would crowd out the context window (issue #15). */
const MAX_ECHO_CHARS = 32_000

function echo(text: string): string {
  return text.length <= MAX_ECHO_CHARS
    ? text
    : `${text.slice(0, MAX_ECHO_CHARS)}… (${text.length - MAX_ECHO_CHARS} more characters not repeated)`
}
