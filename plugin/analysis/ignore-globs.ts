/**
 * The checker's `ignore` option (issue #13): globs of site files that are not checked.
 * An ignored file still exists — links to it resolve, a page loading it is treated as
 * having globals the checker cannot see — it is only not parsed, and nothing is reported
 * in it. Glob syntax, the subset .gitignore and eslint users already know:
 *  - `*` any characters but `/`, `?` one, `[abc]` a class, `{a,b}` alternatives;
 *  - `**` any number of directories (`vendor/**`, `**\/*.min.js`);
 *  - a pattern without `/` matches a name at any depth (`*.min.js`, `legacy`);
 *  - a pattern matching a directory ignores everything under it (`vendor`, `vendor/`).
 * Paths are site-relative and posix; a leading `./` or `/` on a pattern is dropped.
 */
export type IgnoreMatcher = (path: string) => boolean

export class IgnoreGlobError extends Error {
  readonly code = 'E_IGNORE_GLOB'
}

/** One matcher for all `patterns`; an empty list ignores nothing. Throws on a malformed glob, naming it. */
export function ignoreMatcher(patterns: readonly string[]): IgnoreMatcher {
  const regexes = patterns.map(compileGlob)
  if (regexes.length === 0) return () => false
  return (path) => regexes.some((r) => r.test(path))
}

/** A glob as an anchored regular expression over site-relative posix paths. */
export function compileGlob(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.trim() === '')
    throw new IgnoreGlobError(`ignore pattern must be a non-empty string, got ${JSON.stringify(pattern)}`)
  let glob = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '')
  const anyDepth = !glob.replace(/\/+$/, '').includes('/')
  glob = glob.replace(/\/+$/, '')
  let re = ''
  let braces = 0
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` = zero or more directories; a trailing `**` = anything below.
        const slash = glob[i + 2] === '/'
        re += slash ? '(?:[^/]*/)*' : '.*'
        i += slash ? 2 : 1
      } else re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end === -1) throw new IgnoreGlobError(`ignore pattern "${pattern}": "[" without a closing "]"`)
      const body = glob
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')
      re += `[${body}]`
      i = end
    } else if (c === '{') {
      braces++
      re += '(?:'
    } else if (c === '}' && braces > 0) {
      braces--
      re += ')'
    } else if (c === ',' && braces > 0) re += '|'
    else re += c.replace(/[.+^$()|\\{}]/g, '\\$&')
  }
  if (braces > 0) throw new IgnoreGlobError(`ignore pattern "${pattern}": "{" without a closing "}"`)
  return new RegExp(`^${anyDepth ? '(?:.*/)?' : ''}${re}(?:/.*)?$`)
}
