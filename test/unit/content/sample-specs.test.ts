/**
 * The sample specs in specs/ (used by tests and benchmarks) follow the heading convention
 * the planner prompt and the scripted test model rely on: one `## <Name> page` section per
 * page, shared concerns ("Look and feel", "Navigation", "Behaviour") as their own sections,
 * and no sub-headings (a sub-heading would split a page's text into a separate section).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { parseSpec } from '../../../plugin/spec/sections.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')

const CASES = [
  { file: 'specs/small.md', pages: ['home', 'projects', 'contact'] },
  { file: 'specs/medium.md', pages: ['home', 'services', 'prices', 'book', 'about', 'contact'] },
  {
    file: 'specs/large.md',
    pages: [
      'home',
      'about',
      'teams',
      'fixtures',
      'results',
      'news',
      'join',
      'contact',
      'gallery',
      'faq',
      'sponsors',
      'privacy',
    ],
  },
  { file: 'example-site/spec.md', pages: ['home', 'menu', 'order', 'about'] },
]

describe.each(CASES)('$file', ({ file, pages }) => {
  const spec = parseSpec(readFileSync(join(ROOT, file), 'utf8'))
  const ids = spec.sections.map((s) => s.id)

  it('has one "<Name> page" section per page, in order', () => {
    expect(ids.filter((id) => id.endsWith('-page'))).toEqual(pages.map((p) => `${p}-page`))
  })

  it('keeps shared concerns in their own sections', () => {
    expect(ids).toContain('look-and-feel')
    expect(ids).toContain('navigation')
    if (file.startsWith('specs/')) expect(ids).toContain('behaviour')
  })

  it('starts with one title heading and uses only level-2 headings below it', () => {
    expect(spec.sections[0].level).toBe(1)
    expect(spec.sections.slice(1).map((s) => s.level)).toEqual(spec.sections.slice(1).map(() => 2))
  })

  it('gives every section a body and a unique id', () => {
    expect(new Set(ids).size).toBe(ids.length)
    for (const s of spec.sections)
      expect(s.text.split('\n').slice(1).join('\n').trim().length, s.id).toBeGreaterThan(80)
  })
})
