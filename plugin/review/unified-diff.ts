/**
 * A unified diff (the `diff -u` / `git apply` format) between two versions of one file,
 * for `sitesmith review` to offer its fixes (issue 17). Lines are compared after cutting
 * the common head and tail, so the quadratic table only spans the edited region; a region
 * too large for it becomes one replace hunk (still a correct diff, only less minimal).
 */
const CONTEXT = 3
const MAX_CELLS = 4_000_000

type Op = { kind: ' ' | '-' | '+'; line: string }

export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return ''
  const a = splitLines(before)
  const b = splitLines(after)
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const ops: Op[] = [
    ...a.slice(0, head).map((line) => ({ kind: ' ' as const, line })),
    ...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line })),
  ]
  return `--- a/${path}\n+++ b/${path}\n${hunks(ops).join('')}`
}

function splitLines(s: string): string[] {
  const lines = s.split(/(?<=\n)/)
  return lines.length && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines
}

function middle(a: string[], b: string[]): Op[] {
  if (a.length * b.length > MAX_CELLS)
    return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))]
  // LCS table from the end, then walk forward.
  const w = b.length + 1
  const t = new Uint32Array((a.length + 1) * w)
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1])
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] })
      j++
    } else if (j < b.length && (i === a.length || t[i * w + j + 1] >= t[(i + 1) * w + j]))
      ops.push({ kind: '+', line: b[j++] })
    else ops.push({ kind: '-', line: a[i++] })
  }
  return ops
}

function hunks(ops: Op[]): string[] {
  const changed = ops.map((o, k) => (o.kind === ' ' ? -1 : k)).filter((k) => k >= 0)
  const out: string[] = []
  let k = 0
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - CONTEXT)
    let end = changed[k]
    while (k + 1 < changed.length && changed[k + 1] - end <= 2 * CONTEXT) end = changed[++k]
    end = Math.min(ops.length - 1, end + CONTEXT)
    k++
    const slice = ops.slice(start, end + 1)
    const oldStart = ops.slice(0, start).filter((o) => o.kind !== '+').length + 1
    const newStart = ops.slice(0, start).filter((o) => o.kind !== '-').length + 1
    const oldLen = slice.filter((o) => o.kind !== '+').length
    const newLen = slice.filter((o) => o.kind !== '-').length
    out.push(`@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? newStart : newStart - 1},${newLen} @@\n`)
    for (const o of slice)
      out.push(`${o.kind}${o.line}${o.line.endsWith('\n') ? '' : '\n\\ No newline at end of file\n'}`)
  }
  return out
}
