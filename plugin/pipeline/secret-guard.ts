import { SecretInModelTrafficError } from '../llm/errors.js'
import type { ChatClient, ChatMessage } from '../llm/types.js'
import { findSecret, type KnownSecret } from '../site-files/secrets.js'

/**
 * Keeps known secrets out of model traffic (docs/ARCHITECTURE.md, "Safety": secrets never go into a
 * prompt, the cache, a log or a page). The run log scrubs what it writes, but a model answer is also cached,
 * written into the site (a public website) and shown in the next prompts; and a prompt is
 * built from the spec and the site's files, which a person may have pasted a key into.
 * So both directions are checked against the exact values the run knows:
 * - a request that would contain a secret is not sent;
 * - an answer that contains one (a server or model echoing the key back) is discarded
 *   before the cache, the writer or the review ever see it.
 * Both fail the call with `SecretInModelTrafficError`, naming the variable, never the value
 * (test/integration/faults/secrets.test.ts). What counts as a secret, and the encodings of
 * an echo that are caught, are the rules of plugin/safety/secrets.ts (issue #10). The same
 * check runs on answers served from the cache (`checkExchange`), which never reach a client.
 */
export { findSecret, knownSecrets, looksLikeCredential, type KnownSecret } from '../site-files/secrets.js'

/** `client` with both directions checked (see the module comment). */
export function guardSecrets(client: ChatClient, secrets: readonly KnownSecret[]): ChatClient {
  if (secrets.length === 0) return client
  return {
    id: client.id,
    async chat(request) {
      const ctx = { label: request.label, model: client.id }
      const out = findSecret(
        request.messages.map((m: ChatMessage) => m.content),
        secrets,
      )
      if (out) throw new SecretInModelTrafficError('request', out.name, out.from, ctx)
      const result = await client.chat(request)
      const back = findSecret(result.value, secrets)
      if (back) {
        const error = new SecretInModelTrafficError('answer', back.name, back.from, ctx)
        error.usage = result.usage
        error.calls = result.calls
        throw error
      }
      return result
    },
  }
}

/** The check of `guardSecrets` for one exchange, for the layer above the cache (cache hits included). */
export function checkExchange(
  direction: 'request' | 'answer',
  value: unknown,
  secrets: readonly KnownSecret[],
  ctx: { label?: string; model: string },
): void {
  const found = findSecret(value, secrets)
  if (found) throw new SecretInModelTrafficError(direction, found.name, found.from, ctx)
}
