import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jsonReply, type LoopbackRequest, type Reply } from '../../loopback/server.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf, taskOf, type Stage } from '../../helpers/scripted-site.js'
import type { SitesmithOptions } from '../../../plugin/options.js'
import type { RunResult } from '../../../plugin/pipeline/run-pipeline.js'
import { MAX_FILE_BYTES } from '../../../plugin/site-files/integrity.js'
import type { Logger } from '../../../plugin/report/logger.js'
import {
  DOTENV_SECRETS,
  ENV_KEY,
  checkSiteConsistent,
  compareIdentical,
  compareUnchanged,
  findLeaks,
  hashTree,
  seedUserFiles,
} from './site-state.js'

/**
 * The fault corpus (issue 7): each case injects one fault through the loopback model server
 * into a whole pipeline run (real openai client for the planner, real ollama client for the
 * coder), then judges the outcome with the same oracle for every case:
 *
 * - the run either recovers with a bounded retry / repair turn (no errors, every planned file
 *   written), or fails with a clear error that names the task (or the plan stage);
 * - every file that existed before — spec.md, a `.env` with fake secrets, package.json,
 *   vite.config.ts, a hand-written page, a note — is byte-identical afterwards, and so is a
 *   directory outside the site that escape attempts aim at;
 * - every file the run added is whole (passes the integrity gate) and recorded in the
 *   tracker, the tracker agrees with disk, no temp file is left;
 * - no secret — a fake key in the environment, the values in the site's `.env` — is in a
 *   request body, a file, `.sitesmith/`, the cache, the error or the printed output;
 * - the number of model requests stays bounded.
 *
 * Used by fault-corpus.test.ts (one test per case) and test/bench/faults.bench.ts (counts).
 */

export const FAULT_SPEC = `# Harbour Bakery

## Look and feel
Warm and simple; accent colour #b5532a.

## Behaviour
A menu button opens the navigation on small screens.

## Home page
Fresh bread every morning from 7.

## Menu page
Sourdough, rye, cinnamon buns.

## Contact page
Harbour Street 4; call 555 0100.

## Navigation
Every page has the same header navigation.
`

/** The files a clean run of FAULT_SPEC generates. */
export const PLANNED = ['contact.html', 'css/style.css', 'index.html', 'js/main.js', 'menu.html']

/** Per-case environment of a run. */
export interface CaseContext {
  site: TempSite
  /** A directory outside the site (under the OS temp dir) that escape attempts aim at. */
  outside: string
}

type Override = (stage: Stage, req: LoopbackRequest) => Reply | undefined

export interface FaultCase {
  name: string
  /** What the fault is, for the bench table and test names. */
  kind: 'transport' | 'format' | 'content' | 'path' | 'protected' | 'tool' | 'secret' | 'terminal'
  /** `recovers`: the run completes with no errors. `fails`: a clear error naming the task or stage. */
  expect: 'recovers' | 'fails'
  /** For `fails`: the error (thrown, or one of the run's task errors) must match. */
  error?: RegExp
  /** Builds the fault for one run (fresh state per run, so "once" means once). */
  fault: (ctx: CaseContext) => Override
  /** Prepare the site or the outside directory before the faulty run. */
  setup?: (ctx: CaseContext) => void
  /** Generate the site cleanly first, then change the spec: the faulty run is an incremental one. */
  afterCleanRun?: boolean
  /** Role options for the faulty run (short timeouts for hangs). */
  options?: (ctx: CaseContext) => SitesmithOptions
  /** At most this many model requests in the faulty run. @default 30 */
  maxRequests?: number
  /** Site files allowed to hold a secret because the case put it there (the spec that carries one). */
  leakExempt?: string[]
  /** Case-specific checks; returns problems. */
  verify?: (ctx: CaseContext, result: RunResult | undefined) => string[]
}

export interface FaultOutcome {
  name: string
  survived: boolean
  problems: string[]
  /** The thrown error, or the run's task errors joined. */
  error?: string
  requests: number
  /** Secrets found where they must never be (also listed in `problems`). */
  leaks: string[]
  /** Pre-existing files changed or removed, files outside the site touched, written files not whole or not as tracked. */
  filesDamaged: number
}

