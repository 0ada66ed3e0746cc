/**
 * `npm run bench`: runs every `test/bench/*.bench.ts`, merges what each returns into
 * `test/bench/results.json` (`{ "<metric>": { "value": n, "unit": "…" } }`, docs/ARCHITECTURE.md)
 * and prints a table. `npm run bench -- check` runs only benches whose file name contains
 * "check". Ratios are measured side by side inside one bench, never against stored times.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import type { BenchResult } from './types.js'

const dir = import.meta.dirname
// Benches make temp folders under test/.tmp (mkdtempSync needs the parent; a fresh clone has none).
mkdirSync(join(dir, '..', '.tmp'), { recursive: true })
const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort()

const resultsPath = join(dir, 'results.json')
const results: BenchResult = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : {}

for (const file of files) {
  const started = performance.now()
  process.stdout.write(`bench ${file} …\n`)
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<BenchResult> }
  const out = await mod.run()
  Object.assign(results, out)
  process.stdout.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
  for (const [name, m] of Object.entries(out)) {
    process.stdout.write(
      `  ${name.padEnd(36)} ${String(round(m.value)).padStart(10)} ${m.unit.padEnd(8)} ${m.target ? `target ${m.target}` : ''}\n`,
    )
  }
}

const sorted = Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)))
writeFileSync(resultsPath, JSON.stringify(sorted, null, 2) + '\n')

console.log('\n| metric | value | unit | target |\n|---|---:|---|---|')
for (const [name, m] of Object.entries(sorted))
  console.log(`| ${name} | ${round(m.value)} | ${m.unit} | ${m.target ?? ''} |`)

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000
}
