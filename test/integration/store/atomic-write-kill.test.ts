import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

import { removeAtomicTempFiles } from '../../../plugin/store/atomic-write.js'
import { runFixture, stop } from './child.js'
import { prng, testSeed } from '../../helpers/seeded.js'

let dir: string | undefined
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('writeFileAtomic under SIGKILL', () => {
  it('the target is always one whole version, whenever the writer is killed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sitesmith-kill-'))
    const target = join(dir, 'index.html')
    await writeFile(target, 'original')
    const whole = new Set(['original', 'A'.repeat(2_000_000), 'B'.repeat(2_000_000)])
    const kills = 5
    const random = prng(testSeed('atomic-write kill moments', 5))
    for (let k = 0; k < kills; k++) {
      const writer = runFixture('atomic-writer.ts', [target])
      try {
        await writer.waitFor(/^writing$/)
        // The kill moment: a seeded random point in the write loop (each 2 MB write takes a few ms).
        await new Promise((r) => setTimeout(r, 5 + random() * 120))
      } finally {
        await stop(writer)
      }
      const content = await readFile(target, 'utf8')
      expect(
        whole.has(content),
        `kill ${k}: ${content.length} bytes, starts ${JSON.stringify(content.slice(0, 8))}`,
      ).toBe(true)
    }
    // Crash leftovers are recognisable temp files, and only those are cleaned up.
    await removeAtomicTempFiles(dir)
    expect(await readdir(dir)).toEqual(['index.html'])
  })
})
