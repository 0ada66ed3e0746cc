import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { dotEnvSecrets, findSecretInText, knownSecrets, type KnownSecret } from '../../../plugin/site-files/secrets.js'

/**
 * Issue #10, cases 3 and 5: secrets by dotenv's rules (the parser Vite uses), and echoes
 * of a secret under the encodings a model or server produces. Fixture values have the
 * shapes of real credentials (GitHub PAT, Stripe live key, a database URL) and are fake.
 */
const PAT = 'ghp_Zx81fake0000000000000000000000000000'
const STRIPE = 'sk_live_51HfakeFakeFake000000000000'
const DB_PASSWORD = 'hunter2-harbour-77'
const DOTENV = [
  `STRIPE_SECRET_KEY=${STRIPE} # live key, rotate monthly`,
  `GITHUB_PAT=${PAT}`,
  `export DB_PASS='correct horse battery'`,
  `DATABASE_URL="postgres://shop:${DB_PASSWORD}@db.internal:5432/shop"`,
  'NODE_ENV=production',
  'PORT=3000',
  'SHORT=abc1234',
].join('\n')

describe('secrets by dotenv rules', () => {
  it('every .env value of 8+ characters is a secret whatever its name; comments are not part of a value; a URL password counts on its own', () => {
    const found = dotEnvSecrets(DOTENV)
    expect(Object.fromEntries(found.map((s) => [s.name, s.value]))).toEqual({
      STRIPE_SECRET_KEY: STRIPE,
      GITHUB_PAT: PAT,
      DB_PASS: 'correct horse battery',
      DATABASE_URL: `postgres://shop:${DB_PASSWORD}@db.internal:5432/shop`,
      'DATABASE_URL (password)': DB_PASSWORD,
    })
  })

  it('reads every .env* file of the given folders and names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitesmith-secrets-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, '.env'), DOTENV)
    writeFileSync(join(dir, '.env.production.local'), 'SENTRY_DSN=https://abc123@o1.ingest.example/42\n')
    const secrets = knownSecrets({ PATH: '/usr/bin', OPENAI_API_KEY: 'sk-proj-env0000111' }, [dir, dir])
    expect(secrets.filter((s) => s.name === 'SENTRY_DSN').map((s) => s.from)).toEqual(['.env.production.local'])
    expect(secrets.filter((s) => s.name === 'GITHUB_PAT')).toHaveLength(1)
    expect(secrets.map((s) => s.name)).toContain('OPENAI_API_KEY')
    expect(secrets.map((s) => s.name)).not.toContain('PATH')
  })
})

describe('encoded echoes of a secret are caught', () => {
  const secrets: KnownSecret[] = [{ name: 'GITHUB_PAT', value: PAT, from: '.env' }]
  const entities = [...PAT].map((c) => `&#${c.charCodeAt(0)};`).join('')
  const hexEntities = [...PAT].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('')
  const jsonEscaped = JSON.stringify(PAT)
    .slice(1, -1)
    .replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
  const jsHex = [...PAT].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')
  it.each([
    ['raw', `<p>${PAT}</p>`],
    ['HTML decimal entities', `<p>${entities}</p>`],
    ['HTML hex entities', `<p title="${hexEntities}"></p>`],
    ['JSON \\u escapes', `{"token":"${jsonEscaped}"}`],
    ['JS \\x escapes', `const t = "${jsHex}"`],
    ['URL encoding', `<a href="/?t=${[...PAT].map((c) => '%' + c.charCodeAt(0).toString(16)).join('')}">x</a>`],
    ['split across lines', `<p>${PAT.slice(0, 12)}\n   ${PAT.slice(12, 25)}\n${PAT.slice(25)}</p>`],
    ['JS string concatenation', `const t = '${PAT.slice(0, 10)}' + '${PAT.slice(10, 20)}' +\n  "${PAT.slice(20)}"`],
    ['escaped line breaks in JSON', `{"content":"${PAT.slice(0, 15)}\\n${PAT.slice(15)}"}`],
    ['base64', `<img src="data:text/plain;base64,${Buffer.from(`token=${PAT};`).toString('base64')}">`],
  ])('%s', (_name, text) => {
    expect(findSecretInText(text, secrets)?.name).toBe('GITHUB_PAT')
  })

  it('ordinary pages that merely mention the variable or share a short prefix are not flagged', () => {
    expect(findSecretInText('<p>Set GITHUB_PAT in your CI. Tokens look like ghp_…</p>', secrets)).toBeUndefined()
    expect(findSecretInText('body { color: #b5532a } /* sk_live_ is the Stripe prefix */', secrets)).toBeUndefined()
  })
})
