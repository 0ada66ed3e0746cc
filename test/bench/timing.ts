/** Timing helpers shared by the benches: medians, and two contenders timed turn about. */

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/**
 * Wall times of `a` and `b` over `runs` alternating rounds (a, b, a, b, …), so that drift in
 * the machine's load falls on both alike; compare their medians, not single runs.
 */
export async function alternating(
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] }
  for (let i = 0; i < runs; i++) {
    let t = performance.now()
    await a()
    out.a.push(performance.now() - t)
    t = performance.now()
    await b()
    out.b.push(performance.now() - t)
  }
  return out
}
