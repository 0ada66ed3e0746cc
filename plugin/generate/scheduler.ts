/**
 * Runs a dependency DAG with bounded concurrency: a task starts as soon as everything it
 * depends on has finished, at most `concurrency` at a time. A failed task does not stop
 * independent work; its dependents are reported as blocked (issue 3: "independent tasks
 * still complete").
 */
export interface DagNode {
  id: string
  dependsOn: readonly string[]
}

export type DagOutcome<R> =
  | { id: string; status: 'done'; result: R }
  | { id: string; status: 'failed'; error: unknown }
  | { id: string; status: 'blocked'; blockedBy: string }

export async function runDag<N extends DagNode, R>(
  nodes: readonly N[],
  concurrency: number,
  work: (node: N) => Promise<R>,
  signal?: AbortSignal,
): Promise<Map<string, DagOutcome<R>>> {
  const limit = Math.max(1, Math.floor(concurrency))
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const waiting = new Map<string, Set<string>>()
  const dependents = new Map<string, string[]>()
  for (const n of nodes) {
    // Dependencies outside this DAG (already done in an earlier run) do not block.
    const deps = new Set(n.dependsOn.filter((d) => byId.has(d) && d !== n.id))
    waiting.set(n.id, deps)
    for (const d of deps) dependents.set(d, [...(dependents.get(d) ?? []), n.id])
  }
  const outcomes = new Map<string, DagOutcome<R>>()
  // Stable order: ready tasks start in plan order, so runs are reproducible.
  const ready = nodes.filter((n) => waiting.get(n.id)!.size === 0).map((n) => n.id)
  let running = 0

  return new Promise((resolve) => {
    const finish = (id: string, outcome: DagOutcome<R>) => {
      outcomes.set(id, outcome)
      for (const dep of dependents.get(id) ?? []) {
        if (outcomes.has(dep)) continue
        if (outcome.status !== 'done') {
          finish(dep, { id: dep, status: 'blocked', blockedBy: outcome.status === 'blocked' ? outcome.blockedBy : id })
          continue
        }
        const w = waiting.get(dep)!
        w.delete(id)
        if (w.size === 0) ready.push(dep)
      }
    }
    const pump = () => {
      while (running < limit && ready.length > 0) {
        const id = ready.shift()!
        if (outcomes.has(id)) continue
        if (signal?.aborted) {
          finish(id, { id, status: 'failed', error: signal.reason ?? new Error('aborted') })
          continue
        }
        running++
        work(byId.get(id)!)
          .then(
            (result) => finish(id, { id, status: 'done', result }),
            (error) => finish(id, { id, status: 'failed', error }),
          )
          .finally(() => {
            running--
            pump()
          })
      }
      if (running === 0 && ready.length === 0) {
        // Anything left waits on a cycle the plan validator should have caught.
        for (const n of nodes)
          if (!outcomes.has(n.id)) outcomes.set(n.id, { id: n.id, status: 'blocked', blockedBy: 'a dependency cycle' })
        resolve(outcomes)
      }
    }
    pump()
  })
}
