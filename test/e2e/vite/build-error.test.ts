import { inspect } from 'node:util'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/**
 * Issue #11, acceptance 3: a `vite build` that fails on a finding or a failed task shows it
 * through Vite's own error output — `file:line:column` and a code frame — because the
 * plugin fails through `this.error({ message, id, loc, frame })`, never a bare string.
 * Vite's CLI prints `error during build:` and `inspect(error)`; the test prints the same.
 */
const SPEC = `# Tide Tables

## Look and feel
Slate blue #34506b.

## Home page
High and low water for the harbour.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

interface BuildFailure extends Error {
  errors?: { id?: string; loc?: { file: string; line: number; column: number }; frame?: string; plugin?: string }[]
}

async function failedBuild(s: TempSite): Promise<BuildFailure> {
  const plugin = sitesmith(s.pluginOptions({ review: { enabled: false } }))
  return build({
    root: s.dir,
    logLevel: 'silent',
    configFile: false,
    plugins: [plugin],
    build: { outDir: join(s.dir, 'dist') },
  }).then(
    () => {
      throw new Error('the build passed')
    },
    (e: BuildFailure) => e,
  )
}

describe('vite build fails through this.error with loc and frame (#11)', () => {
  it('a broken link: the error carries loc and frame, the printed output file:line:column and the frame', async () => {
    const BROKEN = '<a href="tide-times.html">Tide times</a>'
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        mutate: (path, c) => (path === 'index.html' ? c.replace('</main>', `${BROKEN}\n</main>`) : c),
      }),
    })
    const error = await failedBuild(site)
    const html = site.read('index.html')
    const line = html.slice(0, html.indexOf(BROKEN)).split('\n').length
    const text = html.split('\n')[line - 1]
    const column = text.indexOf('tide-times.html') + 1

    const raised = error.errors?.[0]
    expect(raised?.plugin).toBe('vite-plugin-sitesmith')
    expect(raised?.id).toBe(join(site.dir, 'index.html'))
    expect(raised?.loc).toEqual({ file: join(site.dir, 'index.html'), line, column })
    expect(raised?.frame).toContain(`> ${line} | ${text}`)

    const printed = inspect(error)
    expect(printed).toContain(`${join(site.dir, 'index.html')}:${line}:${column}`)
    expect(printed).toContain(`> ${line} | ${text}`)
    expect(printed).toMatch(new RegExp(`index\\.html:${line}:${column} error \\[broken-link\\] .*tide-times\\.html`))
    expect(printed).not.toMatch(/:0:0\b/)
    // Said once: the built copy dist/index.html holds the same broken link (#14).
    expect(error.message.match(/\[broken-link\]/g)).toHaveLength(1)
  })

  it('a task the gate rejected twice: the frame is of the rejected answer, the loc its line', async () => {
    const CUT = '.tide { color: #34506b;\n'
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({ mutate: (path, c) => (path === 'css/style.css' ? c + CUT : c) }),
    })
    const error = await failedBuild(site)
    const raised = error.errors?.[0]
    expect(raised?.id).toBe(join(site.dir, 'css/style.css'))
    expect(raised?.loc?.line).toBeGreaterThan(0)
    expect(raised?.frame).toContain('.tide { color: #34506b;')
    const printed = inspect(error)
    expect(printed).toMatch(
      /css\/style\.css:\d+:\d+ error \[E_TASK\] task "[\w-]+" \(css\/style\.css\): the generated file was rejected/,
    )
    expect(printed).not.toMatch(/:0:0\b/)
  })
})
