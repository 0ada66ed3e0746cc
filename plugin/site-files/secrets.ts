import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseDotEnv } from 'dotenv'

/**
 * Which values are secrets, and whether a text carries one — also encoded (issue #10).
 * A bottom-layer contract used by the model guard (requests, answers, cache hits), the site
 * writer (every write, blob restores included) and the run log. Pure apart from reading the
 * `.env*` files; never returns or prints a value, only the variable's name.
 *
 * Rules:
 * - `.env*` files are parsed with `dotenv` (the parser Vite itself uses), so quotes,
 *   `export`, inline `# comments` and multi-line values mean what they mean to Vite.
 * - EVERY `.env*` value of 8 characters or more is a secret, whatever its name
 *   (`GITHUB_PAT`, `DB_PASS`, `DATABASE_URL` are not "KEY"/"TOKEN" names), except a few
 *   words that are never credentials (`production`, `development`, `localhost`…). The
 *   password inside a URL value (`postgres://user:pass@host`) is a secret of its own.
 * - In the environment, only secret-named variables count (the environment is full of
 *   paths and settings), and only values that look like credentials.
 * - A text carries a secret when the value appears raw, or after undoing the usual
 *   encodings of an echo: HTML character references, JSON/JS string escapes, URL encoding,
 *   base64, and whitespace, line splits or `"…" + "…"` concatenations inside the value.
 */
export interface KnownSecret {
  /** The variable, e.g. `OPENAI_API_KEY`. */
  name: string
  value: string
  /** `environment` or the env file it came from (`.env`, `.env.local`). */
  from: string
}

/** Environment variable names whose values are secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|_PASS$|_PAT$|AUTH|CREDENTIAL|PRIVATE|DSN|DATABASE_URL/i

/** A `.env*` value of this many characters or more is a secret whatever its name. */
export const MIN_DOTENV_SECRET_LENGTH = 8

/** Values that are settings, never credentials (compared lower-cased). */
const NOT_SECRETS = new Set(['production', 'development', 'staging', 'localhost', '127.0.0.1', 'disabled', 'enabled'])

/** The secrets of one checkout: secret-named environment variables and every `.env*` value in `dirs`. */
export function knownSecrets(env: NodeJS.ProcessEnv, dirs: readonly string[]): KnownSecret[] {
  const out: KnownSecret[] = []
  for (const [name, value] of Object.entries(env))
    if (value && SECRET_NAME.test(name) && looksLikeCredential(value)) out.push({ name, value, from: 'environment' })
  for (const dir of new Set(dirs)) {
    let files: string[] = []
    try {
      files = readdirSync(dir)
        .filter((n) => n === '.env' || n.startsWith('.env.'))
        .sort()
    } catch {
      // no readable folder: no env files
    }
    for (const file of files) {
      let text: string
      try {
        text = readFileSync(join(dir, file), 'utf8')
      } catch {
        continue // a directory named .env.d, an unreadable file: nothing to learn from it
      }
      for (const e of dotEnvSecrets(text)) out.push({ ...e, from: file })
    }
  }
  // Longest first, so a secret that contains another is named as itself.
  const seen = new Set<string>()
  return out
    .sort((a, b) => b.value.length - a.value.length)
    .filter((s) => !seen.has(`${s.name}\0${s.value}`) && seen.add(`${s.name}\0${s.value}`))
}

/** Secrets in one `.env` file's text, by dotenv's rules (see the module comment). */
export function dotEnvSecrets(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = []
  for (const [name, raw] of Object.entries(parseDotEnv(text))) {
    const value = raw.trim()
    if (isDotEnvSecret(value)) out.push({ name, value })
    const password = urlPassword(value)
    if (password && isDotEnvSecret(password)) out.push({ name: `${name} (password)`, value: password })
  }
  return out
}

function isDotEnvSecret(value: string): boolean {
  return (
    value.length >= MIN_DOTENV_SECRET_LENGTH && !NOT_SECRETS.has(value.toLowerCase()) && !/^\d+(\.\d+)?$/.test(value)
  )
}

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value)) return undefined
  try {
    return decodeURIComponent(new URL(value).password) || undefined
  } catch {
    return undefined
  }
}

/**
 * For environment variables: long enough, one token, with a digit, not a path — so
 * `KEYBOARD_MODE=enabled` or `PASSWORD_STORE_DIR=/home/me/.pass` does not block every prompt.
 */
export function looksLikeCredential(value: string): boolean {
  const v = value.trim()
  return v.length >= 8 && !/\s/.test(v) && /\d/.test(v) && !/^[/.~]/.test(v)
}

/** The first secret found in any string inside `value` (object keys included), raw or encoded. */
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
  return findSecretInText(strings.join('\n'), secrets)
}

/** The first secret `text` carries, raw or under one of the usual encodings of an echo. */
export function findSecretInText(text: string, secrets: readonly KnownSecret[]): KnownSecret | undefined {
  if (secrets.length === 0 || text === '') return undefined
  const raw = secrets.find((s) => text.includes(s.value))
  if (raw) return raw
  const decoded = squash(decodeEchoes(text))
  return secrets.find((s) => {
    const needle = squash(s.value)
    return (needle.length >= 6 && decoded.includes(needle)) || base64Forms(s.value).some((b) => text.includes(b))
  })
}

/** Undo HTML character references, JS/JSON escapes and URL encoding (twice, for nesting). */
function decodeEchoes(text: string): string {
  let out = text
  for (let i = 0; i < 2; i++) {
    out = out
      .replace(/&#x([0-9a-f]{1,6});?/gi, (_, h: string) => safeChar(parseInt(h, 16)))
      .replace(/&#(\d{1,7});?/g, (_, d: string) => safeChar(parseInt(d, 10)))
      .replace(
        /&(amp|lt|gt|quot|apos|colon|sol|period|lowbar|hyphen|equals|commat|plus|num|percnt|nbsp);/gi,
        (_, n: string) => NAMED[n.toLowerCase()],
      )
      .replace(/\\u\{([0-9a-f]{1,6})\}/gi, (_, h: string) => safeChar(parseInt(h, 16)))
      .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => safeChar(parseInt(h, 16)))
      .replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => safeChar(parseInt(h, 16)))
      .replace(/\\([\\/'"`])/g, '$1')
      .replace(/%([0-9a-f]{2})/gi, (_, h: string) => safeChar(parseInt(h, 16)))
  }
  return out
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  colon: ':',
  sol: '/',
  period: '.',
  lowbar: '_',
  hyphen: '-',
  equals: '=',
  commat: '@',
  plus: '+',
  num: '#',
  percnt: '%',
  nbsp: ' ',
}

function safeChar(code: number): string {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ''
}

/** Without whitespace, zero-width characters, escaped line breaks and string concatenations. */
function squash(text: string): string {
  return text
    .replace(/\\[nrt]/g, '')
    .replace(/["'`]\s*\+\s*["'`]/g, '')
    .replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '')
}

/** The value in base64 at each of the three alignments (the stable middle part of each). */
function base64Forms(value: string): string[] {
  if (value.length < 12) return []
  const forms: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const b = Buffer.from('x'.repeat(shift) + value).toString('base64')
    // Drop the characters touched by the prefix and by the unknown next byte.
    const start = shift === 0 ? 0 : Math.ceil((shift * 4) / 3) + 1
    const stable = b.slice(start, Math.floor(((shift + value.length) * 4) / 3) - 1)
    if (stable.length >= 12) forms.push(stable)
  }
  return forms
}
