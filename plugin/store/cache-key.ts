/**
 * Cache keys (docs/ARCHITECTURE.md, "Cache"): the stable serialisation and its sha256. Kept
 * apart from the store because key derivation is a contract of its own — the committed
 * `cache/` replays only while these bytes stay the same.
 */
import { sha256 } from './atomic-write.js'

/**
 * JSON with object keys sorted and `undefined` members dropped, so equal data always
 * gives equal text whatever order it was built in. Values JSON would silently mangle
 * (NaN/Infinity → null, Map/Set → {}, functions dropped, bigint throws deep inside) are
 * rejected with the path to the value: in a cache key a silent change means two
 * different inputs share one answer. `toJSON` is honoured (a Date becomes its ISO text);
 * `undefined` array elements become `null`, as in JSON.
 */
export function stableStringify(value: unknown): string {
  return stringifyAt(value, '$', new Set())
}

function stringifyAt(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`stableStringify: ${path} is ${value}; only finite numbers have a JSON form`)
      return JSON.stringify(value)
    case 'undefined':
      return 'null' // only reached for array elements and the top level
    case 'object': {
      if (value === null) return 'null'
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') return stringifyAt(toJSON.call(value), path, ancestors)
      if (
        value instanceof Map ||
        value instanceof Set ||
        value instanceof WeakMap ||
        value instanceof WeakSet ||
        ArrayBuffer.isView(value)
      ) {
        throw new TypeError(
          `stableStringify: ${path} is a ${value.constructor.name}; convert it to a plain object or array first`,
        )
      }
      if (ancestors.has(value))
        throw new TypeError(`stableStringify: ${path} refers back to an enclosing object (a cycle)`)
      ancestors.add(value)
      try {
        if (Array.isArray(value))
          return `[${value.map((v, i) => stringifyAt(v, `${path}[${i}]`, ancestors)).join(',')}]`
        const record = value as Record<string, unknown>
        const keys = Object.keys(record)
          .filter((k) => record[k] !== undefined)
          .sort()
        return `{${keys.map((k) => `${JSON.stringify(k)}:${stringifyAt(record[k], `${path}.${k}`, ancestors)}`).join(',')}}`
      } finally {
        ancestors.delete(value)
      }
    }
    default:
      throw new TypeError(`stableStringify: ${path} is a ${typeof value}, which has no JSON form`)
  }
}

export interface CacheKeyParts {
  /** Pipeline stage: `plan`, `generate`, `update`, `review`, `fix`. */
  stage: string
  /** `ChatClient.id`, e.g. `ollama:qwen2.5-coder:7b`. */
  model: string
  /** Bumped whenever the prompt template changes, so old answers stop matching. */
  promptVersion: string
  /** The call's real inputs: instructions, spec sections, dependency interfaces (not full text). */
  inputs: unknown
}

/** sha256 (hex) of the stable serialisation of the four parts. */
export function cacheKey(parts: CacheKeyParts): string {
  for (const field of ['stage', 'model', 'promptVersion'] as const) {
    if (typeof parts[field] !== 'string' || parts[field] === '')
      throw new TypeError(`cacheKey: ${field} must be a non-empty string`)
  }
  return sha256(
    stableStringify({
      stage: parts.stage,
      model: parts.model,
      promptVersion: parts.promptVersion,
      inputs: parts.inputs,
    }),
  )
}
