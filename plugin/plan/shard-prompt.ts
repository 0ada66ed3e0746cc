import { z } from 'zod'
import { clipText } from '../llm/pack-prompt.js'
import type { ChatMessage } from '../llm/types.js'
import type { SpecSection } from '../spec/sections.js'
import type { Task, TrackedFile } from '../store/artifact-schemas.js'
import { PlannedTaskSchema } from './plan-schema.js'
import { USER_FILES_NOTE, formatSections, userFileLine } from './plan-prompt.js'

/**
 * Prompts of a sharded plan (issue #16): a site plan (the shared files and the page list), then
 * one call per group of pages. Only specs too big for one call get these; smaller ones keep
 * plan-prompt.ts's single call, whose prompt and cache key are unchanged.
 */
export const SHARD_PROMPT_VERSION = 'plan-shard-1'

export const SitePageSchema = z.object({
  path: z.string().min(1).max(200),
  title: z.string().max(200).default(''),
  purpose: z.string().max(1000).default(''),
  sections: z.array(z.string()).default([]),
})
export type SitePage = z.infer<typeof SitePageSchema>

export const SitePlanSchema = z.object({
  shared: z.array(PlannedTaskSchema).max(50),
  pages: z.array(SitePageSchema).max(5000),
})
export type SitePlan = z.infer<typeof SitePlanSchema>

const COMMON = `Scripts are classic scripts loaded with <script src="js/x.js" defer></script> and attach behaviour with addEventListener. A function called from an inline onclick must be a global function of a script the page loads.`

const SITE_RULES = `You plan a large static website made of plain HTML, CSS and JavaScript files: no frameworks, no build step, no CDN or external scripts, fonts or images.
This step plans only the shared files and the list of pages; each page's task is planned afterwards, a group of pages at a time, from your answer.
Reply with one JSON object and nothing else: {"shared":[{"id","action","path","instructions","dependsOn","sections"}],"pages":[{"path","title","purpose","sections"}]}.
Rules:
- "shared": one task per shared file (stylesheets, scripts), "action" "create", "path" relative, posix, lower-case, e.g. "css/style.css", "js/main.js". "instructions" must be enough to write that file alone: the exact ids, classes, functions and CSS variables pages rely on.
- "pages": every page of the site once. "path" relative, posix, lower-case, e.g. "index.html", "about.html"; "title" a few words for the navigation; "purpose" one line; "sections" the ids of the spec sections the page serves (ids are given in brackets below).
- ${COMMON}
- Task ids are short kebab-case names, e.g. "style", "main-js".`

const GROUP_RULES = `You plan the pages of one group of a large static website made of plain HTML, CSS and JavaScript files: no frameworks, no build step, no CDN or external scripts, fonts or images.
The shared files and the list of all pages are already planned and fixed.
Reply with one JSON object and nothing else: {"tasks":[{"id","action","path","instructions","dependsOn","sections"}]}.
Rules:
- One task per page listed under "Plan these pages", with exactly that "path" and "action" "create". No other tasks.
- List in "dependsOn" the ids of the shared files the page uses: pages are written after them and are told the ids, classes, functions and CSS variables those files define.
- "instructions" must be enough to write that one page alone: structure, the exact ids and classes it relies on, the exact paths of the pages it links to (from the list of all pages) and of the stylesheets and scripts it loads, and its behaviour.
- ${COMMON}
- "sections" lists the ids of the spec sections the page serves.
- Task ids are short kebab-case names, unique in the whole site, e.g. "about-page".`

/** Spec text the site plan shows whole; later sections are shown by heading and first line. */
const SITE_FULL_TEXT_BYTES = 24_000
const DIGEST_LINE_CHARS = 120

/** A section by its heading and first line: `[id]\n## Heading\nfirst line…`. */
export function digestSection(s: SpecSection): SpecSection {
  const lines = s.text.split('\n')
  const heading = /^#{1,6} /.test(lines[0] ?? '') ? lines[0] : ''
  const first = lines.slice(heading ? 1 : 0).find((l) => l.trim() !== '') ?? ''
  const line = first.length > DIGEST_LINE_CHARS ? `${first.slice(0, DIGEST_LINE_CHARS).trimEnd()}…` : first
  return { ...s, text: [heading, line].filter(Boolean).join('\n') }
}

/**
 * The site plan prompt: spec sections in order, whole up to a fixed size (the first sections of
 * a spec say what the whole site is: look, navigation, shared behaviour), the rest as a digest.
 * `digestAll` shows every section as a digest (for a planner with a small window).
 */
