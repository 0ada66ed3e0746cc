import type { Ask, AskCall } from './ask.js'

/**
 * Ask, check the answer, and on rejection send it back once (or `repairs` times) with the
 * reason — the same turn for a whole file that fails the integrity gate, a chunk edit that
 * does not apply, and a fix that does not parse. The schema-level repair turns happen below
 * this, in the model layer; these are the turns about what the answer *means*.
 */
export type Acceptance<R> = { ok: true; value: R } | { ok: false; reason: string }

export async function askUntilAccepted<T, R>(
  ask: Ask,
  call: AskCall<T>,
  opts: {
    repairs: number
    accept: (value: T) => Acceptance<R>
    /** The user turn that follows a rejected answer. */
    retry: (reason: string) => string
  },
): Promise<{ ok: true; value: R; hit: boolean } | { ok: false; reason: string }> {
  let messages = call.messages
  let hit = true
  for (let attempt = 0; ; attempt++) {
    const answer = await ask({ ...call, messages })
    hit &&= answer.hit
    const accepted = opts.accept(answer.value)
    if (accepted.ok) return { ok: true, value: accepted.value, hit }
    if (attempt >= opts.repairs) return accepted
    messages = [...messages, { role: 'assistant', content: JSON.stringify(answer.value) }, { role: 'user', content: opts.retry(accepted.reason) }]
  }
}