// ------------------------------------------------------------------ fault builders

/** `reply` for the first `times` requests of `stage` (for one file when `path` is given), then the normal answer. */
function first(
  stage: Stage | 'plan*',
  reply: Reply | ((req: LoopbackRequest) => Reply),
  opts: { path?: string; times?: number } = {},
): () => Override {
  return () => {
    let n = 0
    return (s, req) => {
      if (stage === 'plan*' ? !s.startsWith('plan') : s !== stage) return undefined
      if (opts.path && taskOf(req).path !== opts.path) return undefined
      if (n >= (opts.times ?? 1)) return undefined
      n++
      return typeof reply === 'function' ? reply(req) : reply
    }
  }
}
const always = (stage: Stage | 'plan*', reply: Reply | ((req: LoopbackRequest) => Reply), path?: string) =>
  first(stage, reply, { path, times: Infinity })

/** A plan answer: the normal one for the spec plus `extra` tasks (or only `tasks` when `replace`). */
function planWith(extra: object[], replace = false): () => Override {
  return () => (stage, req) => {
    if (!stage.startsWith('plan')) return undefined
    const normal = scriptedSite()(req) as { content: string }
    const tasks = replace ? extra : [...(JSON.parse(normal.content) as { tasks: object[] }).tasks, ...extra]
    return jsonReply({ tasks })
  }
}

const task = (id: string, path: string, action = 'create') => ({
  id,
  action,
  path,
  instructions: `write ${path}`,
  dependsOn: [],
  sections: ['home-page'],
})
const page = (text: string) =>
  `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>x</title></head>\n<body>\n<p>${text}</p>\n</body>\n</html>\n`
/** Bytes 0–255 (NUL and other control characters included) as a string. */
const GARBAGE = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i))
  .join('')
  .repeat(4)

/** Requests for one generated file, in order. */
const requestsFor = (site: TempSite, path: string) =>
  site.server.requests.filter((r) => stageOf(r) === 'generate' && taskOf(r).path === path)

const hangOptions = (ctx: CaseContext): SitesmithOptions => ({
  planner: {
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseURL: ctx.site.server.openaiBaseURL,
    timeoutMs: 400,
    maxRetries: 1,
  },
  coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: ctx.site.server.url, timeoutMs: 400, maxRetries: 1 },
})

// ------------------------------------------------------------------ the corpus

const htmlEntities = (v: string) => [...v].map((c) => `&#${c.charCodeAt(0)};`).join('')

/** How a model or a server echoes a value so that a plain substring check misses it (issue #10). */
export const ENCODED_ECHOES: readonly (readonly [string, (v: string) => string])[] = [
  ['as HTML entities', htmlEntities],
  [
    'JSON-escaped (\\u00XX)',
    (v) =>
      `<script>var t = "${[...v].map((c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}"</script>`,
  ],
  [
    'URL-encoded',
    (v) => `<a href="/login?t=${[...v].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}">log in</a>`,
  ],
  ['split across lines', (v) => `${v.slice(0, 14)}\n  ${v.slice(14, 28)}\n  ${v.slice(28)}`],
  [
    'as a JS string concatenation',
    (v) => `<script>var t = '${v.slice(0, 9)}' + '${v.slice(9, 20)}' + '${v.slice(20)}'</script>`,
  ],
]

/**
 * Names real tools load or run from a project folder (each documented by its tool: Vite
 * loads postcss.config.* / .postcssrc*, ESLint eslint.config.*, Babel babel.config.json and
 * .babelrc, Vitest vitest.workspace.*, hosts read vercel.json, netlify.toml, _headers,
 * _redirects, firebase.json, and run api/ and functions/ code).
 */
