import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { build, createServer } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'

/**
 * Issue #10, case 2: Vite loads `postcss.config.*` from the project root on `vite build`
 * and when the dev server first processes CSS, and runs it in Node. A plan that creates one
 * must be refused before a model writes it, so a model's code never runs in Node — during
 * the build, nor on the next `vite` start. The "model" below would write a config that
 * leaves a marker file when executed.
 */
const SPEC = `# Quay Café

## Look and feel
Sea green #1e6b5c.

## Home page
Coffee on the quay since 1987.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

describe('nothing a model writes runs in Node (issue #10)', () => {
  it('a planned postcss.config.js is refused (the repair turn hears why); vite build and the next vite start never execute model code', async () => {
    const markerDir = mkdtempSync(join(tmpdir(), 'sitesmith-marker-'))
    onTestFinished(() => rmSync(markerDir, { recursive: true, force: true }))
    const marker = join(markerDir, 'ran')
    const evil = `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'model code ran in Node')\nexport default { plugins: [] }\n`
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        mutate: (path, c) => (path === 'postcss.config.js' ? evil : c),
        override: (stage, req) => {
          if (stage !== 'plan') return undefined // the repair turn gets the honest plan
          const plan = JSON.parse((scriptedSite()(req) as { content: string }).content) as { tasks: object[] }
          plan.tasks.push({
            id: 'postcss',
            action: 'create',
            path: 'postcss.config.js',
            instructions: 'PostCSS config with autoprefixer',
            dependsOn: [],
            sections: ['look-and-feel'],
          })
          return { content: JSON.stringify(plan) }
        },
      }),
    })
    const plugins = () => [sitesmith(site!.pluginOptions({ review: { enabled: false } }))]
    await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: plugins(),
      build: { outDir: join(site.dir, 'dist') },
    })
    expect(existsSync(marker), 'the model-written config ran during vite build').toBe(false)

    const repair = site.server.requests.find((r) => stageOf(r) === 'plan-repair')
    expect(repair?.lastUserMessage).toMatch(
      /task "postcss", path: path "postcss\.config\.js" is a tool config \(\*\.config\.\*\)/,
    )
    expect(
      site.server.requests.filter((r) => stageOf(r) === 'generate').map((r) => r.lastUserMessage),
    ).not.toContainEqual(expect.stringContaining('postcss.config.js'))
    expect(site.exists('postcss.config.js')).toBe(false)
    expect(site.exists('dist/index.html')).toBe(true)

    // The next `vite` start: the dev server processes the stylesheet (where Vite loads a PostCSS config).
    const server = await createServer({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: plugins(),
      server: { port: 0, host: '127.0.0.1' },
    })
    onTestFinished(() => server.close())
    await server.listen()
    const res = await fetch(`http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/css/style.css`)
    expect(res.status).toBe(200)
    expect(existsSync(marker)).toBe(false)
  })
})
