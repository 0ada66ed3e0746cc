import type { z } from 'zod'

/**
 * zod issue paths in the notation people read in JSON files: `tasks[2].action`,
 * `files["about.html"].hash`. Used in every "this file/entry is invalid" message.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(String(segment))}]`
  }
  return out === '' ? '(root)' : out
}

/** `path: message` for one issue. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  return `${formatIssuePath(issue.path)}: ${issue.message}`
}

/** One line per issue, at most `max`, with a count of the rest. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], max = 5): string {
  const lines = issues.slice(0, max).map(formatIssue)
  if (issues.length > max) lines.push(`(${issues.length - max} more)`)
  return lines.join('\n')
}
