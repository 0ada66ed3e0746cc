import { z } from 'zod'
import type { ChatMessage } from '../llm/types.js'
import type { Finding } from '../diagnostics/diagnostic.js'
import type { SpecSection } from '../spec/sections.js'
import { formatSections } from '../plan/plan-prompt.js'

/** Bump when the wording below changes. */
export const REVIEW_PROMPT_VERSION = 'review-1'
export const FIX_PROMPT_VERSION = 'fix-1'
export const VISUAL_PROMPT_VERSION = 'visual-1'

export const ReviewAnswerSchema = z.object({
  reviews: z
    .array(
      z.object({
        file: z.string(),
        issues: z
          .array(
            z.object({
              rule: z.string().optional(),
              severity: z.enum(['error', 'warning']).default('error'),
              message: z.string(),
              fix: z.object({ target: z.string().min(1), instructions: z.string().min(1) }),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
})
export type ReviewAnswer = z.infer<typeof ReviewAnswerSchema>

export const FixAnswerSchema = z.object({
  edits: z.array(z.object({ target: z.string().min(1), replacement: z.string() })).min(1),
})

const REVIEW_SYSTEM = `You review files of a static website (plain HTML, CSS, JavaScript) that were just written from a spec.
The checker findings listed are facts found by parsers and a headless browser: each error finding needs a fix.
Also report real defects you see: behaviour that cannot work, content the spec asks for that is missing, broken references between files. Do not report style preferences.
Reply with one JSON object: {"reviews":[{"file","issues":[{"rule","severity","message","fix":{"target","instructions"}}]}]}.
"target" is the chunk of the file to change, chosen from that file's targets. "instructions" are short numbered steps that a junior developer can apply to that chunk alone.
A file with no issues may be left out. Review only the files shown.`

export interface ReviewFile {
  path: string
  content: string
  targets: string[]
}

export function reviewMessages(input: {
  files: ReviewFile[]
  findings: Finding[]
  sections: SpecSection[]
  summaries: { path: string; summary: string }[]
  /** Another system prompt (`sitesmith review` of a person's changes, issue 17); default the generated-files one. */
  system?: string
}): ChatMessage[] {
  const parts: string[] = []
  if (input.sections.length) parts.push(`Spec:\n${formatSections(input.sections)}`)
  if (input.summaries.length)
    parts.push(`All files of the site:\n${input.summaries.map((s) => `- ${s.path}: ${s.summary}`).join('\n')}`)
  parts.push(
    input.findings.length
      ? `Checker findings:\n${input.findings.map((f) => `- ${f.file}:${f.line}:${f.column} [${f.rule}] ${f.severity}: ${f.message}${f.page ? ` (page ${f.page})` : ''}`).join('\n')}`
      : 'Checker findings: none',
  )
  for (const f of input.files) parts.push(reviewFileBlock(f))
  return [
    { role: 'system', content: input.system ?? REVIEW_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ]
}

/** One file as the review prompt shows it: its targets and its numbered lines. */
export function reviewFileBlock(f: ReviewFile): string {
  return `File ${f.path} (targets: ${f.targets.slice(0, 40).join(', ')}):\n${numbered(f.content)}`
}

const VISUAL_SYSTEM = `You look at screenshots of one page of a static website, just written from a spec: first at desktop width (1280 px), then at phone width (390 px).
Report only defects a visitor can see in the pictures: content the spec asks for that is missing or wrong, text that overlaps, is cut off or unreadable, elements out of place, a layout broken at one width. Do not report style preferences or anything you cannot see.
Reply with one JSON object: {"reviews":[{"file","issues":[{"severity","message","fix":{"target","instructions"}}]}]}.
"file" is one of the files listed; "target" is the chunk of that file to change, chosen from its targets. "instructions" are short numbered steps that a junior developer can apply to that chunk alone.
If nothing is wrong, reply {"reviews":[]}.`

/** The visual review of one page: its spec sections, the files a fix may change, and two screenshots. */
export function visualMessages(input: {
  page: string
  sections: SpecSection[]
  files: { path: string; targets: string[] }[]
  desktop: string
  phone: string
}): ChatMessage[] {
  const parts: string[] = [`Page: ${input.page}`]
  if (input.sections.length) parts.push(`Spec:\n${formatSections(input.sections)}`)
  parts.push(
    `Files a fix may change:\n${input.files.map((f) => `- ${f.path} (targets: ${f.targets.slice(0, 40).join(', ')})`).join('\n')}`,
  )
  parts.push('Screenshots: desktop (1280 px), then phone (390 px).')
  return [
    { role: 'system', content: VISUAL_SYSTEM },
    { role: 'user', content: parts.join('\n\n'), images: [input.desktop, input.phone] },
  ]
}

const FIX_SYSTEM = `You fix parts (chunks) of one file of a static website in plain HTML, CSS or JavaScript.
Reply with one JSON object: {"edits":[{"target","replacement"}]}, one edit per chunk shown.
Each replacement replaces exactly its chunk, whole and complete: the same kind of element, rule or function, with the fix applied. Include nothing outside the chunk. Never leave parts out ("...", "rest of the code").`

export function fixMessages(input: {
  path: string
  issues: { message: string; target: string; instructions: string }[]
  chunks: { target: string; text: string }[]
  context: string
}): ChatMessage[] {
  const issues = input.issues.map((i, n) => `${n + 1}. In "${i.target}": ${i.message}\n${i.instructions}`).join('\n')
  const chunks = input.chunks.map((c) => `Chunk "${c.target}":\n${c.text}`).join('\n\n')
  return [
    { role: 'system', content: FIX_SYSTEM },
    {
      role: 'user',
      content: `File: ${input.path}\nFixes to apply:\n${issues}\n\n${input.context ? `${input.context}\n\n` : ''}${chunks}`,
    },
  ]
}

function numbered(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n')
  const width = String(lines.length).length
  return lines.map((l, i) => `${String(i + 1).padStart(width)}| ${l}`).join('\n')
}
