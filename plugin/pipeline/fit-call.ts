import { measurePrompt, type Measure, type RoleLimits } from '../llm/context-budget.js'
import type { AskCall } from '../llm/ask.js'

/**
 * The call as it will be sent: unchanged when its prompt fits the role's window; else the first
 * packed variant that fits (its `note` goes to the run log). When none fits the original is
 * returned, and the model layer refuses it before sending with a ContextOverflowError that
 * names the numbers (issue #15).
 */
export function fitCall<T>(
  call: AskCall<T>,
  limits: RoleLimits,
  onPacked: (note: string, m: Measure) => void,
): AskCall<T> {
  if (!call.pack || measurePrompt(call.messages, limits).fits) return call
  for (const variant of call.pack()) {
    const m = measurePrompt(variant.messages, limits)
    if (m.fits) {
      onPacked(variant.note, m)
      return { ...call, messages: variant.messages }
    }
  }
  return call
}
