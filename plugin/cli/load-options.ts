import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { SitesmithOptions } from '../options.js'

export const CONFIG_NAMES = [
  'vite.config.ts',
  'vite.config.mts',
  'vite.config.js',
  'vite.config.mjs',
  'vite.config.cts',
  'vite.config.cjs',
]

/**
 * The CLI runs the same engine as the plugin with the same options: when the directory has
 * a Vite config that uses sitesmith, its options are read from the plugin instance (so
 * `sitesmith generate` and `vite build` can never disagree). Without one, defaults apply.
 */
export async function loadSitesmithOptions(dir: string): Promise<{ options: SitesmithOptions; configFile?: string }> {
  const configFile = CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p))
  if (!configFile) return { options: {} }
  const { loadConfigFromFile } = await import('vite')
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, configFile, dir, 'silent')
  const plugins = await flatten(loaded?.config.plugins ?? [])
  const ours = plugins.find(
    (p): p is { name: string; api: { options: SitesmithOptions } } =>
      !!p && typeof p === 'object' && (p as { name?: string }).name === 'vite-plugin-sitesmith',
  )
  return { options: ours?.api.options ?? {}, configFile }
}

async function flatten(list: unknown): Promise<unknown[]> {
  const value = await list
  if (!Array.isArray(value)) return [value]
  return (await Promise.all(value.map(flatten))).flat()
}
