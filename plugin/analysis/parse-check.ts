import { analyzeCss } from './css-sheet.js'
import { analyzePage } from './html-page.js'
import { parseScript } from './js-script.js'
import type { SyntaxProblem } from './js-script.js'
import { LineIndex } from '../diagnostics/line-index.js'

export type ParseCheckResult = { ok: true } | { ok: false; message: string; line: number; column: number }

/**
 * Does this file parse? The integrity gate asks before anything is written, so it must be
 * strict about what breaks a file (a script or stylesheet that does not parse, HTML cut
 * off mid-tag) and lenient about what browsers shrug off (parse5 reports many harmless
 * HTML errors; those are ignored). Other file types are not judged.
 */
export function parseCheck(path: string, content: string): ParseCheckResult {
  const lower = path.toLowerCase()
  const lines = new LineIndex(content)
  const fail = (message: string, offset: number): ParseCheckResult => ({
    ok: false,
    message,
    ...lines.position(offset),
  })

  if (/\.(m?js|cjs)$/.test(lower)) {
    const err = jsError(content)
    return err ? fail(`JavaScript does not parse: ${err.message}`, err.offset) : { ok: true }
  }
  if (lower.endsWith('.css')) {
    const err = analyzeCss(content, 'sheet').syntaxError
    return err ? fail(`CSS does not parse: ${err.message}`, err.offset) : { ok: true }
  }
  if (lower.endsWith('.json')) {
    try {
      JSON.parse(content)
      return { ok: true }
    } catch (e) {
      const m = /position (\d+)/.exec(String((e as Error).message))
      return fail(`JSON does not parse: ${(e as Error).message}`, m ? Number(m[1]) : 0)
    }
  }
  if (/\.html?$/.test(lower)) return htmlCheck(content, fail)
  return { ok: true }
}

/** Try the file as a module, then as a classic script; report the error that got further. */
function jsError(code: string): SyntaxProblem | undefined {
  const asModule = parseScript(code, 'module')
  if ('type' in asModule) return undefined
  const asScript = parseScript(code, 'classic')
  if ('type' in asScript) return undefined
  return asScript.offset > asModule.offset ? asScript : asModule
}

function htmlCheck(content: string, fail: (message: string, offset: number) => ParseCheckResult): ParseCheckResult {
  const page = analyzePage(content)
  const fatal = page.fatalErrors[0]
  if (fatal) return fail(`HTML is cut off or malformed (${fatal.code})`, fatal.offset)
  for (const s of page.scripts) {
    if (!('inline' in s)) continue
    const r = parseScript(s.inline.code, s.kind)
    if (!('type' in r))
      return fail(
        `inline ${s.kind === 'module' ? 'module' : 'script'} does not parse: ${r.message}`,
        s.inline.offset + r.offset,
      )
  }
  for (const s of page.styles) {
    const err = analyzeCss(s.code, 'sheet').syntaxError
    if (err) return fail(`<style> does not parse: ${err.message}`, s.offset + err.offset)
  }
  // Generated pages always close <body>/<html>; neither closing tag means the text was truncated.
  const bodyAt = content.search(/<body[\s>]/i)
  if (bodyAt >= 0 && !/<\/body\s*>/i.test(content) && !/<\/html\s*>/i.test(content)) {
    return fail('HTML is cut off: <body> is never closed (no </body> or </html>)', content.length)
  }
  return { ok: true }
}
