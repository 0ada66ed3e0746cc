import type { ChatMessage } from './types.js'
import type { ZodType } from 'zod'

/**
 * How stages talk to models: through the content-addressed cache, never directly. A stage
 * says which role it needs and what it asks; the pipeline decides whether a cached answer
 * exists (0 calls), whether a miss is allowed (frozen mode), and tallies usage.
 * The cache key is derived from exactly the messages sent, so the key can never disagree
 * with what the model saw (docs/ARCHITECTURE.md, "Cache").
 */
export interface AskCall<T> {
  /** `plan`, `plan-delta`, `plan-repair`, `generate`, `update`, `review`, `fix`. */
  stage: string
  role: 'planner' | 'coder'
  /** Bumped whenever the prompt template changes, so old cache entries stop matching. */
  promptVersion: string
  messages: ChatMessage[]
  schema: ZodType<T>
  /** Short label for errors and logs (`generate:home`). */
  label: string
  taskId?: string
  path?: string
  /**
   * Smaller versions of `messages`, most faithful first, tried in order when `messages` does not
   * fit the role's context window (issue #15); a prompt that fits is sent exactly as built, so
   * its cache key never changes. Without one that fits, nothing is sent.
   */
  pack?: () => Iterable<{ messages: ChatMessage[]; note: string }>
}

export interface AskResult<T> {
  value: T
  hit: boolean
  /** Who produced the answer (a model id, or the cache's credit for a hand-written entry); files are credited to it. */
  by: string
}

export type Ask = <T>(call: AskCall<T>) => Promise<AskResult<T>>
