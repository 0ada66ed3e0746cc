import { z } from 'zod'
import { parse } from 'parse5'
import type { FileInterface } from '../store/artifact-schemas.js'
import type { Ask } from '../llm/ask.js'
import type { ChatMessage } from '../llm/types.js'

/**
 * One-line summaries of a person's files for the planner and the reviewer (issue 17). The
 * small model writes them when it can — the cache keys on the exact messages, which hold
 * the file's bytes, so an unchanged file is never summarised twice — and a static summary
 * built from the parsed file stands in when no model is reachable.
 */
export const SUMMARY_PROMPT_VERSION = 'summary-1'
/** Longest text sent to be summarised; the rest is cut (a summary needs the start of a file). */
const MAX_SUMMARY_INPUT = 12_000

export const SummaryAnswerSchema = z.object({ summary: z.string().trim().min(1).max(400) })

const SYSTEM = `You summarise one file of an existing static website (plain HTML, CSS or JavaScript) in one sentence of at most 160 characters: what the page shows or what the stylesheet or script does, naming the important ids, classes or functions other files rely on.
Reply with one JSON object: {"summary": "..."}.`

export function summaryMessages(path: string, text: string): ChatMessage[] {
  const shown =
    text.length > MAX_SUMMARY_INPUT
      ? `${text.slice(0, MAX_SUMMARY_INPUT)}\n[… ${text.length - MAX_SUMMARY_INPUT} more characters not shown]`
      : text
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `File: ${path}\n\n${shown}` },
  ]
}

export async function modelSummary(ask: Ask, path: string, text: string): Promise<{ summary: string; hit: boolean }> {
  const r = await ask({
    stage: 'summary',
    role: 'coder',
    promptVersion: SUMMARY_PROMPT_VERSION,
    messages: summaryMessages(path, text),
    schema: SummaryAnswerSchema,
    label: `summary:${path}`,
    path,
  })
  return { summary: oneLine(r.value.summary), hit: r.hit }
}

/** A summary from the parsed file alone: no model, deterministic. */
export function staticSummary(path: string, bytes: Buffer, iface: FileInterface): string {
  const lower = path.toLowerCase()
  const list = (label: string, xs: string[], n = 6) =>
    xs.length ? `${label} ${xs.slice(0, n).join(', ')}${xs.length > n ? ` and ${xs.length - n} more` : ''}` : ''
  const parts: string[] = []
  if (/\.html?$/.test(lower)) {
    const { title, heading } = titles(bytes.toString('utf8'))
    parts.push(`page${title ? ` "${title}"` : ''}${heading && heading !== title ? `, heading "${heading}"` : ''}`)
    parts.push(
      list(
        'ids',
        iface.ids.map((i) => `#${i}`),
      ),
      list('links to', iface.links),
    )
  } else if (lower.endsWith('.css')) {
    parts.push(
      'stylesheet',
      list('custom properties', iface.cssVars),
      list(
        'classes',
        iface.classes.map((c) => `.${c}`),
      ),
    )
  } else if (/\.(m?js|cjs)$/.test(lower)) {
    parts.push('script', list('globals', iface.globals), list('exports', iface.exports))
  } else {
    parts.push(`asset (${bytes.length} bytes)`)
  }
  return oneLine(parts.filter(Boolean).join('; '))
}

function titles(html: string): { title?: string; heading?: string } {
  const out: { title?: string; heading?: string } = {}
  const walk = (node: { nodeName: string; childNodes?: unknown[] }): void => {
    if (out.title && out.heading) return
    if ((node.nodeName === 'title' && !out.title) || (node.nodeName === 'h1' && !out.heading)) {
      const t = textOf(node).replace(/\s+/g, ' ').trim()
      if (t) out[node.nodeName === 'title' ? 'title' : 'heading'] = t.slice(0, 80)
    }
    for (const c of (node.childNodes ?? []) as { nodeName: string; childNodes?: unknown[] }[]) walk(c)
    const content = (node as { content?: { nodeName: string; childNodes?: unknown[] } }).content
    if (content) walk(content)
  }
  walk(parse(html))
  return out
}

function textOf(node: unknown): string {
  const n = node as { nodeName: string; value?: string; childNodes?: unknown[] }
  if (n.nodeName === '#text') return n.value ?? ''
  return (n.childNodes ?? []).map(textOf).join('')
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > 200 ? `${t.slice(0, 197)}…` : t
}
