import type { ZodType } from 'zod'

/**
 * Two documented small-model habits that leave valid JSON of the wrong shape, undone before a
 * repair turn is spent on them (issue #15; sources in test/loopback/realistic-faults.ts):
 *
 * - a tool call returned as plain content, `{"name": "write_file", "arguments": {…}}` (or with
 *   `arguments` as a JSON string), where the arguments are the answer;
 * - arrays or objects encoded as JSON strings (`"dependsOn": "[\"a\"]"`).
 *
 * Only values that then pass the schema are used, so nothing is guessed into shape.
 */

export type Coerced<T> =
  { ok: true; value: T; how: string[] } | { ok: false; issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }

/** Rounds of string-to-structure fixes; each fixes every offending path found in that round. */
const MAX_ROUNDS = 4

export function coerceToSchema<T>(value: Record<string, unknown>, schema: ZodType<T>): Coerced<T> {
  const direct = withDecodedStrings(value, schema, [])
  if (direct.ok) return direct
  const args = toolCallArguments(value)
  if (args) {
    const inner = withDecodedStrings(args, schema, ['tool call unwrapped'])
    if (inner.ok) return inner
  }
  return direct
}

function withDecodedStrings<T>(value: Record<string, unknown>, schema: ZodType<T>, how: string[]): Coerced<T> {
  let current: unknown = value
  let decoded = false
  for (let round = 0; ; round++) {
    const parsed = schema.safeParse(current)
    if (parsed.success)
      return { ok: true, value: parsed.data, how: decoded ? [...how, 'decoded arrays/objects sent as strings'] : how }
    if (round >= MAX_ROUNDS) return { ok: false, issues: parsed.error.issues }
    let changed = false
    for (const issue of parsed.error.issues) {
      const expected = (issue as { expected?: unknown }).expected
      if (issue.code !== 'invalid_type' || (expected !== 'array' && expected !== 'object')) continue
      const at = get(current, issue.path)
      if (typeof at !== 'string') continue
      let inner: unknown
      try {
        inner = JSON.parse(at)
      } catch {
        continue
      }
      if ((expected === 'array') !== Array.isArray(inner) || inner === null || typeof inner !== 'object') continue
      current = set(current, issue.path, inner)
      changed = true
    }
    if (!changed) return { ok: false, issues: parsed.error.issues }
    decoded = true
  }
}

/** The arguments of `{"name": …, "arguments"|"parameters": …}` (and nothing else of substance), else undefined. */
function toolCallArguments(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(value)
  const argKey = keys.find((k) => k === 'arguments' || k === 'parameters')
  if (
    !argKey ||
    typeof value.name !== 'string' ||
    keys.some((k) => !['name', 'arguments', 'parameters', 'type', 'id'].includes(k))
  )
    return undefined
  let args = value[argKey]
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args)
    } catch {
      return undefined
    }
  }
  return args !== null && typeof args === 'object' && !Array.isArray(args)
    ? (args as Record<string, unknown>)
    : undefined
}

function get(root: unknown, path: PropertyKey[]): unknown {
  let cur = root
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<PropertyKey, unknown>)[k]
  }
  return cur
}

/** A copy of `root` with the value at `path` replaced (the model's object is never mutated). */
function set(root: unknown, path: PropertyKey[], v: unknown): unknown {
  if (path.length === 0) return v
  const [k, ...rest] = path
  const copy = (Array.isArray(root) ? (root as unknown[]).slice() : { ...(root as object) }) as Record<
    PropertyKey,
    unknown
  >
  copy[k] = set(copy[k], rest, v)
  return copy
}
