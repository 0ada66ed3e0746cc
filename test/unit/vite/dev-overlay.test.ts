import { describe, expect, it } from 'vitest'
import { dedupeFindings, inUserWords, overlayState } from '../../../plugin/vite/dev-overlay.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { MissingCredentialsError } from '../../../plugin/llm/errors.js'

const f = (rule: string, file: string, line: number, message: string, page?: string): Finding => ({
  rule,
  severity: 'error',
  file,
  line,
  column: 3,
  message,
  ...(page ? { page } : {}),
})

const loads = new Map([
  ['index.html', new Set(['css/style.css', 'js/main.js'])],
  ['about.html', new Set(['css/style.css', 'js/main.js', 'js/map.js'])],
  ['blog/post.html', new Set(['css/style.css'])],
])
const base = { failed: [], hasSite: true, loads, siteDir: '/nowhere', pluginName: 'vite-plugin-sitesmith' }

describe('the dev overlay state (#14)', () => {
  it('a finding in a page goes to that page only; one in a shared file to the pages that load it', () => {
    const s = overlayState({
      ...base,
      findings: [
        f('broken-link', 'about.html', 12, 'The link to volunteer.html leads to no file'),
        f('missing-element', 'js/map.js', 4, 'No element #map'),
      ],
    })
    expect(Object.keys(s.pages)).toEqual(['about.html'])
    expect(s.pages['about.html'].message).toBe(
      'sitesmith: 2 problems on this page\nabout.html:12:3  The link to volunteer.html leads to no file\njs/map.js:4:3  No element #map',
    )
    const shared = overlayState({
      ...base,
      findings: [f('undefined-css-variable', 'css/style.css', 9, 'var(--accent) is defined nowhere')],
    })
    expect(Object.keys(shared.pages).sort()).toEqual(['about.html', 'blog/post.html', 'index.html'])
    expect(shared.all).toBeNull()
  })

  it('a runtime finding goes to the page it happened on, even when the file is shared', () => {
    const s = overlayState({
      ...base,
      findings: [f('runtime-error', 'js/main.js', 7, 'Uncaught TypeError: x is null', 'index.html')],
    })
    expect(Object.keys(s.pages)).toEqual(['index.html'])
  })

  it('one defect reported by a rule and by the browser is listed once, in the static wording', () => {
    const one = dedupeFindings([
      f('runtime-error', 'about.html', 20, 'Uncaught ReferenceError: openMap is not defined', 'about.html'),
      f('unknown-handler', 'about.html', 20, 'onclick calls openMap(), which no script of this page defines'),
    ])
    expect(one.map((x) => x.rule)).toEqual(['unknown-handler'])
  })

  it('warnings are not shown; a failed task is shown on its page as "you see its previous version"', () => {
    const s = overlayState({
      ...base,
      findings: [{ ...f('unknown-css-property', 'css/style.css', 2, 'colr'), severity: 'warning' }],
      failed: [{ path: 'index.html', message: 'generate:home-page: the answer was not JSON' }],
    })
    expect(Object.keys(s.pages)).toEqual(['index.html'])
    expect(s.pages['index.html'].message).toContain(
      'index.html was not regenerated, so you see its previous version: writing the file for task "home-page": the answer was not JSON',
    )
  })

  it('a run that failed is shown on every page: not applied, the previous version, in plain words', () => {
    const error = new MissingCredentialsError(
      'no credentials for openai model gpt-4o-mini: set OPENAI_API_KEY',
      ['OPENAI_API_KEY'],
      { label: 'plan-delta', model: 'openai:gpt-4o-mini' },
    )
    const s = overlayState({ ...base, findings: [], runError: error })
    expect(s.all?.message).toBe(
      'sitesmith: your last edit to spec.md was not applied, so you see the previous version of the site.\n' +
        're-planning the sections you changed: no credentials for openai model gpt-4o-mini: set OPENAI_API_KEY (openai:gpt-4o-mini)',
    )
    expect(overlayState({ ...base, findings: [], runError: error, hasSite: false }).all?.message).toMatch(
      /^sitesmith: there is no site yet\./,
    )
  })

  it('internal stage names become words', () => {
    expect(inUserWords('No cached model answer for stage "plan-delta", request "plan-delta"')).toBe(
      'No cached model answer for re-planning the sections you changed',
    )
    expect(inUserWords('fix:css/style.css: timed out')).toBe('fixing css/style.css: timed out')
    // The labels of a sharded plan and a batched review (issue #16).
    expect(inUserWords('plan-group:3-repair: HTTP 500')).toBe('planning the site: HTTP 500')
    expect(inUserWords('plan-site:2: timed out')).toBe('planning the site: timed out')
    expect(inUserWords('plan-delta:2: timed out')).toBe('re-planning the sections you changed: timed out')
    expect(inUserWords('review:round-1:batch-2-of-5: timed out')).toBe('reviewing the changes: timed out')
    expect(inUserWords('No cached model answer for stage "plan-group", request "plan-group:4"')).toBe(
      'No cached model answer for planning the site',
    )
  })
})
