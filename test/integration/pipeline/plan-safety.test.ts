import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'
import { jsonReply } from '../../loopback/server.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'

const SPEC = `# Site

## Home page
Welcome.

## About page
Who we are.
`

const task = (id: string, path: string, dependsOn: string[] = []) => ({
  id,
  action: 'create',
  path,
  instructions: `write ${path}`,
  dependsOn,
  sections: ['home-page'],
})

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

describe('a bad plan is rejected before anything is written', () => {
  it.each([
    ['a parent path', [task('a', '../x.html')], /task "a", path: path "\.\.\/x\.html" contains "\.\."/],
    ['an absolute path', [task('a', '/etc/cron.d/x.html')], /task "a", path: .*absolute/],
    ['an env file', [task('a', '.env')], /task "a", path: .*environment file/],
    ['the spec itself', [task('a', 'spec.md')], /task "a", path: .*extension "\.md"/],
    ['a cycle', [task('a', 'a.html', ['b']), task('b', 'b.html', ['a'])], /dependency cycle: a -> b -> a/],
    [
      'an unknown dependency',
      [task('a', 'a.html', ['ghost'])],
      /task "a", dependsOn: depends on unknown task id "ghost"/,
    ],
  ])('%s', async (_name, tasks, reason) => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({ override: (stage) => (stage.startsWith('plan') ? jsonReply({ tasks }) : undefined) }),
    })
    const error = await site.run().then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/rejected after one repair turn; nothing was written/)
    expect(error?.message).toMatch(reason)
    // One plan, one repair turn quoting the problem, then nothing more.
    expect(site.server.requests.map(stageOf)).toEqual(['plan', 'plan-repair'])
    expect(site.server.requests[1].lastUserMessage).toMatch(reason)
    expect([...site.snapshot().keys()]).toEqual(['spec.md'])
    expect(site.exists('.sitesmith/tasks.json')).toBe(false)
  })

  it('a plan fixed by its repair turn goes ahead', async () => {
    let first = true
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        override: (stage) => {
          if (stage !== 'plan' || !first) return undefined
          first = false
          return jsonReply({ tasks: [task('a', '../../etc/passwd.html')] })
        },
      }),
    })
    const result = await site.run({ review: { enabled: false } })
    expect(result.errors).toEqual([])
    expect(site.server.requests.slice(0, 2).map(stageOf)).toEqual(['plan', 'plan-repair'])
    expect(site.exists('index.html')).toBe(true)
  })
})

describe('no keys and a cache miss', () => {
  it('auto mode without OPENAI_API_KEY names the stage and the variables, and writes nothing', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    // The official endpoint (no baseURL) needs a key; none is set.
    const options = { planner: { provider: 'openai' as const, model: 'gpt-4o-mini' } }
    const error = await site.run(options, { env: { PATH: process.env.PATH } }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/OPENAI_API_KEY/)
    expect(error?.message).toMatch(/plan/)
    expect(site.server.requests).toHaveLength(0)
    expect([...site.snapshot().keys()]).toEqual(['spec.md'])
  })

  it('frozen mode names the missing task and file; files already cached are still written whole', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run({ review: { enabled: false } })
    // A new page appears in the spec; its answer is not in the cache.
    site.write('spec.md', SPEC + '\n## Contact page\nHow to reach us.\n')
    site.server.reset()
    const result = await site.run({ cacheMode: 'frozen', review: { enabled: false } }).catch((e: Error) => e)
    expect(site.server.requests).toHaveLength(0)
    // The delta plan itself is a miss: the error names the stage and what would fix it.
    expect(result).toBeInstanceOf(Error)
    expect((result as Error).message).toMatch(/stage "plan-delta"/)
    expect((result as Error).message).toMatch(/OPENAI_API_KEY/)
    expect(site.exists('contact.html')).toBe(false)
  })

  it('frozen mode with a cached plan but a missing file answer names that task', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run({ review: { enabled: false } })
    // Forget everything but the plan (answers and stored file bytes): the missing page can
    // only come from a model call.
    for (const shard of readdirSync(site.cacheDir)) {
      for (const f of readdirSync(join(site.cacheDir, shard))) {
        const entry = JSON.parse(readFileSync(join(site.cacheDir, shard, f), 'utf8')) as { value?: { label?: string } }
        if (entry.value?.label !== 'plan') rmSync(join(site.cacheDir, shard, f))
      }
    }
    rmSync(join(site.dir, 'about.html'))
    site.server.reset()
    const result = await site.run({ cacheMode: 'frozen', review: { enabled: false } })
    expect(site.server.requests).toHaveLength(0)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/task "about-page" \(about\.html\)/)
    expect(result.errors[0]).toMatch(/OPENAI_API_KEY|OLLAMA_HOST/)
    expect(site.exists('about.html')).toBe(false)
    expect(site.exists('index.html')).toBe(true)
  })
})