export function sitePlanMessages(
  sections: SpecSection[],
  userFiles: [string, TrackedFile][] = [],
  digestAll = false,
  part?: { index: number; count: number },
): ChatMessage[] {
  let bytes = 0
  let digested = 0
  const shown = sections.map((s) => {
    bytes += Buffer.byteLength(s.text)
    if (!digestAll && bytes <= SITE_FULL_TEXT_BYTES) return s
    digested++
    return digestSection(s)
  })
  const note = digested
    ? ` (${sections.length} sections; ${digested} of them shown by heading and first line — ` +
      'their pages are planned later with their full text)'
    : ''
  const later =
    part && part.count > 1
      ? `\n\nThis is part ${part.index + 1} of ${part.count} of the spec: list the pages of these sections only; ` +
        'the pages of the other parts are listed in later calls.'
      : ''
  const existing = userFiles.length
    ? `\n\nThe site already has these files:\n${userFileDigest(userFiles)}\n${USER_FILES_NOTE}`
    : ''
  return [
    { role: 'system', content: SITE_RULES },
    {
      role: 'user',
      content:
        `Plan the shared files and the pages for this spec${note}.${later}\n\n` + formatSections(shown) + existing,
    },
  ]
}

/**
 * A later part of a site plan whose page list is too long for one answer: the pages of these
 * sections, with the shared files fixed and the paths already taken listed (paths only).
 */
export function sitePartMessages(
  sections: SpecSection[],
  shared: Task[],
  taken: string[],
  part: { index: number; count: number },
): ChatMessage[] {
  let bytes = 0
  const shown = sections.map((s) =>
    (bytes += Buffer.byteLength(s.text)) <= SITE_FULL_TEXT_BYTES ? s : digestSection(s),
  )
  const files = shared.map((t) => `- ${t.id}: ${t.path}`).join('\n')
  return [
    { role: 'system', content: SITE_RULES },
    {
      role: 'user',
      content: [
        `Plan the pages for part ${part.index + 1} of ${part.count} of the spec. The shared files are already planned; ` +
          'reply with "shared": [] and the pages of these sections only.',
        `Shared files (fixed):\n${files || '(none)'}`,
        `Paths already taken by pages of earlier parts (${taken.length}): ${taken.join(', ') || '(none)'}`,
        `Spec:\n\n${formatSections(shown)}`,
      ].join('\n\n'),
    },
  ]
}

export interface GroupInput {
  shared: Task[]
  /** Every page of the site plan, for links and navigation. */
  pages: SitePage[]
  /** The pages this call plans. */
  group: SitePage[]
  index: number
  count: number
  /** Full text of the sections the group's pages serve. */
  sections: SpecSection[]
}

export function groupPlanMessages(g: GroupInput): ChatMessage[] {
  const shared = g.shared
    .map((t) => `- ${t.id}: ${t.path} — ${clipText(t.instructions.replace(/\s+/g, ' '), 400, '…')}`)
    .join('\n')
  const all = g.pages.map((p) => `- ${p.path}: ${p.title}${p.purpose ? ` — ${clip(p.purpose, 80)}` : ''}`).join('\n')
  const mine = g.group
    .map((p) => `- ${p.path}: ${p.title} (sections [${p.sections.join(', ')}])${p.purpose ? ` — ${p.purpose}` : ''}`)
    .join('\n')
  return [
    { role: 'system', content: GROUP_RULES },
    {
      role: 'user',
      content: [
        `Shared files (fixed):\n${shared || '(none)'}`,
        `All pages of the site (${g.pages.length}):\n${all}`,
        `Plan these pages (group ${g.index + 1} of ${g.count}):\n${mine}`,
        `Spec:\n\n${formatSections(g.sections)}`,
      ].join('\n\n'),
    },
  ]
}

/** A person's files a site plan describes one by one; the rest are named by path (a bounded digest). */
const USER_FILES_DESCRIBED = 50

function userFileDigest(userFiles: [string, TrackedFile][]): string {
  const lines = userFiles.slice(0, USER_FILES_DESCRIBED).map(([p, f]) => userFileLine(p, f))
  const rest = userFiles.slice(USER_FILES_DESCRIBED).map(([p]) => p)
  if (rest.length)
    lines.push(
      `- and ${rest.length} more of the person's files: ` +
        rest.slice(0, 500).join(', ') +
        (rest.length > 500 ? ', …' : ''),
    )
  return lines.join('\n')
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > n ? `${one.slice(0, n).trimEnd()}…` : one
}
