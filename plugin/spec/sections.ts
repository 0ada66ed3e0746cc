import { sha256 } from '../store/atomic-write.js'

/**
 * The spec split into sections at markdown headings, each with a content hash. Sections
 * are flat: a heading owns the text up to the next heading of any level, so editing one
 * `### About` subsection changes only that section's hash (issue 4: a one-section edit
 * redoes only the tasks serving that section).
 */
export interface SpecSection {
  /**
   * Stable id from the heading text (`about-page`), `-2`, `-3`… for repeats; `preamble` for text
   * before the first heading. A repeated or emoji-only heading keeps the id the previous plan
   * gave its text (see `assignIds`), so deleting or moving one never hands its id to another.
   */
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

/**
 * Split `source` into sections. `previous` is the last plan's section id → hash
 * (`tasks.json` sectionHashes): ids of headings that occur more than once are matched to it
 * so that they follow their text (#12).
 */
export function parseSpec(source: string, previous: Readonly<Record<string, string>> = {}): ParsedSpec {
  const text = source.replace(/\r\n?/g, '\n')
  const lines = text.split('\n')
  const raw: Omit<SpecSection, 'id'>[] = []
  const bases: string[] = []
  let current: { heading: string; level: number; line: number; body: string[] } = {
    heading: '',
    level: 0,
    line: 1,
    body: [],
  }
  let fence: string | null = null

  const flush = () => {
    const body = current.body.join('\n').replace(/\s+$/, '')
    if (current.level === 0 && body.trim() === '') return
    bases.push(current.level === 0 ? 'preamble' : slug(current.heading))
    const full =
      current.level === 0 ? body : `${'#'.repeat(current.level)} ${current.heading}${body ? '\n' + body : ''}`
    raw.push({ heading: current.heading, level: current.level, line: current.line, text: full, hash: sha256(full) })
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
  const ids = assignIds(
    bases,
    raw.map((r) => r.hash),
    previous,
  )
  const sections = raw.map((r, i) => ({ id: ids[i], ...r }))
  return { hash: sha256(text.replace(/\s+$/, '') + '\n'), sections }
}

/**
 * Ids for sections whose slugs are `bases` (#12). Without a previous plan, and for every
 * heading whose text is unchanged, this is the slug with `-2`, `-3`… for repeats in order —
 * the ids prompts and cache keys have always used. Sections sharing a slug (two
 * `## Opening hours`, or emoji-only headings, which all slug to `section`) are matched to
 * the previous plan's ids of that slug: first by identical text, then the rest in order; a
 * section left over gets an id no previous or current section used. So deleting the first
 * of two same-named sections removes only its id, and reordering them changes no id.
 */
function assignIds(bases: string[], hashes: string[], previous: Readonly<Record<string, string>>): string[] {
  const reserved = new Set(bases)
  const used = new Set<string>()
  const ids = new Array<string>(bases.length)
  const numbered = (base: string, id: string) => id.startsWith(`${base}-`) && /^\d+$/.test(id.slice(base.length + 1))
  const rank = (base: string, id: string) => (id === base ? 1 : Number(id.slice(base.length + 1)))
  for (const base of new Set(bases)) {
    const members = bases.flatMap((b, i) => (b === base ? [i] : []))
    // The previous ids of this slug, in their original order; an id that is another
    // current heading's own slug (`## Opening hours 2`) belongs to that heading.
    const known = Object.keys(previous)
      .filter((id) => !used.has(id) && (id === base || (numbered(base, id) && !reserved.has(id))))
      .sort((a, b) => rank(base, a) - rank(base, b))
    const left = members.filter((i) => {
      const at = known.findIndex((id) => previous[id] === hashes[i])
      if (at < 0) return true
      ids[i] = known.splice(at, 1)[0]
      return false
    })
    for (const i of left) ids[i] = known.shift() ?? ''
    for (const i of members) if (ids[i]) used.add(ids[i])
    for (const i of left) {
      if (ids[i]) continue
      ids[i] = freshId(base, (id) => used.has(id) || id in previous || (id !== base && reserved.has(id)))
      used.add(ids[i])
    }
  }
  return ids
}

function freshId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base
  let n = 2
  while (taken(`${base}-${n}`)) n++
  return `${base}-${n}`
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
