import type { Keyv } from 'keyv'
import { sha256 } from './atomic-write.js'

/**
 * The bytes of every file sitesmith wrote, by content hash, in the same store as the model
 * answers. A checkout that has `.sitesmith/` (plan and tracker) but not the generated files
 * — a teammate's clone, a CI job — gets each file back by its tracked hash: no model call,
 * and no review of files that were reviewed when they were made. Without it, a file that
 * was fixed after generation could only be rebuilt by replaying generation and review.
 */
export interface FileBlobs {
  get(hash: string): Promise<string | undefined>
  put(hash: string, content: string): Promise<void>
}

const PREFIX = 'blob:'

export function keyvBlobs(keyv: Keyv, warn: (message: string) => void = () => {}): FileBlobs {
  return {
    async get(hash) {
      try {
        const value: unknown = await keyv.get(PREFIX + hash)
        const content = typeof value === 'object' && value !== null && 'content' in value ? (value as { content: unknown }).content : undefined
        // Content-addressed: anything that does not hash to its key is ignored, whatever put it there.
        return typeof content === 'string' && sha256(content) === hash ? content : undefined
      } catch (error) {
        warn(`sitesmith cache: could not read file ${hash.slice(0, 12)}: ${(error as Error).message}`)
        return undefined
      }
    },
    async put(hash, content) {
      try {
        await keyv.set(PREFIX + hash, { content })
      } catch (error) {
        warn(`sitesmith cache: could not store file ${hash.slice(0, 12)}: ${(error as Error).message}`)
      }
    },
  }
}
