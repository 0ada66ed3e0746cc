/**
 * `sitesmith check` startup and scale (issue 13), on the synthetic site of check.bench.ts
 * grown by sections (50 files each):
 *  - check_cli_start_ms / node_bare_start_ms / check_cli_start_ratio: the built bin checking
 *    a one-page site vs `node -e 0`, runs interleaved, medians.
 *  - check_5000_files_ms, check_20000_files_ms, *_peak_rss_mb: CPU time (user + system) of
 *    one `checkSite` in a fresh child process (wall time on a shared 2-core machine says more
 *    about the neighbours than about the checker), and that child's peak RSS.
 *  - check_5k_to_20k_growth: (20k time ÷ 5k time) ÷ 4; 1.0 is linear (target ≤ 1.2).
 *  - check_vs_parse_floor_ratio: check ÷ reading and parsing the same files once with
 *    parse5 + postcss + acorn (the parsers the checker uses, with its options; parse5 builds
 *    its default tree with positions, where the checker's tree skips end positions, #13),
 *    both in one child on the 5k site, interleaved.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { writeSyntheticSite } from './check.bench.js'
import type { BenchResult } from './types.js'
import { median } from './timing.js'

const thisFile = fileURLToPath(import.meta.url)
const repo = join(dirname(thisFile), '..', '..')
const START_RUNS = 9

function wallOf(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, { cwd, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => resolve(performance.now() - started))
  })
}

interface ChildReport {
  checkCpuMs: number
  checkWallMs: number
  floorCpuMs?: number
  maxRssMb: number
  findings: number
}

async function child(mode: 'check' | 'floor', dir: string): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', thisFile, `--${mode}-child`, dir],
    { cwd: repo, timeout: 900_000, maxBuffer: 1 << 20 },
  )
  const line = stdout.split('\n').find((l) => l.startsWith('{'))
  if (!line) throw new Error(`bench child printed no report: ${stdout}`)
  return JSON.parse(line) as ChildReport
}

export async function run(): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'sitesmith-check-scale-'))
  try {
    // Startup: one small page, the built bin (what `npx sitesmith check` runs).
    const tiny = join(work, 'tiny')
    writeSyntheticSite(tiny, 1)
    const bin = join(repo, 'dist', 'cli.js')
    const cliTimes: number[] = []
    const bareTimes: number[] = []
    await wallOf([bin, 'check', tiny, '-f', 'json'], work)
    for (let i = 0; i < START_RUNS; i++) {
      bareTimes.push(await wallOf(['-e', '0'], work))
      cliTimes.push(await wallOf([bin, 'check', tiny, '-f', 'json'], work))
    }
    const cliMs = median(cliTimes)
    const bareMs = median(bareTimes)

    const sites: Record<string, string> = {}
    for (const [name, sections] of [
      ['5k', 100],
      ['20k', 400],
    ] as const) {
      sites[name] = join(work, name)
      writeSyntheticSite(sites[name], sections)
    }
    const files = (dir: string) => countFiles(dir)
    const five = await child('check', sites['5k'])
    const twenty = await child('check', sites['20k'])
    const floor = await child('floor', sites['5k'])
    const n5 = files(sites['5k'])
    const n20 = files(sites['20k'])
    const growth = twenty.checkCpuMs / five.checkCpuMs / (n20 / n5)
    return {
      check_cli_start_ms: {
        value: cliMs,
        unit: 'ms',
        note: `built bin, \`check\` on a ${files(tiny)}-file site, median of ${START_RUNS} (wall)`,
      },
      node_bare_start_ms: {
        value: bareMs,
        unit: 'ms',
        note: `\`node -e 0\`, median of ${START_RUNS}, interleaved with the above`,
      },
      check_cli_start_ratio: {
        value: cliMs / bareMs,
        unit: 'ratio',
        target: '<= 3',
        note: 'check_cli_start_ms ÷ node_bare_start_ms',
      },
      check_5000_files_ms: {
        value: five.checkCpuMs,
        unit: 'ms',
        note: `${n5} files; CPU time (user+system) of one checkSite in a fresh child; wall ${five.checkWallMs.toFixed(0)} ms`,
      },
      check_5000_files_peak_rss_mb: {
        value: five.maxRssMb,
        unit: 'MB',
        note: 'peak RSS of that child (Node + tsx included)',
      },
      check_20000_files_ms: {
        value: twenty.checkCpuMs,
        unit: 'ms',
        note: `${n20} files; CPU time of one checkSite in a fresh child; wall ${twenty.checkWallMs.toFixed(0)} ms`,
      },
      check_20000_files_peak_rss_mb: {
        value: twenty.maxRssMb,
        unit: 'MB',
        target: '<= 1024',
        note: 'peak RSS of that child (Node + tsx included)',
      },
      check_5k_to_20k_growth: {
        value: growth,
        unit: 'ratio',
        target: '<= 1.2',
        note: '(20k CPU ÷ 5k CPU) ÷ (20k files ÷ 5k files); 1.0 = linear',
      },
      check_vs_parse_floor_ratio: {
        value: floor.checkCpuMs / (floor.floorCpuMs ?? NaN),
        unit: 'ratio',
        target: '<= 1.5',
        note:
          `5k site, one child: checkSite ${floor.checkCpuMs.toFixed(0)} ms vs read + parse5/postcss/acorn once ` +
          `${floor.floorCpuMs?.toFixed(0)} ms (CPU, best of 2 each after a warm-up, interleaved; the floor's parse5 ` +
          `builds its default tree, the checker's skips end positions)`,
      },
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

function countFiles(dir: string): number {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1
  return n
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) listFiles(p, out)
    else out.push(p)
  }
  return out
}

async function cpuOf(fn: () => unknown): Promise<{ cpu: number; wall: number }> {
  const wall = performance.now()
  const before = process.cpuUsage()
  await fn()
  const d = process.cpuUsage(before)
  return { cpu: (d.user + d.system) / 1000, wall: performance.now() - wall }
}

/** The floor: read every file and parse it once, with the checker's parser options. */
async function parseFloor(dir: string): Promise<void> {
  const [{ parse: parseHtml }, postcss, { parse: parseJs }] = await Promise.all([
    import('parse5'),
    import('postcss'),
    import('acorn'),
  ])
  for (const file of listFiles(dir)) {
    const text = readFileSync(file, 'utf8')
    if (file.endsWith('.html')) parseHtml(text, { sourceCodeLocationInfo: true })
    else if (file.endsWith('.css')) postcss.default.parse(text)
    else if (file.endsWith('.js')) {
      const module = /^\s*(import|export)\s/m.test(text)
      parseJs(text, { ecmaVersion: 'latest', sourceType: module ? 'module' : 'script' })
    }
  }
}

// Child modes: measure in a fresh process so RSS and JIT state belong to this measurement.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [mode, dir] = process.argv.slice(2)
  const { checkSite } = await import('../../plugin/check/index.js')
  if (mode === '--check-child') {
    let findings = 0
    const m = await cpuOf(async () => (findings = (await checkSite(dir)).length))
    const report: ChildReport = {
      checkCpuMs: m.cpu,
      checkWallMs: m.wall,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      findings,
    }
    process.stdout.write(JSON.stringify(report) + '\n')
  } else if (mode === '--floor-child') {
    // Warm both, then best of two, interleaved.
    await checkSite(dir)
    await parseFloor(dir)
    const check: number[] = []
    const floor: number[] = []
    const walls: number[] = []
    for (let i = 0; i < 2; i++) {
      const c = await cpuOf(() => checkSite(dir))
      check.push(c.cpu)
      walls.push(c.wall)
      floor.push((await cpuOf(() => parseFloor(dir))).cpu)
    }
    const report: ChildReport = {
      checkCpuMs: Math.min(...check),
      checkWallMs: Math.min(...walls),
      floorCpuMs: Math.min(...floor),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      findings: 0,
    }
    process.stdout.write(JSON.stringify(report) + '\n')
  }
}
