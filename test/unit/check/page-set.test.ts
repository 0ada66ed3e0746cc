import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { PageIndex, PageSet } from '../../../plugin/check/page-set.js'

/** PageSet (issue #13, scale) must behave exactly like a Set of page paths, small or as a bitset. */
describe('PageSet', () => {
  it('matches a Set<string> through any mix of add and addAll, across the bitset threshold', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), set: fc.nat(3), page: fc.nat(300) }),
      fc.record({ kind: fc.constant('addAll' as const), set: fc.nat(3), from: fc.nat(3) }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const index = new PageIndex()
        const sets = Array.from({ length: 4 }, () => new PageSet(index))
        const model = Array.from({ length: 4 }, () => new Set<string>())
        for (const o of ops) {
          if (o.kind === 'add') {
            sets[o.set].add(`p${o.page}.html`)
            model[o.set].add(`p${o.page}.html`)
          } else {
            const before = new Set(model[o.set])
            const added = sets[o.set].addAll(sets[o.from])
            for (const p of model[o.from]) model[o.set].add(p)
            expect(new Set(added)).toEqual(new Set([...model[o.set]].filter((p) => !before.has(p))))
            expect(added.size).toBe(model[o.set].size - before.size)
          }
        }
        for (let i = 0; i < 4; i++) {
          expect(sets[i].size).toBe(model[i].size)
          expect(new Set(sets[i])).toEqual(model[i])
          for (let p = 0; p < 300; p += 7) expect(sets[i].has(`p${p}.html`)).toBe(model[i].has(`p${p}.html`))
          // Iteration follows registration order, whatever the insertion order.
          const numbers = [...sets[i].numbers()]
          expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
        }
      }),
      { numRuns: 200 },
    )
  })

  it('a large set passes on only the pages that are new', () => {
    const index = new PageIndex()
    const a = new PageSet(index)
    const b = new PageSet(index)
    for (let i = 0; i < 1000; i++) a.add(`page-${i}.html`)
    for (let i = 500; i < 1500; i++) b.add(`page-${i}.html`)
    const added = a.addAll(b)
    expect(added.size).toBe(500)
    expect([...added][0]).toBe('page-1000.html')
    expect(a.size).toBe(1500)
    expect(a.addAll(b).size).toBe(0)
    expect(a.has('page-1499.html')).toBe(true)
    expect(a.has('unknown.html')).toBe(false)
  })
})
