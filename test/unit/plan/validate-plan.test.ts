import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'
import { findCycle, validatePlan, type PlanContext } from '../../../plugin/plan/validate-plan.js'
import type { Task } from '../../../plugin/store/artifact-schemas.js'

const ctx: PlanContext = {
  siteDir: '/srv/site',
  protectedPaths: ['/srv/site/spec.md'],
  sectionIds: new Set(['home', 'about', 'style']),
  generatedPaths: new Set(['old.html']),
  existingPaths: new Set(['old.html', 'index.html']),
}
const t = (id: string, path: string, extra: Partial<Task> = {}): Task => ({
  id,
  action: 'create',
  path,
  instructions: 'write it',
  dependsOn: [],
  sections: [],
  ...extra,
})

describe('validatePlan', () => {
  it('accepts a sound plan', () => {
    expect(
      validatePlan(
        [
          t('style', 'css/style.css', { sections: ['style'] }),
          t('home', 'index.html', { dependsOn: ['style'], sections: ['home'] }),
        ],
        ctx,
      ),
    ).toEqual([])
  })

  it.each([
    [[t('a', '../x.html')], 'path', '".."'],
    [[t('a', '/etc/passwd.html')], 'path', 'absolute'],
    [[t('a', '.env')], 'path', 'environment file'],
    [[t('a', 'a.html', { dependsOn: ['ghost'] })], 'dependsOn', 'unknown task id "ghost"'],
    [
      [t('a', 'a.html', { dependsOn: ['b'] }), t('b', 'b.html', { dependsOn: ['a'] })],
      'dependsOn',
      'cycle: a -> b -> a',
    ],
    [[t('a', 'a.html'), t('b', 'a.html')], 'path', 'also written by task "a"'],
    [[t('a', 'a.html'), t('a', 'b.html')], 'id', 'more than one task'],
    [[t('a', 'spec.md')], 'path', 'extension'],
    [[t('a', 'user.html', { action: 'delete' })], 'action', 'did not generate'],
    [[t('a', 'new.html', { action: 'update', target: 'body' })], 'action', 'does not exist'],
    [[t('a', 'index.html', { action: 'update' })], 'target', 'needs a target'],
    [[t('a', 'a.html', { sections: ['nope'] })], 'sections', 'unknown spec section "nope"'],
  ] as const)('rejects %j (%s)', (tasks, field, text) => {
    const problems = validatePlan([...tasks], ctx)
    expect(
      problems.some((p) => p.field === field && p.message.includes(text)),
      JSON.stringify(problems),
    ).toBe(true)
  })

  it('an update of a page a person wrote says so, rather than "does not exist"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sitesmith-plan-'))
    try {
      writeFileSync(join(dir, 'mine.html'), '<p>mine</p>')
      const problems = validatePlan([t('a', 'mine.html', { action: 'update', target: 'body' })], {
        ...ctx,
        siteDir: dir,
        protectedPaths: [],
      })
      expect(problems.map((p) => p.message)).toEqual([
        'updates "mine.html", which a person wrote; sitesmith only updates files it generated',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('finds long cycles without recursion limits', () => {
    const n = 5000
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, dependsOn: [`t${(i + 1) % n}`] }))
    expect(findCycle(tasks)?.length).toBe(n + 1)
    expect(findCycle(tasks.slice(0, -1).map((x, i) => (i === n - 2 ? { ...x, dependsOn: [] } : x)))).toBeNull()
  })
})