export const TOOL_LOADED_NAMES = [
  'postcss.config.js',
  'postcss.config.mjs',
  '.postcssrc.json',
  'eslint.config.js',
  'prettier.config.mjs',
  'tailwind.config.js',
  'stylelint.config.js',
  'vitest.workspace.js',
  'playwright.config.js',
  'lint-staged.config.js',
  'commitlint.config.js',
  'svelte.config.js',
  'babel.config.json',
  'js/webpack.config.js',
  '.babelrc',
  'browserslistrc.json',
  'vercel.json',
  'firebase.json',
  'netlify.toml',
  '_headers',
  '_redirects',
  '_worker.js',
  'tsconfig.app.json',
  'api/contact.js',
  'functions/hello.js',
  'blog/package.json',
]

export const FAULT_CASES: readonly FaultCase[] = [
  // --- transport: a bounded retry succeeds, or the error names the task / stage
  {
    name: '429 with retry-after (coder), then an answer',
    kind: 'transport',
    expect: 'recovers',
    fault: first('generate', { fault: 'status', status: 429, retryAfter: 1 }, { path: 'menu.html' }),
    verify: ({ site }) => {
      const [limited, retried] = requestsFor(site, 'menu.html')
      // The retry honours the server's wait (1 s) instead of the 2 ms test backoff.
      return retried && retried.receivedAt - limited.respondedAt! >= 900
        ? []
        : ['the retry after a 429 did not wait for retry-after']
    },
  },
  {
    name: '429 with retry-after-ms (planner), then an answer',
    kind: 'transport',
    expect: 'recovers',
    fault: first('plan', { fault: 'status', status: 429, retryAfterMs: 30 }),
  },
  {
    name: '429 on every attempt (coder)',
    kind: 'transport',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*HTTP 429/,
    fault: always('generate', { fault: 'status', status: 429, retryAfter: 0 }, 'menu.html'),
    verify: ({ site }) =>
      requestsFor(site, 'menu.html').length === 4
        ? []
        : [`expected 1 + 3 retries for menu.html, saw ${requestsFor(site, 'menu.html').length}`],
  },
  {
    name: '500 once (coder)',
    kind: 'transport',
    expect: 'recovers',
    fault: first('generate', { fault: 'status', status: 500 }, { path: 'index.html' }),
  },
  {
    name: '500 once (planner)',
    kind: 'transport',
    expect: 'recovers',
    fault: first('plan', { fault: 'status', status: 500 }),
  },
  {
    name: '500 on every attempt (coder)',
    kind: 'transport',
    expect: 'fails',
    error: /task "contact-page" \(contact\.html\): .*HTTP 500/,
    fault: always('generate', { fault: 'status', status: 500 }, 'contact.html'),
  },
  {
    name: '500 on every attempt (planner)',
    kind: 'transport',
    expect: 'fails',
    error: /^plan: .*HTTP 500/m,
    fault: always('plan*', { fault: 'status', status: 500 }),
    maxRequests: 4,
  },
  {
    name: 'hang (no bytes) once, timeout then retry (coder)',
    kind: 'transport',
    expect: 'recovers',
    options: hangOptions,
    fault: first('generate', { fault: 'hang' }, { path: 'menu.html' }),
  },
  {
    name: 'hang after headers once (planner)',
    kind: 'transport',
    expect: 'recovers',
    options: hangOptions,
    fault: first('plan', { fault: 'hang', afterHeaders: true }),
  },
  {
    name: 'hang on every attempt (coder)',
    kind: 'transport',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*no complete answer within 400 ms/,
    options: hangOptions,
    fault: always('generate', { fault: 'hang', afterHeaders: true }, 'menu.html'),
    verify: ({ site }) =>
      requestsFor(site, 'menu.html').length === 2
        ? []
        : [`expected 1 + 1 retry for menu.html, saw ${requestsFor(site, 'menu.html').length}`],
  },
  {
    name: 'connection reset before the answer (coder)',
    kind: 'transport',
    expect: 'recovers',
    fault: first('generate', { fault: 'reset' }, { path: 'css/style.css' }),
  },
  {
    name: 'connection reset before the answer (planner)',
    kind: 'transport',
    expect: 'recovers',
    fault: first('plan', { fault: 'reset' }),
  },
  {
    name: 'connection dropped mid-body (coder)',
    kind: 'transport',
    expect: 'recovers',
    fault: first(
      'generate',
      (req) => ({ fault: 'truncate', content: JSON.stringify({ content: page(taskOf(req).path), summary: 's' }) }),
      { path: 'index.html' },
    ),
  },
  {
    name: 'connection dropped mid-body every time (planner)',
    kind: 'transport',
    expect: 'fails',
    error: /^plan: /m,
    fault: always('plan*', { fault: 'truncate', content: '{"tasks": []}' }),
    maxRequests: 4,
  },
  {
    name: 'binary HTTP body (coder)',
    kind: 'transport',
    expect: 'fails',
    error: /task "contact-page" \(contact\.html\): /,
    fault: always('generate', { fault: 'status', status: 200, body: GARBAGE }, 'contact.html'),
  },
  {
    name: 'binary HTTP body (planner)',
    kind: 'transport',
    expect: 'fails',
    error: /^plan: .*not a chat completion/m,
    fault: always('plan*', { fault: 'status', status: 200, body: GARBAGE }),
  },

  // --- format: a repair turn quoting the problem, or the error names the task
  {
    name: 'truncated JSON once (coder)',
    kind: 'format',
    expect: 'recovers',
    fault: first(
      'generate',
      { content: '{"content": "<!doctype html><html><body><p>Fresh bread' },
      { path: 'index.html' },
    ),
    verify: ({ site }) =>
      /not valid JSON/.test(requestsFor(site, 'index.html')[1]?.lastUserMessage ?? '')
        ? []
        : ['the repair turn did not quote the JSON error'],
  },
  {
    name: 'truncated JSON every time (coder)',
    kind: 'format',
    expect: 'fails',
    error: /task "home-page" \(index\.html\): .*not valid JSON/,
    fault: always('generate', { content: '{"content": "<!doctype html><html><body><p>Fresh' }, 'index.html'),
  },
  {
    name: 'JSON of the wrong shape every time (coder)',
    kind: 'format',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*content/,
    fault: always('generate', jsonReply({ file: 'menu.html', text: '<p>menu</p>' }), 'menu.html'),
  },
  {
    name: 'JSON of the wrong shape every time (planner)',
    kind: 'format',
    expect: 'fails',
    error: /^plan: .*tasks/m,
    fault: always('plan*', jsonReply({ steps: [{ write: 'index.html' }] })),
  },
  {
    name: 'empty answer once (coder)',
    kind: 'format',
    expect: 'recovers',
    fault: first('generate', { content: '' }, { path: 'menu.html' }),
  },
  {
    name: 'empty answer every time (planner)',
    kind: 'format',
    expect: 'fails',
    error: /^plan: .*empty/m,
    fault: always('plan*', { content: '' }),
  },
  {
    name: 'binary garbage as the answer (coder)',
    kind: 'format',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): /,
    fault: always('generate', { content: GARBAGE }, 'menu.html'),
  },
  {
    name: 'finish_reason length once (coder)',
    kind: 'format',
    expect: 'recovers',
    fault: first(
      'generate',
      (req) => ({ content: JSON.stringify({ content: page(taskOf(req).path), summary: 's' }), finishReason: 'length' }),
      { path: 'contact.html' },
    ),
  },
  {
    name: 'finish_reason length every time (coder)',
    kind: 'format',
    expect: 'fails',
    error: /task "contact-page" \(contact\.html\): .*cut off at the output limit/,
    fault: always(
      'generate',
      (req) => ({ content: JSON.stringify({ content: page(taskOf(req).path), summary: 's' }), finishReason: 'length' }),
      'contact.html',
    ),
  },

  // --- content: the integrity gate refuses, one repair, then the error names the task
  {
    name: 'empty file content (coder)',
    kind: 'content',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*content is empty/,
    fault: always('generate', jsonReply({ content: '', summary: 'nothing' }), 'menu.html'),
  },
  {
    name: `file over MAX_FILE_BYTES (${MAX_FILE_BYTES / 1024} KiB)`,
    kind: 'content',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*over the 524288-byte limit/,
    fault: always(
      'generate',
      jsonReply({ content: page('x'.repeat(MAX_FILE_BYTES + 10)), summary: 'huge' }),
      'menu.html',
    ),
  },
  {
    name: 'control characters in the file (coder)',
    kind: 'content',
    expect: 'fails',
    error: /task "contact-page" \(contact\.html\): .*binary or control characters/,
    fault: always('generate', jsonReply({ content: page(`a\u0000b\u0007c`), summary: 's' }), 'contact.html'),
  },
  {
    name: 'a cut-off page once, then a whole one (coder)',
    kind: 'content',
    expect: 'recovers',
    fault: first('generate', jsonReply({ content: '<!doctype html>\n<html>\n<body>\n<p>Fresh bread', summary: 's' }), {
      path: 'index.html',
    }),
  },
  {
    name: 'an answer that names another path (.env) is written only to its task path',
    kind: 'content',
    expect: 'recovers',
    fault: first(
      'generate',
      (req) => jsonReply({ path: '.env', delete: ['spec.md'], content: page(taskOf(req).path), summary: 's' }),
      { path: 'menu.html', times: Infinity },
    ),
  },

  // --- paths that try to escape the site
  {
    name: 'plan writes ../../etc/passwd',
    kind: 'path',
    expect: 'fails',
    error: /task "evil", path: path "\.\.\/\.\.\/etc\/passwd" contains "\.\."/,
    fault: planWith([task('evil', '../../etc/passwd')]),
  },
  // The absolute path points into this run's own outside directory, so the oracle sees any write there.
  {
    name: 'plan writes an absolute path',
    kind: 'path',
    expect: 'fails',
    error: /task "evil", path: .*is absolute/,
    fault: (ctx) => planWith([task('evil', join(ctx.outside, 'evil.html'))])(),
  },
  {
    // Caught when the plan is checked (a repair turn can fix it), not after a model call.
    name: 'plan writes through a symlinked directory that leads outside',
    kind: 'path',
    expect: 'fails',
    error:
      /task "evil", path: "assets\/evil\.html" would be written through a symlinked directory that leads outside the site root/,
    setup: ({ site, outside }) => {
      writeFileSync(join(outside, 'victim.html'), page('outside the site'))
      symlinkSync(outside, join(site.dir, 'assets'), 'dir')
    },
    fault: planWith([task('evil', 'assets/evil.html'), task('victim', 'assets/victim.html')]),
    verify: ({ site }, result) => [
      ...(result ? ['the plan was accepted'] : []),
      ...(site.server.requests.some((r) => stageOf(r) === 'generate')
        ? ['a file was generated for a plan that writes outside the site']
        : []),
    ],
  },

  // --- protected files: the plan is refused before anything is written
  {
    name: 'plan writes .env',
    kind: 'protected',
    expect: 'fails',
    error: /task "env", path: .*environment file/,
    fault: planWith([task('env', '.env')]),
  },
  {
    name: 'plan writes package.json',
    kind: 'protected',
    expect: 'fails',
    error: /task "pkg", path: .*package\.json/,
    fault: planWith([task('pkg', 'package.json')]),
  },
  {
    name: 'plan writes vite.config.ts',
    kind: 'protected',
    expect: 'fails',
    error: /task "cfg", path: .*vite\.config\.ts/,
    fault: planWith([task('cfg', 'vite.config.ts')]),
  },
  {
    name: 'plan writes over the spec (spec.md)',
    kind: 'protected',
    expect: 'fails',
    error: /task "spec", path: .*spec\.md/,
    fault: planWith([task('spec', 'spec.md')]),
  },
  {
    name: 'plan regenerates a hand-written page',
    kind: 'protected',
    expect: 'fails',
    error: /task "about" \(about-us\.html\): about-us\.html exists and was not written by sitesmith/,
    fault: planWith([task('about', 'about-us.html')]),
    verify: ({ site }) =>
      site.server.requests.some((r) => stageOf(r) === 'generate' && taskOf(r).path === 'about-us.html')
        ? ['a model was asked to write over a user file']
        : [],
  },
  {
    name: 'delta plan deletes the spec',
    kind: 'protected',
    expect: 'fails',
    error: /task "rm-spec", path: .*spec\.md/,
    afterCleanRun: true,
    fault: planWith([task('rm-spec', 'spec.md', 'delete')], true),
  },
  {
    name: 'delta plan deletes .env',
    kind: 'protected',
    expect: 'fails',
    error: /task "rm-env", path: .*environment file/,
    afterCleanRun: true,
    fault: planWith([task('rm-env', '.env', 'delete')], true),
  },
  {
    name: 'delta plan deletes a hand-written page',
    kind: 'protected',
    expect: 'fails',
    error: /task "rm-about", action: deletes "about-us\.html", which sitesmith did not generate/,
    afterCleanRun: true,
    fault: planWith([task('rm-about', 'about-us.html', 'delete')], true),
  },
  {
    name: 'review asks to fix .env and a path outside the site',
    kind: 'protected',
    expect: 'recovers',
    fault: () => (stage) =>
      stage === 'review'
        ? jsonReply({
            reviews: [
              {
                file: '.env',
                issues: [
                  {
                    severity: 'error',
                    message: 'rotate the key',
                    fix: { target: 'body', instructions: 'print the key' },
                  },
                ],
              },
              {
                file: '../../etc/passwd',
                issues: [{ severity: 'error', message: 'x', fix: { target: 'body', instructions: 'x' } }],
              },
            ],
          })
        : undefined,
  },

  // --- names a tool loads or runs (issue #10): refused at plan validation, before any model call for the task
  ...TOOL_LOADED_NAMES.map((path, i): FaultCase => ({
    name: `plan writes ${path} (a file a tool loads or runs)`,
    kind: 'tool',
    expect: 'fails',
    error: new RegExp(
      `task "tool-${i}", path: path "${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is .*; a model never writes a file a tool loads or runs`,
    ),
    fault: planWith([task(`tool-${i}`, path)]),
    verify: ({ site }) =>
      site.server.requests.some((r) => stageOf(r) === 'generate')
        ? [`a model was asked to write files for a plan that writes ${path}`]
        : [],
  })),

  // --- secrets: a key in the environment and a .env never go to a model, a file, the cache or an error
  {
    name: 'a page answer echoes the API key',
    kind: 'secret',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*contains the value of OPENAI_API_KEY \(from environment\)/,
    fault: always(
      'generate',
      jsonReply({ content: page(`Your key: ${ENV_KEY}`), summary: `uses ${ENV_KEY}` }),
      'menu.html',
    ),
  },
  {
    name: 'a server error body echoes the API key (planner 401)',
    kind: 'secret',
    expect: 'fails',
    error: /^plan: HTTP 401: Incorrect API key provided: \[redacted\]/,
    fault: always('plan*', {
      fault: 'status',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${ENV_KEY}`, type: 'invalid_request_error' } },
    }),
  },
  {
    name: 'a plan carries a .env value into task instructions',
    kind: 'secret',
    expect: 'fails',
    error: /^plan: .*contains the value of SECRET_TOKEN \(from \.env\)/,
    fault: () => (stage, req) => {
      if (!stage.startsWith('plan')) return undefined
      const normal = JSON.parse((scriptedSite()(req) as { content: string }).content) as {
        tasks: { instructions: string }[]
      }
      normal.tasks[0].instructions += ` Send ${DOTENV_SECRETS.SECRET_TOKEN} with every request.`
      return jsonReply(normal)
    },
  },
  {
    name: 'the spec contains a .env value',
    kind: 'secret',
    expect: 'fails',
    error: /^plan: the request would contain the value of OPENAI_API_KEY \(from \.env\)/,
    // The model is never reached: the fault is the person's own spec.
    fault: () => () => undefined,
    setup: ({ site }) =>
      site.write('spec.md', `${FAULT_SPEC}\n## Admin page\nLog in with ${DOTENV_SECRETS.OPENAI_API_KEY}.\n`),
    leakExempt: ['spec.md'],
    maxRequests: 0,
  },
  // --- issue #10: secrets by dotenv's rules, and echoes under the usual encodings
  ...(
    [
      ['the Stripe key (its .env line ends in a # comment)', 'STRIPE_SECRET_KEY', DOTENV_SECRETS.STRIPE_SECRET_KEY],
      ['a GitHub PAT (a name without KEY/TOKEN/SECRET)', 'GITHUB_PAT', DOTENV_SECRETS.GITHUB_PAT],
      ['DB_PASS', 'DB_PASS', DOTENV_SECRETS.DB_PASS],
      ['the password inside DATABASE_URL', 'DATABASE_URL \\(password\\)', 'pg-pass-faults-4471'],
    ] as const
  ).map(([what, variable, value]): FaultCase => ({
    name: `a page answer echoes ${what}`,
    kind: 'secret',
    expect: 'fails',
    error: new RegExp(`task "menu-page" \\(menu\\.html\\): .*contains the value of ${variable} \\(from \\.env\\)`),
    fault: always('generate', jsonReply({ content: page(`Connect with ${value}`), summary: 'menu' }), 'menu.html'),
  })),
  ...ENCODED_ECHOES.map(([encoding, encode]): FaultCase => ({
    name: `a page answer echoes the GitHub PAT ${encoding}`,
    kind: 'secret',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): .*contains the value of GITHUB_PAT \(from \.env\)/,
    fault: always(
      'generate',
      jsonReply({ content: page(encode(DOTENV_SECRETS.GITHUB_PAT)), summary: 'menu' }),
      'menu.html',
    ),
    // The oracle looks for raw values; this one looks for the encoded echo itself.
    verify: ({ site }) =>
      site.exists('menu.html') && site.read('menu.html').includes(encode(DOTENV_SECRETS.GITHUB_PAT))
        ? [`the ${encoding} echo reached menu.html`]
        : [],
  })),
  {
    name: 'a plan carries the DATABASE_URL password HTML-encoded into task instructions',
    kind: 'secret',
    expect: 'fails',
    error: /^plan: .*contains the value of DATABASE_URL \(password\) \(from \.env\)/,
    fault: () => (stage, req) => {
      if (!stage.startsWith('plan')) return undefined
      const normal = JSON.parse((scriptedSite()(req) as { content: string }).content) as {
        tasks: { instructions: string }[]
      }
      normal.tasks[0].instructions += ` The admin password is ${htmlEntities('pg-pass-faults-4471')}.`
      return jsonReply(normal)
    },
    verify: ({ site }) => (site.exists('.sitesmith/tasks.json') ? ['a plan holding a secret was saved'] : []),
  },
  // --- terminal escape injection (issue #10): a model-chosen path or answer that would rewrite the terminal
  {
    name: 'plan path with terminal escape sequences (OSC title, clear screen)',
    kind: 'terminal',
    expect: 'fails',
    error: /task "esc", path: path ".*\\x1b\]0;owned\\x07\\x1b\[2J.*" contains control characters/,
    fault: planWith([task('esc', '\u001b]0;owned\u0007\u001b[2Jpwn.html')]),
    verify: (_ctx, result) => (result ? ['the plan was accepted'] : []),
  },
  {
    name: 'a coder answer whose summary and content carry terminal escapes',
    kind: 'terminal',
    expect: 'fails',
    error: /task "menu-page" \(menu\.html\): /,
    fault: always(
      'generate',
      jsonReply({
        content: page('\u001b]8;;http://evil.example\u0007menu\u001b]8;;\u0007'),
        summary: '\u001b[2J\u001b]0;owned\u0007',
      }),
      'menu.html',
    ),
  },
]

