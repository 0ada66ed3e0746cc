/**
 * The shape of one cache entry and where it came from, validated on every read and write.
 * Kept apart so the store and the cached call share one schema without importing each other.
 */
import { z } from 'zod'

export const CacheSourceSchema = z.object({
  /** `hand-written` marks entries of the committed example cache that no model produced. */
  kind: z.enum(['model', 'hand-written']),
  note: z.string().optional(),
})
export type CacheSource = z.infer<typeof CacheSourceSchema>

export const CacheEntrySchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex key'),
  stage: z.string().min(1),
  model: z.string().min(1),
  promptVersion: z.string().min(1),
  /** The request label (`generate:index-page`), for people browsing the cache. */
  label: z.string(),
  createdAt: z.string(),
  source: CacheSourceSchema,
  usage: z.object({ promptTokens: z.number().int().nonnegative(), completionTokens: z.number().int().nonnegative() }),
  /** The validated model answer, as JSON. */
  value: z.unknown().refine((v) => v !== undefined, 'missing'),
})
export type CacheEntry = z.infer<typeof CacheEntrySchema>
