import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import { SiteWriter, WriteRefusedError } from '../../../plugin/site-files/site-writer.js'
import { sha256 } from './site-state.js'

/**
 * Issue #10, case 6 (acceptance 3): a generated folder that the person replaced by a
 * symlink to somewhere outside the site. Deleting (a removal-only spec change, which skips
 * plan validation), restoring a file from the store, `mkdir -p` before a write and the
 * temp-file sweep at the start of a run must touch nothing outside. The outside tree is
 * hashed before and after — files AND folders, so an empty folder created outside counts.
 */
const SPEC = `# Harbour Bakery

## Look and feel
Warm and simple.

## Behaviour
A menu button opens the navigation on small screens.

## Home page
Fresh bread every morning from 7.
`

/** Every entry under `dir`: folders as `dir:`, files by content hash, symlinks by target. */
function treeState(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const rel = relative(dir, p).split(sep).join('/')
      const st = lstatSync(p)
      if (st.isDirectory()) {
        out.push(`${rel}/ dir`)
        walk(p)
      } else out.push(`${rel} ${st.isSymbolicLink() ? 'link' : sha256(readFileSync(p))}`)
    }
  }
  walk(dir)
  return out
}

function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-outside-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

describe('a symlinked generated folder that leads outside (issue #10)', () => {
  it('a removal-only spec change and the temp-file sweep leave the outside tree byte-identical', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    expect((await site.run({ review: { enabled: false } })).errors).toEqual([])
    expect(site.exists('js/main.js')).toBe(true)

    // The person moves js/ elsewhere and leaves a symlink: the outside copy has the very
    // bytes sitesmith tracked, plus what looks like a temp file of an interrupted write.
    const outside = outsideDir()
    cpSync(join(site.dir, 'js'), outside, { recursive: true })
    writeFileSync(join(outside, '.main.js.1a2b3c.sitesmith-tmp'), 'a file of the person, named like a temp file\n')
    rmSync(join(site.dir, 'js'), { recursive: true })
    symlinkSync(outside, join(site.dir, 'js'), 'dir')
    const before = treeState(outside)

    // Removing the Behaviour section removes js/main.js from the plan: a delete with no model call.
    site.write('spec.md', SPEC.replace(/## Behaviour\n[^\n]*\n\n/, ''))
    const result = await site.run({ review: { enabled: false } })
    expect(treeState(outside)).toEqual(before)
    expect(result.kept).toContain('js/main.js')
  })

  it('restoring a file from the store and mkdir -p before a write create nothing outside', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    expect((await site.run({ review: { enabled: false } })).errors).toEqual([])
    const outside = outsideDir()
    rmSync(join(site.dir, 'css'), { recursive: true })
    symlinkSync(outside, join(site.dir, 'css'), 'dir')
    const before = treeState(outside)

    // A fresh checkout without css/style.css: the run restores it from the store by hash.
    const result = await site.run({ review: { enabled: false } })
    expect(treeState(outside)).toEqual(before)
    expect(result.errors.join('\n')).toMatch(/css\/style\.css.*symlinked directory that leads outside the site root/)

    // The writer itself: a deep new path under the symlinked folder.
    const writer = new SiteWriter({
      siteDir: site.dir,
      tracker: { files: {} },
      overwriteHandEdits: false,
      stateDir: join(site.dir, '.sitesmith'),
    })
    const error = await writer
      .write('css/themes/dark/x.css', 'body { color: red }\n', {
        summary: 's',
        interface: { ids: [], classes: [], globals: [], exports: [], cssVars: [], links: [] },
        generatedBy: { taskId: 't', taskKey: 'k', stage: 'generate', model: 'm' },
      })
      .catch((e: Error) => e)
    expect(error).toBeInstanceOf(WriteRefusedError)
    expect(treeState(outside)).toEqual(before)
    expect(existsSync(join(outside, 'themes'))).toBe(false)
  })

  it("a file in the site that is a symlink to an outside file is never read as sitesmith's, nor deleted through", async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    expect((await site.run({ review: { enabled: false } })).errors).toEqual([])
    const outside = outsideDir()
    // The outside file holds exactly the tracked bytes, so a hash check alone would take it for sitesmith's.
    writeFileSync(join(outside, 'main.js'), site.read('js/main.js'))
    unlinkSync(join(site.dir, 'js', 'main.js'))
    symlinkSync(join(outside, 'main.js'), join(site.dir, 'js', 'main.js'))
    mkdirSync(join(outside, 'keep'))
    const before = treeState(outside)
    site.write('spec.md', SPEC.replace(/## Behaviour\n[^\n]*\n\n/, ''))
    await site.run({ review: { enabled: false } })
    expect(treeState(outside)).toEqual(before)
    expect(lstatSync(join(site.dir, 'js', 'main.js')).isSymbolicLink()).toBe(true)
  })
})
