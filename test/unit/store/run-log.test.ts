import { appendFileSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  RunLog,
  createScrubber,
  readRunLog,
  secretsFromDotEnv,
  trimRunLog,
  type RunLogLine,
} from '../../../plugin/store/run-log.js'

let site: string
beforeEach(async () => {
  site = await mkdtemp(join(tmpdir(), 'sitesmith-run-log-'))
})
afterEach(async () => {
  await rm(site, { recursive: true, force: true })
})
const logFile = () => join(site, '.sitesmith', 'run.jsonl')

describe('RunLog', () => {
  it('appends one JSON object per event with time and run id', async () => {
    const log = await RunLog.open(site, { run: 'r1', env: {} })
    log.write({
      stage: 'generate',
      event: 'model-call',
      taskId: 'index',
      path: 'index.html',
      cache: 'miss',
      tokens: { prompt: 10, completion: 2 },
      durationMs: 12,
    })
    log.write({
      stage: 'write',
      event: 'error',
      path: 'a.html',
      error: Object.assign(new Error('EACCES: denied'), { code: 'EACCES' }),
    })
    const lines = readFileSync(logFile(), 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    const [a, b] = lines.map((l) => JSON.parse(l) as RunLogLine)
    expect(a).toMatchObject({
      run: 'r1',
      stage: 'generate',
      event: 'model-call',
      taskId: 'index',
      cache: 'miss',
      tokens: { prompt: 10, completion: 2 },
      durationMs: 12,
    })
    expect(new Date(a.t).toISOString()).toBe(a.t)
    expect(b.error).toEqual({ name: 'Error', message: 'EACCES: denied', code: 'EACCES' })
    expect(a).not.toHaveProperty('error')
  })

  it('generated run ids sort by start time', async () => {
    const a = await RunLog.open(site, { env: {} })
    expect(a.run).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-[0-9a-f]{4}$/)
  })

  it('never writes a secret: env values named *KEY*/*TOKEN*/*SECRET*/*PASSWORD*, sk-… keys, extra secrets', async () => {
    const env = {
      OPENAI_API_KEY: 'opensesame-123456',
      GITHUB_TOKEN: 'ghp_abcdefghijkl',
      DB_PASSWORD: 'hunter22',
      PATH: '/usr/bin',
      SHORT_KEY: 'true',
    }
    const log = await RunLog.open(site, { run: 'r', env, secrets: ['dotenv-value-999'] })
    log.write({
      stage: 'plan',
      event: 'error',
      error: new Error('401 for key opensesame-123456 at /usr/bin'),
      detail: {
        header: 'Authorization: Bearer abcdefghijklmnop',
        note: 'sk-proj-AbCdEf0123456789xyz',
        flag: 'cache=true',
        nested: [{ ['ghp_abcdefghijkl']: 'dotenv-value-999 and hunter22' }],
      },
    })
    const text = readFileSync(logFile(), 'utf8')
    for (const secret of [
      'opensesame-123456',
      'ghp_abcdefghijkl',
      'hunter22',
      'abcdefghijklmnop',
      'sk-proj-AbCdEf0123456789xyz',
      'dotenv-value-999',
    ]) {
      expect(text).not.toContain(secret)
    }
    expect(text).toContain('/usr/bin') // not a secret
    expect(text).toContain('cache=true') // too short to be treated as a secret
    expect(text).toContain('[redacted]')
  })

  it('starts a fresh line after a line torn by a killed writer; readRunLog skips the torn one', async () => {
    mkdirSync(join(site, '.sitesmith'), { recursive: true })
    writeFileSync(logFile(), '{"t":"x","run":"old","stage":"a","event":"b"}\n{"t":"x","run":"old","sta')
    const log = await RunLog.open(site, { run: 'new', env: {} })
    log.write({ stage: 'run', event: 'start' })
    const lines = readRunLog(logFile())
    expect(lines.map((l) => l.run)).toEqual(['old', 'new'])
    expect(readRunLog(join(site, 'missing.jsonl'))).toEqual([])
  })
})

describe('RunLog resilience', () => {
  it('recreates .sitesmith/ when it was removed mid-run', async () => {
    const log = await RunLog.open(site, { run: 'r', env: {} })
    await rm(join(site, '.sitesmith'), { recursive: true })
    log.write({ stage: 'run', event: 'end' })
    expect(readRunLog(logFile()).map((l) => l.event)).toEqual(['end'])
  })
})

describe('trimRunLog', () => {
  const fill = (runs: number, linesPerRun: number) => {
    mkdirSync(join(site, '.sitesmith'), { recursive: true })
    for (let r = 0; r < runs; r++) {
      for (let i = 0; i < linesPerRun; i++)
        appendFileSync(
          logFile(),
          `${JSON.stringify({ t: 't', run: `run${r}`, stage: 's', event: 'e', detail: { pad: 'x'.repeat(100) } })}\n`,
        )
    }
  }

  it('keeps the newest runs when the file is over the limit', async () => {
    fill(30, 10)
    expect(await trimRunLog(logFile(), 1_000, 5)).toBe(true)
    const runs = [...new Set(readRunLog(logFile()).map((l) => l.run))]
    // 5 runs would be ~7 KB > 1 KB: whole older runs go, the newest stays.
    expect(runs).toEqual(['run29'])
  })

  it('keeps the last N runs when they fit', async () => {
    fill(30, 10)
    expect(await trimRunLog(logFile(), 10_000, 5)).toBe(true)
    expect([...new Set(readRunLog(logFile()).map((l) => l.run))]).toEqual(['run25', 'run26', 'run27', 'run28', 'run29'])
    expect(statSync(logFile()).size).toBeLessThan(10_000)
  })

  it('does nothing under the limit, and RunLog.open trims', async () => {
    fill(3, 2)
    const before = readFileSync(logFile(), 'utf8')
    expect(await trimRunLog(logFile(), 1_000_000, 1)).toBe(false)
    expect(readFileSync(logFile(), 'utf8')).toBe(before)
    await RunLog.open(site, { maxBytes: 100, keepRuns: 2, env: {} })
    expect([...new Set(readRunLog(logFile()).map((l) => l.run))]).toEqual(['run2'])
  })
})

describe('secrets helpers', () => {
  it('reads secret-named values from .env text', () => {
    expect(secretsFromDotEnv('# c\nOPENAI_API_KEY="sk-abc"\nexport HF_TOKEN=hf_x\nPORT=3000\nEMPTY_SECRET=\n')).toEqual(
      ['sk-abc', 'hf_x'],
    )
  })
  it('removes a longer secret whole even when it contains a shorter one', () => {
    const scrub = createScrubber({ env: { A_KEY: 'abcdef', B_KEY: 'abcdefghij' } })
    expect(scrub('x abcdefghij y abcdef')).toBe('x [redacted] y [redacted]')
  })
})
