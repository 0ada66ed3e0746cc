import { EventEmitter } from 'node:events'
import { readFile, readdir, rm, rmdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Keyv, type DeserializedData, type KeyvStoreAdapter, type StoredData } from 'keyv'

import { isNotFound, isAtomicTempFile, sha256, writeFileAtomic } from './atomic-write.js'

/**
 * The default model-response cache store (docs/ARCHITECTURE.md, "Cache"): a keyv storage
 * adapter that keeps one human-readable JSON file per key, `<dir>/<k0k1>/<key>.json`
 * (sharded by the first two characters of the sha256 key so no directory grows huge).
 *
 * Several processes may share one directory: every write is temp-file + rename, so a
 * reader sees a whole old file, a whole new file, or none. Two writers of one key both
 * write a complete answer to the same inputs; the last rename wins and either is right.
 * A corrupt or truncated file (a crash of an older tool, a bad merge, a full disk) is a
 * miss with a warning, never a crash, and the next `set` of that key replaces it.
 */

/** Where the store reports problems that are not errors (corrupt entries). Vite's logger and `console` fit. */
export interface Logger {
  warn(message: string): void
}

export interface FileStoreOptions {
  /** Receives one warning per corrupt entry read. @default console */
  logger?: Logger
}

/** Keys used as file names as they are; anything else is encoded so it cannot escape `dir`. */
const PLAIN_KEY = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,150}$/

export class FileStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dir: string; dialect: 'sitesmith-file' }
  /** Set by keyv; keys arrive already prefixed when keyv prefixes them, so it is not used for paths. */
  namespace?: string
  private readonly logger: Logger

  constructor(
    /** Absolute (or cwd-relative) cache directory; created on first write. */
    readonly dir: string,
    options: FileStoreOptions = {},
  ) {
    super()
    this.opts = { dir, dialect: 'sitesmith-file' }
    this.logger = options.logger ?? console
  }

  /** The file that holds `key`. */
  pathFor(key: string): string {
    if (typeof key !== 'string' || key.length === 0)
      throw new TypeError(`FileStore: key must be a non-empty string, got ${JSON.stringify(key)}`)
    let name: string
    let shardSource: string
    if (PLAIN_KEY.test(key)) {
      // `:` (keyv's namespace separator) is not portable in file names; `~` never occurs in a plain key.
      name = key.replaceAll(':', '~')
      shardSource = key.slice(key.lastIndexOf(':') + 1)
    } else {
      name = `=${sha256(key)}`
      shardSource = name.slice(1)
    }
    const shard = shardSource.slice(0, 2).toLowerCase().padEnd(2, '_')
    return join(this.dir, shard, `${name}.json`)
  }

  /**
   * The stored text (keyv deserializes it), or undefined for a missing or corrupt entry.
   * Typed as keyv's generic so the class satisfies `KeyvStoreAdapter`.
   */
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const file = this.pathFor(key)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
    try {
      JSON.parse(text)
    } catch (error) {
      const reason = text.trim() === '' ? 'empty file' : error instanceof Error ? error.message : String(error)
      this.logger.warn(
        `sitesmith cache: ${file} is corrupt (${reason}); treating it as a miss — the next write of this key replaces it`,
      )
      return undefined
    }
    return text as StoredData<Value>
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return Promise.all(keys.map((key) => this.get<Value>(key)))
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return Promise.all(keys.map((key) => this.has(key)))
  }

  /**
   * keyv hands over its serialized string; with serialization turned off it hands over the
   * `{ value, expires }` object, which is written as pretty JSON. Either way the file is JSON.
   */
  async set(key: string, value: unknown): Promise<boolean> {
    const text = typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`
    await writeFileAtomic(this.pathFor(key), text)
    return true
  }

  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    await Promise.all(entries.map((e) => this.set(e.key, e.value)))
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathFor(key))
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const results = await Promise.all(keys.map((key) => this.delete(key)))
    return results.every(Boolean)
  }

  /**
   * Remove every entry (and crash-leftover temp file) in the directory's shard folders.
   * Other files a person put in the cache directory (a README, say) are kept.
   */
  async clear(): Promise<void> {
    let shards: string[]
    try {
      shards = await readdir(this.dir)
    } catch (error) {
      if (isNotFound(error)) return
      throw error
    }
    for (const shard of shards) {
      if (shard.length !== 2) continue
      const shardDir = join(this.dir, shard)
      let names: string[]
      try {
        names = await readdir(shardDir)
      } catch {
        continue // a file, not a shard folder
      }
      for (const name of names) {
        if (name.endsWith('.json') || isAtomicTempFile(name)) await rm(join(shardDir, name), { force: true })
      }
      await rmdir(shardDir).catch(() => {}) // only when empty
    }
  }

  async disconnect(): Promise<void> {}
}

export type FileKeyvOptions = FileStoreOptions

/**
 * A keyv instance over a `FileStore` that writes each entry as an indented JSON object
 * (`{ "value": … }`), not a JSON string inside JSON, and uses the key itself as the file
 * name (no `keyv:` prefix), so `cache/ab/ab12….json` is the answer for key `ab12…`.
 */
export function createFileKeyv(dir: string, options: FileKeyvOptions = {}): Keyv {
  return new Keyv({
    store: new FileStore(dir, options),
    useKeyPrefix: false,
    // Plain JSON (not keyv's default, which escapes strings that start with ':') keeps the
    // files readable and editable by hand; cache values are JSON data, never Buffers.
    serialize: (data) => `${JSON.stringify(data, null, 2)}\n`,
    deserialize: <Value>(text: string) => JSON.parse(text) as DeserializedData<Value>,
  })
}
