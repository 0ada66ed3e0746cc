import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'
import type { Logger } from '../../../plugin/report/logger.js'

/**
 * Issue #12, case 5: following the error message ("Fix or delete the file; sitesmith
 * rebuilds it") must not wedge the site. Before, a deleted tracker made every generated file
 * a "user file" and every task failed on every run.
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

function capture(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) }
}

const tracker = (s: TempSite) => join(s.dir, '.sitesmith', 'file_tracker.json')

describe('a missing or corrupt file_tracker.json is rebuilt from the cache', () => {
  for (const damage of ['deleted', 'corrupt'] as const) {
    it(`${damage}: every file recognised by its bytes, no task fails, no model call, the message says what happened`, async () => {
      site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
      await site.run()
      const files = site.snapshot()
      if (damage === 'deleted') rmSync(tracker(site))
      else writeFileSync(tracker(site), '{ "files": { "index.html": ')
      site.server.reset()
      const logger = capture()
      const again = await site.run({}, { logger })
      expect(again.errors).toEqual([])
      expect(Object.keys(again.tracker.files).sort()).toEqual([
        'css/style.css',
        'index.html',
        'js/main.js',
        'rentals.html',
      ])
      expect(site.server.requests).toEqual([])
      expect(site.snapshot()).toEqual(files)
      const said = logger.lines.filter((l) => l.includes('rebuilt it from the cache'))
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(
        damage === 'deleted'
          ? /file_tracker\.json is missing/
          : /file_tracker\.json is corrupt .*kept as \.sitesmith\/file_tracker\.json\.corrupt/,
      )
      expect(said[0]).toContain("4 file(s) recognised as sitesmith's by their bytes")
      if (damage === 'corrupt') expect(existsSync(`${tracker(site)}.corrupt`)).toBe(true)
      // And the site is not wedged: a spec edit regenerates the page.
      site.write('spec.md', site.read('spec.md').replace('Hourly and daily rates.', 'Hourly, daily and weekly rates.'))
      const edit = await site.run()
      expect(edit.errors).toEqual([])
      expect(edit.changed).toContain('rentals.html')
    })
  }

  it('a file edited by hand while the tracker was gone is not claimed: it is named as yours and kept', async () => {
    site = await createTempSite({ spec: SPEC, respond: scriptedSite() })
    await site.run()
    rmSync(tracker(site))
    site.write('rentals.html', site.read('rentals.html').replace('</h1>', ' (open Sundays)</h1>'))
    const logger = capture()
    const again = await site.run({}, { logger })
    expect(again.tracker.files['rentals.html']).toBeUndefined()
    expect(site.read('rentals.html')).toContain('(open Sundays)')
    expect(logger.lines.join('\n')).toMatch(/treated as yours and kept: rentals\.html/)
  })
})
