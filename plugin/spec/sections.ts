import { sha256 } from '../store/atomic-write.js'

/**
 * The spec split into sections at markdown headings, each with a content hash. Sections
 * are flat: a heading owns the text up to the next heading of any level, so editing one
 * `### About` subsection changes only that section's hash (issue 4: a one-section edit
 * redoes only the tasks serving that section).
 */
export interface SpecSection {
  /** Stable id from the heading text (`about-page`), `-2`, `-3`… for repeats; `preamble` for text before the first heading. */
  id: string
  heading: string
  level: number
  /** 1-based line of the heading in spec.md (for errors and `sitesmith plan`). */
  line: number
  /** Heading line plus body, trailing whitespace trimmed. */
  text: string
  /** sha256 of `text`. */
  hash: string
}

export interface ParsedSpec {
  hash: string
  sections: SpecSection[]
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/
const FENCE = /^[ \t]{0,3}(```|~~~)/

export function parseSpec(source: string): ParsedSpec {
  const text = source.replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const sections: SpecSection[] = []
  const seen = new Map<string, number>()
  let current: { heading: string; level: number; line: number; body: string[] } = { heading: '', level: 0, line: 1, body: [] }
  let fence: string | null = null

  const flush = () => {
    const body = current.body.join('\n').replace(/\s+$/, '')
    if (current.level === 0 && body.trim() === '') return
    const base = current.level === 0 ? 'preamble' : slug(current.heading)
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    const id = n === 1 ? base : `${base}-${n}`
    const full = current.level === 0 ? body : `${'#'.repeat(current.level)} ${current.heading}${body ? '\n' + body : ''}`
    sections.push({ id, heading: current.heading, level: current.level, line: current.line, text: full, hash: sha256(full) })
  }

  lines.forEach((line, i) => {
    const f = FENCE.exec(line)
    if (f) fence = fence === null ? f[1] : fence === f[1] ? null : fence
    const h = fence === null ? HEADING.exec(line) : null
    if (h) {
      flush()
      current = { heading: h[2], level: h[1].length, line: i + 1, body: [] }
    } else {
      current.body.push(line)
    }
  })
  flush()
  return { hash: sha256(text.replace(/\s+$/, '') + '\n'), sections }
}

/** Which section ids were added, changed or removed between two plans' section hashes. */
export function diffSections(
  previous: Record<string, string>,
  next: SpecSection[],
): { added: string[]; changed: string[]; removed: string[]; unchanged: string[] } {
  const nextIds = new Set(next.map((s) => s.id))
  const out = { added: [] as string[], changed: [] as string[], removed: [] as string[], unchanged: [] as string[] }
  for (const s of next) {
    if (!(s.id in previous)) out.added.push(s.id)
    else if (previous[s.id] !== s.hash) out.changed.push(s.id)
    else out.unchanged.push(s.id)
  }
  for (const id of Object.keys(previous)) if (!nextIds.has(id)) out.removed.push(id)
  return out
}

export function sectionHashes(sections: SpecSection[]): Record<string, string> {
  return Object.fromEntries(sections.map((s) => [s.id, s.hash]))
}

function slug(heading: string): string {
  const s = heading
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[`*_~[\]()]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return s || 'section'
}
