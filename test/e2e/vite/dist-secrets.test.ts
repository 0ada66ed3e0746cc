import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { build } from 'vite'
import sitesmith from '../../../plugin/index.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { scriptedSite } from '../../helpers/scripted-site.js'

/**
 * Issue #10, case 1: a generated page that names a secret file as a classic script must
 * not get that file copied into `dist/`. Tried the way a hostile model would: plain dot
 * files, `%2e%2e` (decoded only after the old `..` check), double encoding, a folder
 * symlinked out of the site, a tool config a person keeps next to the pages. The browser
 * check is off (as on CI without Chromium) and `failOn: 'never'`, so the build runs to the
 * end and `dist/` is exactly what would be deployed.
 */
const SPEC = `# Quay Café

## Look and feel
Sea green #1e6b5c.

## Behaviour
Show today's opening hours in the footer.

## Home page
Coffee on the quay since 1987.
`

const HOSTILE_TAGS = [
  '<script src=".env"></script>',
  '<script src="js/%2e%2e/.env"></script>',
  '<script src="js/%252e%252e/.env.local"></script>',
  '<script src="/.git/config"></script>',
  '<script src="./.sitesmith/tasks.json"></script>',
  '<script src="tailwind.config.js"></script>',
  '<script src="node_modules/x/index.js"></script>',
  '<script src="js/%2e%2e/%2e%2e/outside.js"></script>',
  '<script src="vendor/lib.js"></script>',
].join('\n')

/** Fake values in the shapes real credentials have (never real ones). */
const DOTENV =
  'STRIPE_SECRET_KEY=sk_live_51Hfake0000000000000000000000 # live key\nGITHUB_PAT=ghp_fake0000000000000000000000000000000000\nDATABASE_URL=postgres://shop:hunter2hunter2@db.internal:5432/shop\n'

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(relative(dir, p).split(sep).join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

describe('dist/ never receives a secret or a file no page legitimately references (issue #10)', () => {
  it('hostile classic-script srcs copy nothing but the real script; unreferenced generated data stays out', async () => {
    site = await createTempSite({
      spec: SPEC,
      respond: scriptedSite({
        mutate: (path, c) => (path === 'index.html' ? c.replace('</body>', `${HOSTILE_TAGS}\n</body>`) : c),
        override: (stage, req) => {
          if (stage !== 'plan') return undefined
          const plan = JSON.parse((scriptedSite()(req) as { content: string }).content) as { tasks: object[] }
          // A data file no page or script mentions: it has no business in dist/.
          plan.tasks.push({
            id: 'orphan',
            action: 'create',
            path: 'data/orphan.json',
            instructions: 'An unused JSON file {"x":1}',
            dependsOn: [],
            sections: ['behaviour'],
          })
          return { content: JSON.stringify(plan) }
        },
      }),
    })
    site.write('.env', DOTENV)
    site.write('.env.local', 'LOCAL_TOKEN=local-token-0123456789\n')
    mkdirSync(join(site.dir, '.git'))
    site.write(
      '.git/config',
      '[remote "origin"]\n\turl = https://ghp_fake1111111111111111111111111111111111@github.com/me/shop.git\n',
    )
    site.write('tailwind.config.js', 'export default { content: [], theme: { secret: "tw-0123456789" } }\n')
    // A folder the person symlinked to somewhere outside the site, holding a private file.
    const outside = mkdtempSync(join(tmpdir(), 'sitesmith-outside-'))
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }))
    writeFileSync(join(outside, 'lib.js'), 'window.privateKey = "outside-0123456789"\n')
    symlinkSync(outside, join(site.dir, 'vendor'), 'dir')
    mkdirSync(join(site.dir, 'node_modules', 'x'), { recursive: true })
    site.write('node_modules/x/index.js', 'window.x = 1\n')

    await build({
      root: site.dir,
      logLevel: 'silent',
      configFile: false,
      plugins: [
        sitesmith(
          site.pluginOptions({ runtimeCheck: { enabled: false }, review: { enabled: false }, failOn: 'never' }),
        ),
      ],
      build: { outDir: join(site.dir, 'dist') },
    })
    const dist = join(site.dir, 'dist')
    const files = listFiles(dist)
    expect(files.filter((f) => f.split('/').some((s) => s.startsWith('.')))).toEqual([])
    expect(files).not.toContain('tailwind.config.js')
    expect(files.filter((f) => f.startsWith('node_modules'))).toEqual([])
    expect(files).not.toContain('data/orphan.json')
    // The legitimate classic script is still copied where the page points.
    expect(files).toContain('js/main.js')
    const everything = files.map((f) => readFileSync(join(dist, f), 'latin1')).join('\n')
    for (const secret of [
      'sk_live_51Hfake',
      'ghp_fake',
      'hunter2hunter2',
      'local-token-0123456789',
      'tw-0123456789',
      'outside-0123456789',
    ])
      expect(everything).not.toContain(secret)
  })
})
