import { describe, expect, it } from 'vitest'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { distFindingsNotInRun } from '../../../plugin/vite/validate-dist.js'

const overflow = (file: string, line: number): Finding => ({
  rule: 'layout-overflow',
  severity: 'error',
  file,
  line,
  column: 5,
  message: 'at 390 px: the page scrolls sideways (410 px wide in a 390 px viewport)',
})

describe('distFindingsNotInRun (#14: vite build says each defect once)', () => {
  it('drops the built copy of a defect the run reported for its source, whatever its line', () => {
    const run = [overflow('index.html', 23), overflow('crew.html', 23)]
    const dist = [overflow('dist/index.html', 24), overflow('dist/crew.html', 24), overflow('dist/join.html', 24)]
    expect(distFindingsNotInRun(dist, run, 'dist')).toEqual([overflow('dist/join.html', 24)])
  })

  it('keeps a dist/ finding whose rule or message differs, or that is outside the out folder name', () => {
    const run = [overflow('index.html', 23)]
    const other = { ...overflow('dist/index.html', 24), message: 'at 390 px: the page scrolls sideways (500 px wide)' }
    const broken = { ...overflow('dist/index.html', 9), rule: 'broken-link', message: 'assets/x.css does not exist' }
    const elsewhere = overflow('build/index.html', 24)
    expect(distFindingsNotInRun([other, broken, elsewhere], run, 'dist')).toEqual([other, broken, elsewhere])
  })
})
