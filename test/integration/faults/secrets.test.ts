import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonReply, type LoopbackRequest, type Reply } from '../../loopback/server.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf, type Stage } from '../../helpers/scripted-site.js'
import type { RunResult } from '../../../plugin/pipeline/run-pipeline.js'
import type { Logger } from '../../../plugin/report/logger.js'
import { FAULT_SPEC } from './corpus.js'
import { DOTENV_SECRETS, ENV_KEY, findLeaks, seedUserFiles } from './site-state.js'

/**
 * Secrets (issue 7): a key in the environment and a project `.env` with SECRET_TOKEN and
 * OPENAI_API_KEY never appear in a request body the model server receives (the key only in
 * the Authorization header), in `.sitesmith/` (run log, artifacts, journal), in the cache,
 * in any generated file, in error messages or in what the run prints — also when a model
 * answer or a server error echoes a key back, when the plan or the spec carries one, and
 * when the spec names the variables (names are not secrets).
 */

const SPEC = FAULT_SPEC.replace(
  'Harbour Street 4; call 555 0100.',
  'Harbour Street 4; call 555 0100. The order form is sent by our server, which reads SECRET_TOKEN and OPENAI_API_KEY from its environment.',
)

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

type Override = (stage: Stage, req: LoopbackRequest) => Reply | undefined

interface Outcome {
  result?: RunResult
  error?: Error
  printed: string[]
}

async function runWith(override: Override, spec = SPEC): Promise<Outcome> {
  site = await createTempSite({ spec, respond: scriptedSite({ override }) })
  seedUserFiles(site.dir)
  const printed: string[] = []
  const logger: Logger = { info: (m) => printed.push(m), warn: (m) => printed.push(m), error: (m) => printed.push(m) }
  const env = { OPENAI_API_KEY: ENV_KEY, PATH: process.env.PATH, SITESMITH_RETRY_BASE_MS: '2' }
  try {
    return { result: await site.run({}, { env, logger }), printed }
  } catch (error) {
    return { error: error as Error, printed }
  }
}

/** Every place a secret must never be, with the secret found there. */
function leaks(s: TempSite, o: Outcome): string[] {
  const texts: Record<string, string> = { 'the printed output': o.printed.join('\n') }
  if (o.error) texts['the thrown error'] = `${o.error.message}\n${o.error.stack}`
  if (o.result) texts['the run errors'] = o.result.errors.join('\n')
  return findLeaks({ siteDir: s.dir, cacheDir: s.cacheDir, requests: s.server.requests, texts })
}

const generate =
  (path: string, content: string): Override =>
  (stage, req) =>
    stage === 'generate' && taskOf(req).path === path ? jsonReply({ content, summary: 'a page' }) : undefined
const page = (text: string) =>
  `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>x</title></head>\n<body>\n<p>${text}</p>\n</body>\n</html>\n`

