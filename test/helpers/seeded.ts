/**
 * Seeded randomness for tests that pick random moments (where a process is killed, how long
 * a fake model takes): one PRNG and one way to choose the seed, so a failing run can be
 * replayed (#11). The seed is printed; `SITESMITH_TEST_SEED` overrides the default.
 */

/** mulberry32: small, seedable, good enough to spread kill moments. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `SITESMITH_TEST_SEED` when set (an integer), else `fallback`; printed with `what` either way. */
export function testSeed(what: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SITESMITH_TEST_SEED?.trim()
  const seed = raw ? Number(raw) : fallback
  if (!Number.isInteger(seed)) throw new Error(`SITESMITH_TEST_SEED must be an integer, got ${JSON.stringify(raw)}`)
  console.log(`${what}: seed ${seed} (replay with SITESMITH_TEST_SEED=${seed})`)
  return seed
}