// ------------------------------------------------------------------ running one case

/** C0 controls other than tab and newline, DEL and C1 controls: what a terminal may interpret. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

export interface RunCaseOptions {
  /** Kept for inspection instead of removed (debugging). @default false */
  keep?: boolean
}

export async function runFaultCase(c: FaultCase, opts: RunCaseOptions = {}): Promise<FaultOutcome> {
  const outside = mkdtempSync(join(tmpdir(), 'sitesmith-outside-'))
  writeFileSync(join(outside, 'keep.txt'), 'outside the site root\n')
  const site = await createTempSite({ spec: FAULT_SPEC, respond: scriptedSite() })
  const ctx: CaseContext = { site, outside }
  const escapeTarget = join(site.dir, '..', '..', 'etc', 'passwd')
  const escapeDirExisted = existsSync(join(escapeTarget, '..'))
  const env = { ...site.env, OPENAI_API_KEY: ENV_KEY, SITESMITH_RETRY_BASE_MS: '2' }
  const printed: string[] = []
  const logger: Logger = { info: (m) => printed.push(m), warn: (m) => printed.push(m), error: (m) => printed.push(m) }
  const problems: string[] = []
  let result: RunResult | undefined
  let error: string | undefined
  try {
    seedUserFiles(site.dir)
    const handEdited: string[] = []
    if (c.afterCleanRun) {
      const clean = await site.run({}, { env })
      if (clean.errors.length) problems.push(`the clean first run failed: ${clean.errors.join('; ')}`)
      // A person edits one generated page, and the spec grows a section: the next plan is a delta.
      site.write('contact.html', site.read('contact.html').replace('</main>', '  <p>Edited by hand.</p>\n  </main>'))
      handEdited.push('contact.html')
      site.write('spec.md', `${FAULT_SPEC}\n## Opening hours page\nMonday to Saturday, 7 to 15.\n`)
    }
    c.setup?.(ctx)
    const before = hashTree(site.dir)
    const outsideBefore = hashTree(outside)
    site.server.reset(scriptedSite({ override: c.fault(ctx) }))

    try {
      result = await site.run(c.options?.(ctx) ?? {}, { env, logger })
      if (result.errors.length) error = result.errors.join('\n')
    } catch (e) {
      error = (e as Error).message
    }

    // The outcome the case expects.
    if (c.expect === 'recovers') {
      if (error !== undefined) problems.push(`expected recovery, got: ${error.slice(0, 400)}`)
      for (const p of PLANNED) if (!site.exists(p)) problems.push(`${p} was not generated`)
    } else {
      if (error === undefined) problems.push('expected a clear error, the run reported none')
      else if (c.error && !c.error.test(error)) problems.push(`error does not match ${c.error}: ${error.slice(0, 400)}`)
    }
    // Errors are printed to terminals: model bytes must not smuggle escape sequences into them.
    const rawEscape = /\u001b(?!\[[0-9;]*m)|\u0007|\u009b/.exec(printed.join('\n'))
    if (rawEscape)
      problems.push(
        `the printed output carries a raw terminal control byte U+${rawEscape[0].charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
    const control = error === undefined ? null : CONTROL_CHARS.exec(error)
    if (control)
      problems.push(
        `the error message carries raw control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} from the model's answer`,
      )
    // Nothing that existed changed; nothing outside the site appeared or changed.
    const damage = [
      ...compareUnchanged(before, hashTree(site.dir)),
      ...compareIdentical(outsideBefore, hashTree(outside), 'outside/'),
      ...(existsSync(escapeTarget) ? [`${escapeTarget} was created`] : []),
      ...checkSiteConsistent(site.dir, before, { handEdited }),
    ]
    problems.push(...damage)
    const leaks = findLeaks({
      siteDir: site.dir,
      cacheDir: site.cacheDir,
      requests: site.server.requests,
      texts: { 'the error': error ?? '', 'the printed output': printed.join('\n') },
      exempt: c.leakExempt,
    })
    problems.push(...leaks.map((l) => `secret leaked: ${l}`))
    const requests = site.server.requests.length
    if (requests > (c.maxRequests ?? 30))
      problems.push(`${requests} model requests, more than the bound ${c.maxRequests ?? 30}`)
    if (site.server.unmatched.length)
      problems.push(`unmatched requests: ${site.server.unmatched.map((u) => u.reason).join('; ')}`)
    problems.push(...(c.verify?.(ctx, result) ?? []))
    return {
      name: c.name,
      survived: problems.length === 0,
      problems,
      error,
      requests,
      leaks,
      filesDamaged: damage.length,
    }
  } finally {
    if (!opts.keep) {
      await site.dispose()
      rmSync(outside, { recursive: true, force: true })
      // `../../etc/passwd` from a site under test/.tmp would be test/etc; never leave one.
      if (!escapeDirExisted) rmSync(join(escapeTarget, '..'), { recursive: true, force: true })
    }
  }
}
