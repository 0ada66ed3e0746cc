import { mkdtemp, readFile, readdir, rm, stat, chmod, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { isAtomicTempFile, removeAtomicTempFiles, sha256, writeFileAtomic } from '../../../plugin/store/atomic-write.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sitesmith-atomic-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('sha256', () => {
  it('matches the FIPS 180-2 test vector and hashes strings as UTF-8', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256('é')).toBe(sha256(Buffer.from('é', 'utf8')))
  })
})

describe('writeFileAtomic', () => {
  it('creates missing parent directories and writes the exact bytes', async () => {
    const p = join(dir, 'a', 'b', 'index.html')
    await writeFileAtomic(p, '<h1>héllo</h1>\n')
    expect(await readFile(p, 'utf8')).toBe('<h1>héllo</h1>\n')
    const bytes = new Uint8Array([0, 255, 10, 13])
    await writeFileAtomic(join(dir, 'bin'), bytes)
    expect(new Uint8Array(await readFile(join(dir, 'bin')))).toEqual(bytes)
  })

  it('replaces an existing file, keeps its mode and leaves no temp file behind', async () => {
    const p = join(dir, 'run.sh')
    await writeFile(p, 'old')
    await chmod(p, 0o751)
    await writeFileAtomic(p, 'new')
    expect(await readFile(p, 'utf8')).toBe('new')
    expect((await stat(p)).mode & 0o777).toBe(0o751)
    expect(await readdir(dir)).toEqual(['run.sh'])
  })

  it('concurrent writes to one path leave one of the contents whole', async () => {
    const p = join(dir, 'race.txt')
    const contents = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000))
    await Promise.all(contents.map((c) => writeFileAtomic(p, c)))
    expect(contents).toContain(await readFile(p, 'utf8'))
    expect(await readdir(dir)).toEqual(['race.txt'])
  })

  it('a failed rename removes its temp file and leaves the target as it was', async () => {
    // The target is a non-empty directory: the temp file is written, then rename fails.
    await writeFileAtomic(join(dir, 'page', 'keep.txt'), 'keep')
    await expect(writeFileAtomic(join(dir, 'page'), 'lost')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/)
    expect(await readdir(dir)).toEqual(['page'])
    expect(await readFile(join(dir, 'page', 'keep.txt'), 'utf8')).toBe('keep')
  })

  it('names the path when a parent is a file', async () => {
    await writeFile(join(dir, 'file'), 'x')
    await expect(writeFileAtomic(join(dir, 'file', 'child.txt'), 'y')).rejects.toThrow(join(dir, 'file'))
  })
})

describe('removeAtomicTempFiles', () => {
  it('removes only names writeFileAtomic makes', async () => {
    await writeFile(join(dir, '.index.html.123.abcdef.sitesmith-tmp'), 'partial')
    await writeFile(join(dir, 'index.html'), 'whole')
    await writeFile(join(dir, '.env'), 'SECRET=1')
    const removed = await removeAtomicTempFiles(dir)
    expect(removed).toEqual([join(dir, '.index.html.123.abcdef.sitesmith-tmp')])
    expect((await readdir(dir)).sort()).toEqual(['.env', 'index.html'])
    expect(isAtomicTempFile('.env')).toBe(false)
    expect(await removeAtomicTempFiles(join(dir, 'missing'))).toEqual([])
  })
})
