import { describe, expect, it } from 'vitest'
import { formatFindingsText } from '../../../plugin/diagnostics/render-text.js'
import { failingFindingsError, formatRunFailure } from '../../../plugin/report/run-summary.js'
import { siteSources } from '../../../plugin/diagnostics/site-source.js'
import { Progress } from '../../../plugin/report/progress.js'
import { overlayState } from '../../../plugin/vite/dev-overlay.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'

/**
 * Issue #10, case 7: page console text (a runtime finding) and model-chosen names reach the
 * terminal and Vite's overlay. An OSC sequence can retitle the window or plant a hyperlink,
 * CSI 2J clears the screen; every control byte must arrive escaped, as visible text.
 */
const HOSTILE = 'boom \u001b]0;owned\u0007\u001b[2J\u001b]8;;http://evil.example\u0007click\u009b31m'
const finding: Finding = {
  rule: 'runtime-error',
  severity: 'error',
  file: 'js/main.js',
  line: 3,
  column: 1,
  message: `console.error: ${HOSTILE}`,
  page: 'index.html',
}
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

describe('no raw control byte from a page or a model reaches a terminal or the overlay', () => {
  it.each([
    ['sitesmith check text output', () => formatFindingsText([finding])],
    [
      'the failing-findings build error',
      () => failingFindingsError([finding], 'error', siteSources('/nonexistent')).message,
    ],
    ['a run failure', () => formatRunFailure(new Error(`task "x" (${HOSTILE}.html): refused`))],
    [
      'the overlay',
      () =>
        overlayState({
          findings: [finding],
          failed: [],
          hasSite: true,
          loads: new Map([['index.html', new Set(['js/main.js'])]]),
          siteDir: '/nonexistent',
          pluginName: 'p',
        }).pages['index.html'].message,
    ],
    [
      'a progress line',
      () => {
        const printed: string[] = []
        new Progress({
          logger: { info: (m) => printed.push(m), warn: (m) => printed.push(m), error: (m) => printed.push(m) },
          name: 'sitesmith',
        }).line(`wrote ${HOSTILE}.html`)
        return printed.join('\n')
      },
    ],
  ])('%s', (_name, render) => {
    const text = render()
    expect(text.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW)
    expect(text).toContain('\\x1b]0;owned\\x07')
  })
})
