import { describe, expect, it } from 'vitest'
import { runDag } from '../../../plugin/generate/scheduler.js'

// One turn of the event loop: the other tasks run meanwhile (no timed sleep, #11).
const tick = () => new Promise<void>((r) => setImmediate(r))

describe('runDag', () => {
  it('runs dependencies first and never more than `concurrency` at once', async () => {
    const nodes = [
      { id: 'css', dependsOn: [] },
      { id: 'js', dependsOn: [] },
      { id: 'a', dependsOn: ['css', 'js'] },
      { id: 'b', dependsOn: ['css'] },
      { id: 'c', dependsOn: ['css'] },
      { id: 'd', dependsOn: ['a', 'b'] },
    ]
    const finished: string[] = []
    let running = 0
    let peak = 0
    const out = await runDag(nodes, 2, async (n) => {
      for (const d of n.dependsOn) expect(finished).toContain(d)
      running++
      peak = Math.max(peak, running)
      await tick()
      running--
      finished.push(n.id)
      return n.id.toUpperCase()
    })
    expect(peak).toBe(2)
    expect(finished).toHaveLength(6)
    expect(out.get('d')).toEqual({ id: 'd', status: 'done', result: 'D' })
  })

  it('blocks only the dependents of a failed task', async () => {
    const nodes = [
      { id: 'x', dependsOn: [] },
      { id: 'y', dependsOn: ['x'] },
      { id: 'z', dependsOn: ['y'] },
      { id: 'free', dependsOn: [] },
    ]
    const out = await runDag(nodes, 4, async (n) => {
      await tick()
      if (n.id === 'x') throw new Error('boom')
      return n.id
    })
    expect(out.get('x')?.status).toBe('failed')
    expect(out.get('y')).toEqual({ id: 'y', status: 'blocked', blockedBy: 'x' })
    expect(out.get('z')).toEqual({ id: 'z', status: 'blocked', blockedBy: 'x' })
    expect(out.get('free')?.status).toBe('done')
  })

  it('uses the available width: 4 independent chains finish in about one chain time at concurrency 4', async () => {
    const nodes = Array.from({ length: 8 }, (_, i) => ({ id: `n${i}`, dependsOn: i >= 4 ? [`n${i - 4}`] : [] }))
    let running = 0
    let peak = 0
    await runDag(nodes, 4, async () => {
      running++
      peak = Math.max(peak, running)
      await tick()
      running--
    })
    expect(peak).toBe(4)
  })
})
