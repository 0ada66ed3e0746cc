import type { Finding } from '../diagnostics/diagnostic.js'
import { LineIndex } from '../diagnostics/line-index.js'

/**
 * Suppression comments for `sitesmith check` (issue #13), in the style of eslint's
 * disable directives, one form per language a site file holds:
 *
 *   <!-- sitesmith-disable-next-line missing-element -->      HTML
 *   /* sitesmith-disable-line unknown-css-property *\/          CSS and JS
 *   // sitesmith-disable-next-line undefined-reference         JS
 *   /* sitesmith-disable *\/ … /* sitesmith-enable *\/           a region (any comment form)
 *
 * A directive names rules separated by commas or spaces; none means every rule. Text after
 * ` -- ` is a reason for the reader. HTML files accept all three comment forms (their inline
 * scripts and styles are JS and CSS); CSS files only block comments; JS files both JS forms.
 * A directive naming a rule id that does not exist is reported (`invalid-suppression`), so a
 * typo never silently keeps a finding, nor silently hides one.
 */

export type DirectiveKind = 'disable-line' | 'disable-next-line' | 'disable' | 'enable'

export interface Directive {
  kind: DirectiveKind
  /** Rule ids named; empty = every rule. */
  rules: string[]
  /** 1-based line and column of the comment. */
  line: number
  column: number
}

const HTML_FILE = /\.html?$/i
const CSS_FILE = /\.css$/i

/** One comment holding a directive. The opener decides which languages accept it. */
const DIRECTIVE = /(<!--|\/\*|\/\/)[ \t]*sitesmith-(disable-next-line|disable-line|disable|enable)\b([^\n]*)/g
const CLOSERS: Record<string, RegExp> = { '<!--': /-->/, '/*': /\*\//, '//': /$/ }

/** Every directive in `text`, in order. Cheap when there is none (one `indexOf`). */
export function parseDirectives(file: string, text: string): Directive[] {
  if (!text.includes('sitesmith-')) return []
  const openers = HTML_FILE.test(file) ? ['<!--', '/*', '//'] : CSS_FILE.test(file) ? ['/*'] : ['/*', '//']
  const out: Directive[] = []
  let lines: LineIndex | undefined
  for (const m of text.matchAll(DIRECTIVE)) {
    const [, opener, kind, rest] = m
    if (!openers.includes(opener)) continue
    // The rule list ends where the comment does, or at ` -- reason`.
    const close = CLOSERS[opener].exec(rest)
    let body = close ? rest.slice(0, close.index) : rest
    const reason = body.search(/\s--\s|\s--$/)
    if (reason >= 0) body = body.slice(0, reason)
    const rules = body
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean)
    lines ??= new LineIndex(text)
    const { line, column } = lines.position(m.index)
    out.push({ kind: kind as DirectiveKind, rules, line, column })
  }
  return out
}

/** Which findings of one file the directives silence. */
class FileSuppressions {
  /** line → rules silenced there ('*' = all). */
  private readonly lines = new Map<number, Set<string>>()
  /** Regions: [fromLine, toLine] silenced for a rule ('*' = all); toLine Infinity while open. */
  private readonly regions: Array<{ rule: string; from: number; to: number }> = []

  constructor(directives: Directive[]) {
    for (const d of directives) {
      const rules = d.rules.length ? d.rules : ['*']
      if (d.kind === 'disable-line' || d.kind === 'disable-next-line') {
        const line = d.kind === 'disable-line' ? d.line : d.line + 1
        const set = this.lines.get(line) ?? new Set()
        for (const r of rules) set.add(r)
        this.lines.set(line, set)
      } else if (d.kind === 'disable') {
        for (const rule of rules) this.regions.push({ rule, from: d.line, to: Infinity })
      } else {
        // `enable` closes the open regions it names (all of them when it names none).
        for (const region of this.regions) {
          if (region.to === Infinity && (d.rules.length === 0 || rules.includes(region.rule))) region.to = d.line
        }
      }
    }
  }

  silences(f: Finding): boolean {
    const at = this.lines.get(f.line)
    if (at && (at.has('*') || at.has(f.rule))) return true
    return this.regions.some((r) => (r.rule === '*' || r.rule === f.rule) && f.line >= r.from && f.line <= r.to)
  }
}

export interface SuppressionResult {
  /** The findings no directive silences, plus one `invalid-suppression` per unknown rule id. */
  findings: Finding[]
  /** How many findings were silenced. */
  suppressed: number
}

/**
 * Drop the findings silenced by directives in the file each is reported in. `files` are
 * the site's sources (every file is scanned, so a directive with a typo is reported even
 * where nothing is silenced); `knownRules` are the ids a directive may name.
 */
export function applySuppressions(
  findings: readonly Finding[],
  files: Iterable<readonly [string, string]>,
  knownRules: ReadonlySet<string>,
): SuppressionResult {
  const perFile = new Map<string, FileSuppressions>()
  const out: Finding[] = []
  for (const [file, source] of files) {
    const directives = parseDirectives(file, source)
    if (directives.length === 0) continue
    perFile.set(file, new FileSuppressions(directives))
    for (const d of directives) {
      for (const r of d.rules) {
        if (knownRules.has(r)) continue
        const message = `sitesmith-${d.kind} names "${r}", which is not a sitesmith rule`
        out.push({ rule: 'invalid-suppression', severity: 'warning', file, line: d.line, column: d.column, message })
      }
    }
  }
  let suppressed = 0
  for (const f of findings) {
    if (perFile.get(f.file)?.silences(f)) suppressed++
    else out.push(f)
  }
  return { findings: out, suppressed }
}
