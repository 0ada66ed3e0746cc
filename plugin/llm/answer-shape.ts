import type { ChatMessage } from './types.js'

/**
 * Names what a model sent instead of the requested JSON, so an error (and the repair turn)
 * says which documented small-model habit it was (issue #15, test/loopback/realistic-faults.ts
 * lists the public threads): an apology, the instructions echoed back, a repetition loop, an
 * empty object from an output cap that is too small. Returns undefined when the answer is
 * none of these; the caller then reports the plain JSON or schema problem.
 */

/** How much of the prompt must reappear verbatim to count as an echo. */
const ECHO_CHARS = 80
/** A unit repeated this many times in a row is a loop, not style. */
const LOOP_REPEATS = 6

export function describeBadAnswer(text: string, prompt: readonly ChatMessage[] = []): string | undefined {
  const t = text.trim()
  if (t === '') return undefined
  if (/^\{\s*\}$/.test(t))
    return "an empty object {} — the model stopped at once (an output cap too small, like Ollama's old num_predict default of 128?)"
  const loop = repetition(t)
  if (loop) return `a repetition loop: ${JSON.stringify(clip(loop.unit, 60))} repeated ${loop.times} times`
  if (echoes(t, prompt)) return 'the instructions echoed back instead of an answer'
  if (
    !t.includes('{') &&
    /^(i'?m sorry|i am sorry|sorry|i apologi[sz]e|unfortunately|i can(?:not|'t)|as an ai)\b/i.test(t)
  ) {
    return `an apology instead of an answer (${JSON.stringify(clip(t, 60))})`
  }
  return undefined
}

/** The shortest unit (a line, or a run of 8–200 characters) that fills the end of `t` at least LOOP_REPEATS times. */
export function repetition(t: string): { unit: string; times: number } | undefined {
  const lines = t
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  for (let i = 0, run = 1; i < lines.length; i++) {
    run = i > 0 && lines[i] === lines[i - 1] && lines[i].length >= 4 ? run + 1 : 1
    if (run >= LOOP_REPEATS) {
      let times = run
      for (; i + 1 < lines.length && lines[i + 1] === lines[i]; i++) times++
      return { unit: lines[i], times }
    }
  }
  // Loops inside one line (a JSON string that never ends): the tail is one unit repeated.
  const tail = t.slice(-4000)
  for (let size = 8; size <= 200; size++) {
    const unit = tail.slice(-size)
    if (unit.trim().length < 4) continue
    let times = 1
    while (times * size + size <= tail.length && tail.slice(-(times + 1) * size, -times * size) === unit) times++
    if (times >= LOOP_REPEATS) return { unit: unit.trim(), times }
  }
  return undefined
}

/**
 * Whether the answer repeats a long verbatim stretch of the system prompt. Checked even for
 * answers that pass the schema: an echoed format line (`{"content": "<the complete file>"…}`)
 * is valid JSON. Only system messages count, since a legitimate fix may repeat the chunk shown.
 */
export function echoesInstructions(text: string, prompt: readonly ChatMessage[]): boolean {
  return echoes(
    text,
    prompt.filter((m) => m.role === 'system'),
  )
}

function echoes(t: string, prompt: readonly ChatMessage[]): boolean {
  const answer = squash(t)
  for (const m of prompt) {
    if (m.role === 'assistant') continue
    const p = squash(m.content)
    if (p.length < ECHO_CHARS) continue
    // Windows of the prompt, every ECHO_CHARS/2 characters: one long verbatim stretch is an echo.
    for (let i = 0; i + ECHO_CHARS <= p.length; i += ECHO_CHARS / 2) {
      if (answer.includes(p.slice(i, i + ECHO_CHARS))) return true
    }
  }
  return false
}

function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s
}
