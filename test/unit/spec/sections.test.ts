import { describe, expect, it } from 'vitest'
import { diffSections, parseSpec, sectionHashes } from '../../../plugin/spec/sections.js'

const SPEC = `Intro text before any heading.

# Acme Bakery

A small bakery site.

## Home page
Hero with today's bread.

## About page
Our story.

\`\`\`md
## not a heading inside a fence
\`\`\`

### Team
Three bakers.

## About page
A second section with the same title.
`

describe('parseSpec', () => {
  it('splits at every heading level, flat, with stable ids and 1-based lines', () => {
    const { sections } = parseSpec(SPEC)
    expect(sections.map((s) => [s.id, s.level, s.line])).toEqual([
      ['preamble', 0, 1],
      ['acme-bakery', 1, 3],
      ['home-page', 2, 7],
      ['about-page', 2, 10],
      ['team', 3, 17],
      ['about-page-2', 2, 20],
    ])
    expect(sections[3].text).toContain('## not a heading inside a fence')
  })

  it('changes only the edited section hash, and ignores CRLF vs LF', () => {
    const a = parseSpec(SPEC)
    const b = parseSpec(SPEC.replace('Three bakers.', 'Four bakers.'))
    const c = parseSpec(SPEC.replace(/\n/g, '\r\n'))
    expect(c.hash).toBe(a.hash)
    const d = diffSections(sectionHashes(a.sections), b.sections)
    expect(d.changed).toEqual(['team'])
    expect(d.added).toEqual([])
    expect(d.removed).toEqual([])
    expect(a.hash).not.toBe(b.hash)
  })

  it('reports added and removed sections', () => {
    const a = parseSpec(SPEC)
    const b = parseSpec(SPEC.replace('### Team\nThree bakers.\n', '') + '\n## Contact\nA form.\n')
    const d = diffSections(sectionHashes(a.sections), b.sections)
    expect(d.removed).toEqual(['team'])
    expect(d.added).toEqual(['contact'])
  })
})
