/**
 * Lazy placeholders: a model asked for a chunk answers with part of it and a note that
 * stands for the rest ("// rest of the code remains the same", `<!-- ... -->`, `/* ... *\/`,
 * a line that is only `...`). Written into a file, that note silently deletes code, so the
 * edit is refused. A comment that already existed in the original chunk is not a
 * placeholder the model invented and is let through.
 */
import { positionAt } from '../diagnostics/line-index.js'

export interface Placeholder {
  /** 1-based line inside the replacement. */
  line: number
  /** The offending text, trimmed, for the reason. */
  text: string
}

const COMMENT = /\/\*[\s\S]*?\*\/|<!--[\s\S]*?-->|(?<![:\w'"`\\])\/\/[^\n]*/g
const ELLIPSIS = /(?:\.{3,}|…)/
/** A comment whose whole content is an ellipsis (possibly with "etc", "more", "and so on"). */
const ONLY_ELLIPSIS = /^(?:\s|\.{2,}|…|etc\.?|more|and so on|[-=*#])*$/i
/** `(?:a|b|c)` for a regex source: the `|`-separated alternatives of `list`, each trimmed. */
const anyOf = (list: string): string =>
  `(?:${list
    .split('|')
    .map((a) => a.trim())
    .join('|')})`
/** What "the rest of …" stands in for. */
const REST_OF = anyOf(`code|file|content|styles?|stylesheet|page|html|markup|css|js|javascript|script|functions?|
  methods?|body|document|implementation|rules|sections?|items?|elements?|cards?|links?|list|nav(?:igation)?|form|
  fields?|properties|declarations?`)
const AS_BEFORE = anyOf('existing|previous|original|other|same|unchanged')
/** What "the existing …" stands in for. */
const EXISTING = anyOf(`code|content|styles?|rules|markup|html|css|js|sections?|functions?|methods?|logic|
  implementation|items?|elements?|declarations?|properties|cards?|links?|fields?`)
const STILL_THERE = anyOf('here|goes here|as before|omitted|remains?|stays?|unchanged|continues')

/** Phrases that only make sense as a stand-in for omitted code. */
const OMISSION = [
  new RegExp(String.raw`\b(?:rest|remainder) of (?:the |this |your )?${REST_OF}\b`, 'i'),
  /\b(?:remains?|stays?|is|are|kept|left) (?:the same|unchanged|as (?:is|before|it was))[\s.…!]*$/i,
  new RegExp(String.raw`\b${AS_BEFORE} ${EXISTING}\b(?: ${STILL_THERE})?\s*(?:\.{2,}|…)?\s*$`, 'i'),
  /\b(?:omitted|elided|truncated|abbreviated|shortened) for brevity\b/i,
  /\bfor brevity\b/i,
  /\bsame as (?:before|above|the original)\b/i,
  /\b(?:code|content|implementation|markup) (?:continues|goes here|here)\b/i,
  /\b(?:add|insert|put) (?:more|the rest|remaining|your|other) (?:code|content|items?|sections?|styles?|rules)\b/i,
  /^[\w\s,'-]{0,40}\b(?:unchanged|omitted|elided)[\s.…!]*$/i,
]

function isPlaceholderComment(body: string): boolean {
  const text = body.trim()
  if (ONLY_ELLIPSIS.test(text) && ELLIPSIS.test(text)) return true
  if (
    ELLIPSIS.test(text) &&
    /\b(?:more|rest|other|existing|previous|etc|same|code|content|styles?|rules|items?)\b/i.test(text)
  )
    return true
  // Long prose comments that merely mention "unchanged" are documentation, not stand-ins;
  // the generic words only count in short notes.
  const words = text.split(/\s+/).filter(Boolean).length
  return OMISSION.some((re, i) => re.test(text) && (i < OMISSION.length - 1 || words <= 8))
}

function commentBody(raw: string): string {
  if (raw.startsWith('/*')) return raw.slice(2, -2)
  if (raw.startsWith('<!--')) return raw.slice(4, -3)
  return raw.slice(2)
}

/**
 * The first placeholder in `replacement` that `original` (the chunk being replaced) did
 * not already contain, or null.
 */
export function findPlaceholder(replacement: string, original = ''): Placeholder | null {
  const already = new Set<string>()
  for (const m of original.matchAll(COMMENT)) already.add(m[0].replace(/\s+/g, ' ').trim())
  for (const l of original.split('\n')) already.add(l.trim())

  for (const m of replacement.matchAll(COMMENT)) {
    const norm = m[0].replace(/\s+/g, ' ').trim()
    if (already.has(norm)) continue
    if (isPlaceholderComment(commentBody(m[0])))
      return { line: positionAt(replacement, m.index).line, text: norm.slice(0, 80) }
  }
  const lines = replacement.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim()
    if (already.has(t)) continue
    // A line that is only an ellipsis, or an ellipsis standing in for a whole block body.
    if (
      /^(?:\.{3,}|…)[,;]?$/.test(t) ||
      /\{\s*(?:\.{3,}|…)\s*\}/.test(t) ||
      /^(?:\[|\()\s*(?:\.{3,}|…)\s*(?:\]|\))$/.test(t)
    ) {
      return { line: i + 1, text: t.slice(0, 80) }
    }
  }
  return null
}
