/**
 * Small, stage-independent tools for packing a prompt into a context window (issue #15): which
 * names a task mentions, and how to shorten text visibly. Stages decide what to shrink first;
 * context-budget.ts decides whether the result fits.
 */

/** Identifier-like words of `text` (ids, classes, functions, file names), for relevance. */
export function mentionedWords(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$-]*(?:\.[A-Za-z0-9]+)?/g) ?? [])
}

/** Whether `name` (`#site-nav`, `.card`, `--brand`, `toggleNav`, `css/style.css`) is mentioned. */
export function isMentioned(name: string, words: ReadonlySet<string>): boolean {
  const bare = name.replace(/^(#|\.|--)/, '')
  return words.has(name) || words.has(bare) || words.has(bare.split('/').pop() ?? bare)
}

/** `text` cut to at most `maxChars` at a line break, with a marker saying it was shortened. */
export function clipText(
  text: string,
  maxChars: number,
  marker = "… (shortened to fit the model's context window)",
): string {
  if (text.length <= maxChars) return text
  const cut = text.lastIndexOf('\n', maxChars)
  return `${text.slice(0, cut > maxChars / 2 ? cut : maxChars).trimEnd()}\n${marker}`
}
