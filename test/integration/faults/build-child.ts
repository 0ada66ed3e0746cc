/**
 * Runs one `vite build` with sitesmith in its own process, for kill tests:
 *   node --import tsx build-child.ts '<json: { root, options }>'
 * Exit 0 when the build (the pipeline and the dist check) passed.
 */
import { join } from 'node:path'
import { build } from 'vite'
import sitesmith from '../../../plugin/index.js'
import type { SitesmithOptions } from '../../../plugin/options.js'

const { root, options } = JSON.parse(process.argv[2]) as { root: string; options: SitesmithOptions }
await build({
  root,
  logLevel: 'silent',
  configFile: false,
  plugins: [sitesmith(options)],
  build: { outDir: join(root, 'dist') },
})
