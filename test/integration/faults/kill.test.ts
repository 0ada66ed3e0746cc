import { describe, expect, it } from 'vitest'
import { testSeed } from '../../helpers/seeded.js'
import { runKillLoop } from './kill-loop.js'

/**
 * Crash safety (issue 7), see kill-loop.ts: 30 SIGKILLs at seeded random moments of a
 * 20-task generation in a child process; after each, every file is absent (as before), its
 * old version or one whole answer, the artifacts parse, the person's files are untouched;
 * every revision is then finished by a normal run with no errors, no file mistaken for a
 * hand edit and a tracker that agrees with disk.
 */
describe('SIGKILL during a 20-task run', () => {
  it('30 kills at random moments leave every file whole and the next run completes', { timeout: 240_000 }, async () => {
    const report = await runKillLoop({ kills: 30, seed: testSeed('kill loop', 7) })
    expect(report.problems).toEqual([])
    expect(report.filesCorrupted).toBe(0)
    expect(report.killPointsTried).toBe(30)
    // The moments really are spread over the run, not bunched at its start.
    expect(Math.max(...report.killDelaysMs)).toBeGreaterThan(report.spanMs / 2)
  })
})
