import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/**
 * Issue #12, case 7: a spec that cannot describe a site is refused before any model call,
 * with an error naming the file; bytes a person does not see (BOM, CRLF) cost nothing.
 */
let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const SPEC = `# Quay Bikes

## Look and feel
Steel grey, safety orange.

## Home page
Repairs while you wait.

## Rentals page
Hourly and daily rates.
`

describe('spec validation before any call', () => {
  const junk: Array<[string, string | Buffer, RegExp]> = [
    ['empty', '', /spec spec\.md: is empty/],
    ['whitespace-only', ' \n\t\n   \r\n', /spec spec\.md: holds only whitespace/],
    ['a BOM and nothing else', '\uFEFF\n', /spec spec\.md: holds only whitespace/],
    [
      'binary (a PNG saved over it)',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      /spec spec\.md: is binary, not text \(a NUL byte at offset 8\)/,
    ],
    [
      'not UTF-8 (Latin-1 bytes)',
      Buffer.from('# Caf\xe9\n\n## Home page\nCr\xeape.\n', 'latin1'),
      /spec spec\.md: is not valid UTF-8 text/,
    ],
  ]
  for (const [name, bytes, message] of junk) {
    it(`${name}: a clear error naming the file, 0 calls, nothing written`, async () => {
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      writeFileSync(join(site.dir, 'spec.md'), bytes)
      const error = await site.run().then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      )
      expect(error?.message).toMatch(message)
      expect(error?.code).toBe('E_SPEC')
      expect(site.server.requests).toEqual([])
      expect(existsSync(join(site.dir, '.sitesmith'))).toBe(false)
      expect([...site.snapshot().keys()]).toEqual(['spec.md'])
    })
  }

  it('a directory as the spec path: a clear error naming it, not a bare EISDIR', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    mkdirSync(join(site.dir, 'docs'))
    await expect(site.run({ spec: 'docs' })).rejects.toThrow(
      /spec docs: is a directory, not a file\n.*"docs\/spec\.md"/,
    )
    expect(site.server.requests).toEqual([])
  })

  it('a missing spec names the file', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    rmSync(join(site.dir, 'spec.md'))
    await expect(site.run()).rejects.toThrow(/spec not found: spec\.md/)
  })
})

describe('invisible bytes cost nothing', () => {
  it('adding a BOM, then switching to CRLF, then both: 0 calls, no file changed', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run()
    const files = site.snapshot()
    files.delete('spec.md')
    for (const variant of [`\uFEFF${SPEC}`, SPEC.replace(/\n/g, '\r\n'), `\uFEFF${SPEC.replace(/\n/g, '\r\n')}`]) {
      site.write('spec.md', variant)
      site.server.reset()
      const again = await site.run()
      expect(site.server.requests.length, JSON.stringify(variant.slice(0, 5))).toBe(0)
      expect(again.changed).toEqual([])
      const now = site.snapshot()
      now.delete('spec.md')
      expect(now).toEqual(files)
    }
  })

  it('the first run on a spec saved with a BOM and CRLF plans the same sections as the plain one', async () => {
    site = await createTempSite({ spec: `\uFEFF${SPEC.replace(/\n/g, '\r\n')}`, respond: scriptedSite() })
    const bom = await site.run()
    expect(bom.tasks.map((t) => t.path).sort()).toEqual(['css/style.css', 'index.html', 'js/main.js', 'rentals.html'])
    expect(site.read('index.html')).not.toContain('\uFEFF')
  })
})
