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

describe('section ids of repeated and emoji-only headings follow their text (#12)', () => {
  const HOURS = `## Home page\nWelcome.\n\n## Opening hours\nTown shop: 8-18.\n\n## Opening hours\nHarbour kiosk: 9-14.\n`
  const ids = (text: string, previous?: Record<string, string>) => parseSpec(text, previous).sections.map((s) => s.id)
  const town = '## Opening hours\nTown shop: 8-18.\n\n'

  it('deleting the first of two keeps the second one its id', () => {
    const before = parseSpec(HOURS)
    expect(before.sections.map((s) => s.id)).toEqual(['home-page', 'opening-hours', 'opening-hours-2'])
    const after = parseSpec(HOURS.replace(town, ''), sectionHashes(before.sections))
    expect(after.sections.map((s) => s.id)).toEqual(['home-page', 'opening-hours-2'])
    expect(diffSections(sectionHashes(before.sections), after.sections)).toEqual({
      added: [],
      changed: [],
      removed: ['opening-hours'],
      unchanged: ['home-page', 'opening-hours-2'],
    })
  })

  it('reordering them changes no id; editing one changes only its own', () => {
    const previous = sectionHashes(parseSpec(HOURS).sections)
    const swapped = HOURS.replace(town, '') + '\n' + town
    expect(ids(swapped, previous)).toEqual(['home-page', 'opening-hours-2', 'opening-hours'])
    const edited = parseSpec(HOURS.replace('9-14', '10-15'), previous)
    expect(diffSections(previous, edited.sections).changed).toEqual(['opening-hours-2'])
  })

  it('a new repeat is an added section; an id never goes to two sections', () => {
    const first = parseSpec(HOURS.replace(town, ''), sectionHashes(parseSpec(HOURS).sections))
    const third = parseSpec(
      `## Opening hours\nA third shop.\n\n` + HOURS.replace(town, ''),
      sectionHashes(first.sections),
    )
    expect(third.sections.map((s) => s.id)).toEqual(['opening-hours', 'home-page', 'opening-hours-2'])
    expect(diffSections(sectionHashes(first.sections), third.sections).added).toEqual(['opening-hours'])
    // A heading whose own slug is "opening-hours-2" keeps it; the repeat goes elsewhere.
    expect(ids(`## Opening hours\na\n## Opening hours 2\nb\n## Opening hours\nc\n`)).toEqual([
      'opening-hours',
      'opening-hours-2',
      'opening-hours-3',
    ])
  })

  it('emoji-only headings: deleting the first keeps the second its id', () => {
    const spec = `## 🕗\nHours.\n\n## ⚓\nHarbour.\n`
    const before = parseSpec(spec)
    expect(before.sections.map((s) => s.id)).toEqual(['section', 'section-2'])
    expect(ids(spec.replace('## 🕗\nHours.\n\n', ''), sectionHashes(before.sections))).toEqual(['section-2'])
  })

  it('unique headings keep their slug whatever the previous plan says', () => {
    const previous = sectionHashes(parseSpec(SPEC).sections)
    expect(ids(SPEC.replace('Three bakers.', 'Four bakers.'), previous)).toEqual(ids(SPEC))
  })
})
