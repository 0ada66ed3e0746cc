import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { SecretInModelTrafficError } from '../llm/errors.js'
import type { ChatClient, ChatMessage } from '../llm/types.js'
import { MIN_SECRET_LENGTH, SECRET_NAME, secretEntriesFromDotEnv } from '../store/run-log.js'

/**
 * Keeps known secrets out of model traffic (shared/DESIGN.md: "Secrets are never put in a
 * prompt or a log"). The run log scrubs what it writes, but a model answer is also cached,
 * written into the site (a public website) and shown in the next prompts; and a prompt is
 * built from the spec and the site's files, which a person may have pasted a key into.
 * So both directions are checked against the exact values the run knows:
 * - a request that would contain a secret is not sent;
 * - an answer that contains one (a server or model echoing the key back) is discarded
 *   before the cache, the writer or the review ever see it.
 * Both fail the call with `SecretInModelTrafficError`, naming the variable, never the value
 * (test/integration/faults/secrets.test.ts).
 */
export interface KnownSecret {
  /** The variable, e.g. `OPENAI_API_KEY`. */
  name: string
  value: string
  /** `environment` or the env file it came from (`.env`, `.env.local`). */
  from: string
}

/**
 * Values of secret-named environment variables and of secret-named entries in the project's
 * env files (`.env`, `.env.local`, `.env.production`… in `root`, the files Vite reads).
 * Only values that look like credentials count (see `looksLikeCredential`).
 */
export function knownSecrets(env: NodeJS.ProcessEnv, root: string): KnownSecret[] {
  const out: KnownSecret[] = []
  for (const [name, value] of Object.entries(env)) if (value && SECRET_NAME.test(name)) out.push({ name, value, from: 'environment' })
  let files: string[] = []
  try {
    files = readdirSync(root).filter((n) => n === '.env' || n.startsWith('.env.')).sort()
  } catch {
    // no readable root: no env files
  }
  for (const file of files) {
    try {
      for (const e of secretEntriesFromDotEnv(readFileSync(join(root, file), 'utf8'))) out.push({ ...e, from: file })
    } catch {
      // a directory named .env.d, an unreadable file: nothing to learn from it
    }
  }
  // Longest first, so a secret that contains another is named as itself.
  return out.filter((s) => looksLikeCredential(s.value)).sort((a, b) => b.value.length - a.value.length)
}

/**
 * Unlike the run log, which only redacts, a match here stops a model call, so a value must
 * look like a credential to count: long enough, one token, with a digit, not a path. That
 * keeps `KEYBOARD_MODE=enabled` or `PASSWORD_STORE_DIR=/home/me/.pass` from blocking every
 * prompt that says "enabled"; the run log still redacts those.
 */
export function looksLikeCredential(value: string): boolean {
  const v = value.trim()
  return v.length >= Math.max(8, MIN_SECRET_LENGTH) && !/\s/.test(v) && /\d/.test(v) && !/^[/.~]/.test(v)
}

/** The first known secret whose value occurs in any string inside `value` (keys included). */
export function findSecret(value: unknown, secrets: readonly KnownSecret[]): KnownSecret | undefined {
  if (secrets.length === 0) return undefined
  const strings: string[] = []
  const walk = (v: unknown, depth: number) => {
    if (typeof v === 'string') strings.push(v)
    else if (v && typeof v === 'object' && depth < 32) {
      for (const [k, x] of Object.entries(v)) {
        strings.push(k)
        walk(x, depth + 1)
      }
    }
  }
  walk(value, 0)
  return secrets.find((s) => strings.some((t) => t.includes(s.value)))
}

/** `client` with both directions checked (see the module comment). */
export function guardSecrets(client: ChatClient, secrets: readonly KnownSecret[]): ChatClient {
  if (secrets.length === 0) return client
  return {
    id: client.id,
    async chat(request) {
      const ctx = { label: request.label, model: client.id }
      const out = findSecret(request.messages.map((m: ChatMessage) => m.content), secrets)
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
