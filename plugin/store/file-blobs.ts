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

/** The raw, bounded store access blobs need (a `ModelCache` provides it). */
export interface BlobStore {
  read(key: string): Promise<unknown>
  write(key: string, value: unknown): Promise<boolean>
}

export function storeBlobs(store: BlobStore): FileBlobs {
  return {
    async get(hash) {
      const value = await store.read(PREFIX + hash)
      const content = typeof value === 'object' && value !== null && 'content' in value ? value.content : undefined
      // Content-addressed: anything that does not hash to its key is ignored, whatever put it there.
      return typeof content === 'string' && sha256(content) === hash ? content : undefined
    },
    async put(hash, content) {
      // A failed store is already warned by the store's guard; the file itself is written either way.
      await store.write(PREFIX + hash, { content })
    },
  }
}
