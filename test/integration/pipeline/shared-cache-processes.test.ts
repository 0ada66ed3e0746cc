import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CacheEntrySchema } from '../../../plugin/store/model-cache.js'
import { createTempSite, REPO, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/** Issue 4, acceptance 2: one cache directory, two processes building at once; a corrupt entry. */
const sites: TempSite[] = []
let cacheDir = ''
afterEach(async () => {
  for (const s of sites.splice(0)) await s.dispose()
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true })
})

function runChild(s: TempSite): Promise<{
  code: number | null
  out: { errors: string[]; changed: string[]; calls: number; log: string[] } | null
  stderr: string
}> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'run-child.ts'),
        JSON.stringify({ root: s.dir, options: s.pluginOptions() }),
      ],
      {
        cwd: REPO,
        env: { PATH: process.env.PATH, SITESMITH_CACHE_MODE: 'auto' },
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      const last = stdout.trim().split('\n').pop()
      resolve({ code, out: last ? JSON.parse(last) : null, stderr })
    })
  })
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((shard) => readdirSync(join(dir, shard)).map((f) => join(dir, shard, f)))
}

describe('two processes, one cache directory', () => {
  it('build the same site at once: both succeed, every entry is whole; a truncated entry is a warned miss', async () => {
    mkdirSync(join(REPO, 'test', '.tmp'), { recursive: true })
    cacheDir = mkdtempSync(join(REPO, 'test', '.tmp', 'shared-cache-'))
    for (let i = 0; i < 2; i++)
      sites.push(await createTempSite({ spec: 'specs/medium.md', respond: scriptedSite(), latencyMs: 30, cacheDir }))

    const [a, b] = await Promise.all(sites.map(runChild))
    for (const r of [a, b]) {
      expect(r.code, r.stderr).toBe(0)
      expect(r.out?.errors).toEqual([])
    }
    // Same inputs, same answers: the two sites are byte-identical.
    expect(sites[1].snapshot()).toEqual(sites[0].snapshot())
    const files = cacheFiles(cacheDir)
    expect(files.length).toBeGreaterThan(8)
    for (const f of files) {
      const { value } = JSON.parse(readFileSync(f, 'utf8')) as { value: { content?: string } }
      if (typeof value.content === 'string' && !('key' in value)) continue // stored file bytes
      expect(CacheEntrySchema.safeParse(value).success, f).toBe(true)
    }

    // Cut one answer in half, as a crash of another tool or a bad merge would.
    const victim = files.find(
      (f) =>
        (JSON.parse(readFileSync(f, 'utf8')) as { value: { label?: string } }).value.label === 'generate:prices-page',
    )!
    const text = readFileSync(victim, 'utf8')
    writeFileSync(victim, text.slice(0, text.length / 2))
    const third = await createTempSite({ spec: 'specs/medium.md', respond: scriptedSite(), cacheDir })
    sites.push(third)
    const c = await runChild(third)
    expect(c.code, c.stderr).toBe(0)
    expect(c.out?.log.join('\n')).toMatch(/warn: .*(corrupt|not valid|cannot be read|truncated|treating it as a miss)/i)
    // Exactly one model call: the answer that was lost; everything else replayed.
    expect(third.server.requests).toHaveLength(1)
    expect(third.server.requests[0].messages.find((m) => m.role === 'user')!.content).toMatch(/^File: prices\.html$/m)
    expect(third.snapshot()).toEqual(sites[0].snapshot())
    // The next write replaced the torn file with a whole entry.
    expect(
      CacheEntrySchema.safeParse((JSON.parse(readFileSync(victim, 'utf8')) as { value: unknown }).value).success,
    ).toBe(true)
  })
})