describe('secrets never leave the machine or reach a file', () => {
  it('a normal run: the key is only in the Authorization header, the variable names in the spec are sent as they are', async () => {
    const o = await runWith(() => undefined)
    expect(o.error).toBeUndefined()
    expect(o.result!.errors).toEqual([])
    expect(leaks(site!, o)).toEqual([])
    const openai = site!.server.requests.filter((r) => r.protocol === 'openai')
    expect(openai.length).toBeGreaterThan(0)
    for (const r of openai) expect(r.headers.authorization).toBe(`Bearer ${ENV_KEY}`)
    const contact = site!.server.requests.find((r) => stageOf(r) === 'generate' && taskOf(r).path === 'contact.html')!
    expect(contact.lastUserMessage).toContain('reads SECRET_TOKEN and OPENAI_API_KEY from its environment')
  })

  it('page answers that echo a key are discarded — not written, not cached — and the task error names the variable, not the value', async () => {
    const o = await runWith(
      (stage, req) =>
        generate('menu.html', page(`key: ${ENV_KEY}`))(stage, req) ??
        generate('contact.html', page(`token: ${DOTENV_SECRETS.SECRET_TOKEN}`))(stage, req),
    )
    expect(leaks(site!, o)).toEqual([])
    expect(o.error).toBeUndefined()
    expect(o.result!.errors.join('\n')).toMatch(
      /task "menu-page" \(menu\.html\): generate:menu-page: the model's answer contains the value of OPENAI_API_KEY \(from environment\); it was discarded/,
    )
    expect(o.result!.errors.join('\n')).toMatch(
      /task "contact-page" \(contact\.html\): .*contains the value of SECRET_TOKEN \(from \.env\)/,
    )
    expect(site!.exists('menu.html')).toBe(false)
    expect(site!.exists('contact.html')).toBe(false)
    expect(site!.exists('index.html')).toBe(true)
  })

  it('a review answer that echoes the key never reaches code_review.json or a fix prompt', async () => {
    const o = await runWith((stage) =>
      stage === 'review'
        ? jsonReply({
            reviews: [
              {
                file: 'index.html',
                issues: [
                  {
                    severity: 'warning',
                    message: `your key is ${ENV_KEY}`,
                    fix: { target: 'body', instructions: `print ${ENV_KEY}` },
                  },
                ],
              },
            ],
          })
        : undefined,
    )
    expect(leaks(site!, o)).toEqual([])
    // The review could not finish; generation stands and the reason is among the run's errors.
    expect(o.error).toBeUndefined()
    expect(o.result?.errors.join('\n')).toMatch(
      /^review: review:round-1: the model's answer contains the value of OPENAI_API_KEY \(from environment\)/m,
    )
    expect(site!.server.requests.filter((r) => stageOf(r) === 'fix')).toEqual([])
  })

  it('a server error that echoes the key in its body is reported without it', async () => {
    const o = await runWith((stage) =>
      stage === 'plan'
        ? {
            fault: 'status',
            status: 401,
            body: { error: { message: `Incorrect API key provided: ${ENV_KEY}`, type: 'invalid_request_error' } },
          }
        : undefined,
    )
    expect(o.error?.message).toMatch(/^plan: HTTP 401: Incorrect API key provided: \[redacted\]/)
    expect(leaks(site!, o)).toEqual([])
  })

  it('a plan that puts a secret into task instructions is refused before any file is asked for', async () => {
    const o = await runWith((stage, req) => {
      if (!stage.startsWith('plan')) return undefined
      const normal = JSON.parse((scriptedSite()(req) as { content: string }).content) as {
        tasks: { instructions: string }[]
      }
      normal.tasks[0].instructions += ` Use the token ${DOTENV_SECRETS.SECRET_TOKEN}.`
      return jsonReply(normal)
    })
    expect(o.error?.message).toMatch(/^plan: .*contains the value of SECRET_TOKEN \(from \.env\)/)
    expect(site!.server.requests.map(stageOf)).toEqual(['plan'])
    expect(site!.exists('.sitesmith/tasks.json')).toBe(false)
    expect(leaks(site!, o)).toEqual([])
  })

  it('a spec that contains a secret value is never sent: the run stops before the first request, naming the variable', async () => {
    const o = await runWith(() => undefined, `${SPEC}\n## Admin page\nLog in with ${DOTENV_SECRETS.OPENAI_API_KEY}.\n`)
    expect(o.error?.message).toMatch(/^plan: the request would contain the value of OPENAI_API_KEY \(from \.env\)/)
    expect(site!.server.requests).toEqual([])
    // The spec is the user's own file: it keeps the value; nothing else may.
    expect(leaks(site!, o).filter((l) => l !== 'OPENAI_API_KEY (.env) in site/spec.md')).toEqual([])
  })
})

describe('which values count as secrets (secret-guard)', () => {
  it('credential-like values of secret-named variables, from the environment and every .env* file; not words or paths', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { knownSecrets, findSecret, looksLikeCredential } = await import('../../../plugin/pipeline/secret-guard.js')
    expect(
      ['enabled', 'production', '/home/me/.password-store1', 'two words 123', 'abc1'].map(looksLikeCredential),
    ).toEqual([false, false, false, false, false])
    expect(['sk-proj-abc123def456', 'ghp_0123456789abcdef', 'tok-5b1e9c0d7a'].map(looksLikeCredential)).toEqual([
      true,
      true,
      true,
    ])

    const root = mkdtempSync(join(tmpdir(), 'sitesmith-secrets-'))
    try {
      writeFileSync(join(root, '.env'), 'SECRET_TOKEN=tok-5b1e9c0d7a\nPORT=3000\n')
      writeFileSync(join(root, '.env.local'), 'export STRIPE_KEY="sk_live_0123456789"\n')
      const secrets = knownSecrets(
        { OPENAI_API_KEY: 'sk-proj-abc123def456', KEYBOARD_MODE: 'enabled', HOME: '/root' },
        [root],
      )
      expect(secrets.map((s) => `${s.name}@${s.from}`).sort()).toEqual([
        'OPENAI_API_KEY@environment',
        'SECRET_TOKEN@.env',
        'STRIPE_KEY@.env.local',
      ])
      // Anywhere in an answer: nested values and object keys alike.
      expect(
        findSecret({ reviews: [{ issues: [{ message: 'ok' }] }], extra: { sk_live_0123456789: 1 } }, secrets)?.name,
      ).toBe('STRIPE_KEY')
      expect(findSecret({ content: 'SECRET_TOKEN is read on the server' }, secrets)).toBeUndefined()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
