/**
 * #10: a model that makes a generated page load code from another origin is caught by the
 * build's own check (`external-resource`, an error), through the real clients; an origin
 * the project allows is not reported.
 */
import { afterEach, expect, it } from 'vitest'

import { scriptedSite } from '../../helpers/scripted-site.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'

const SPEC = `# Lantern Books

## Look and feel
Ink blue #22335c on cream.

## Home page
Second-hand books, bought and sold.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const hostile = () =>
  scriptedSite({
    mutate: (path, content) =>
      path === 'index.html'
        ? content.replace('</head>', '  <script src="https://cdn.evil.example/miner.js"></script>\n</head>')
        : content,
  })

it('a generated page that loads a script from another origin is an error naming the page and the URL', async () => {
  site = await createTempSite({ spec: SPEC, respond: hostile() })
  const result = await site.run()
  const found = result.findings.filter((f) => f.rule === 'external-resource')
  expect(found).toHaveLength(1)
  expect(found[0]).toMatchObject({ file: 'index.html', severity: 'error' })
  expect(found[0].message).toContain('https://cdn.evil.example/miner.js')
  expect(site.read('index.html').split('\n')[found[0].line - 1]).toContain('cdn.evil.example')
})

it('an allowed origin is not reported', async () => {
  site = await createTempSite({ spec: SPEC, respond: hostile() })
  const result = await site.run({ check: { allowOrigins: ['https://cdn.evil.example'] } })
  expect(result.findings.filter((f) => f.rule === 'external-resource')).toEqual([])
})
