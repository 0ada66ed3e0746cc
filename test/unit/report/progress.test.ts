import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { Progress } from '../../../plugin/report/progress.js'

function fakeStream(isTTY: boolean) {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk))
      done()
    },
  }) as unknown as NodeJS.WriteStream
  ;(stream as { isTTY?: boolean }).isTTY = isTTY
  return { stream, chunks }
}

function logger() {
  const lines: string[] = []
  return {
    lines,
    logger: {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(`W ${m}`),
      error: (m: string) => lines.push(`E ${m}`),
    },
  }
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')

describe('Progress', () => {
  it('on a TTY redraws one live line with stage, done/total, cache hits, tokens and elapsed time', () => {
    const { stream, chunks } = fakeStream(true)
    const { lines, logger: l } = logger()
    const p = new Progress({ logger: l, stream, env: {} })
    p.setStage('generate', 3)
    p.call(true, 0)
    p.call(false, 1200)
    p.step()
    const last = strip(chunks.at(-1)!)
    expect(last).toMatch(/^\r\[sitesmith\] generate 1\/3 · cache 1 hit, 1 call · 1200 tokens · \d+\.\ds$/)
    p.step('wrote index.html')
    // The lasting line is printed through the logger, the live line is cleared around it.
    expect(strip(lines[0])).toBe('[sitesmith] wrote index.html')
    p.finish()
    expect(chunks.at(-1)).toBe('\r\x1b[2K')
  })

  it('in CI or a pipe prints only plain lines, no carriage returns', () => {
    for (const [isTTY, env] of [
      [true, { CI: 'true' }],
      [false, {}],
    ] as const) {
      const { stream, chunks } = fakeStream(isTTY)
      const { lines, logger: l } = logger()
      const p = new Progress({ logger: l, stream, env })
      p.setStage('generate', 2)
      p.call(false, 10)
      p.step('wrote a.html')
      p.step()
      p.finish()
      expect(chunks).toEqual([])
      expect(lines.map(strip)).toEqual(['[sitesmith] wrote a.html'])
    }
  })
})
