import { describe, expect, it } from 'vitest'
import { mergePlan } from '../../../plugin/plan/merge-plan.js'
import type { Task } from '../../../plugin/store/artifact-schemas.js'

const t = (id: string, path: string, sections: string[], extra: Partial<Task> = {}): Task => ({
  id,
  action: 'create',
  path,
  instructions: 'x',
  dependsOn: [],
  sections,
  ...extra,
})
const previous = [
  t('style', 'css/style.css', ['look']),
  t('home', 'index.html', ['home'], { dependsOn: ['style'] }),
  t('faq', 'faq.html', ['faq'], { dependsOn: ['style'] }),
]

describe('mergePlan', () => {
  it('replaces the task of a path, adds new ones, deletes on request', () => {
    const m = mergePlan(
      previous,
      [
        t('home', 'index.html', ['home'], { action: 'update', target: '#hero' }),
        t('contact', 'contact.html', ['contact']),
        t('faq', 'faq.html', [], { action: 'delete' }),
      ],
      new Set(),
    )
    expect(m.tasks.map((x) => `${x.id}:${x.action}`)).toEqual(['style:create', 'home:update', 'contact:create'])
    expect(m.deletes.map((x) => x.path)).toEqual(['faq.html'])
  })

  it('deletes files whose sections are all gone and strips removed section ids', () => {
    const prev = [...previous, t('shared', 'about.html', ['about', 'faq'])]
    const m = mergePlan(prev, [], new Set(['faq']))
    expect(m.deletes.map((x) => x.path)).toEqual(['faq.html'])
    expect(m.tasks.find((x) => x.id === 'shared')?.sections).toEqual(['about'])
  })

  it('deletes a page whose own section is gone even though it also served shared ones', () => {
    const prev = [t('home', 'index.html', ['home', 'nav', 'footer']), t('faq', 'faq.html', ['faq', 'nav', 'footer'])]
    const m = mergePlan(prev, [], new Set(['faq']))
    expect(m.deletes.map((x) => x.path)).toEqual(['faq.html'])
    expect(m.tasks.map((x) => x.path)).toEqual(['index.html'])
    // Removing a shared section only strips it.
    const n = mergePlan(prev, [], new Set(['footer']))
    expect(n.deletes).toEqual([])
    expect(n.tasks.map((x) => x.sections)).toEqual([
      ['home', 'nav'],
      ['faq', 'nav'],
    ])
  })

  it('drops dependencies on deleted tasks', () => {
    const m = mergePlan([t('a', 'a.html', ['x']), t('b', 'b.html', ['y'], { dependsOn: ['a'] })], [], new Set(['x']))
    expect(m.tasks).toEqual([t('b', 'b.html', ['y'])])
  })
})
