import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, onTestFinished } from 'vitest'
import { REPO } from '../../helpers/temp-site.js'

/**
 * The import rule of docs/ARCHITECTURE.md, run exactly as `npm run lint:deps` runs it: the real
 * dependency-cruiser CLI with the repo's `.dependency-cruiser.cjs`, once over the repo and
 * once over small made-up source trees that break the rule in one way each (#11).
 */
const run = promisify(execFile)
const DEPCRUISE = join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')

const ARGS = [DEPCRUISE, 'plugin', '--config', join(REPO, '.dependency-cruiser.cjs')]

interface Violation {
  rule: { name: string }
  from: string
  to: string
}

/** The violations, from the JSON reporter (which exits 0 whatever it finds). */
async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await run(process.execPath, [...ARGS, '--output-type', 'json'], { cwd, maxBuffer: 64 << 20 })
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations
}

/** The exit code of the command `npm run lint:deps` runs (the `err` reporter exits non-zero on errors). */
async function exitCode(cwd: string): Promise<number> {
  try {
    await run(process.execPath, [...ARGS, '--output-type', 'err'], { cwd })
    return 0
  } catch (e) {
    const code = (e as { code?: unknown }).code
    if (typeof code !== 'number') throw e
    return code
  }
}

/** A throwaway tree shaped like the repo: `files` maps `plugin/...` paths to their source. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sitesmith-layers-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(join(REPO, 'tsconfig.json'), join(dir, 'tsconfig.json'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const summary = (vs: Violation[]) => vs.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()

describe('the layer rule (npm run lint:deps)', () => {
  it('holds for the repository: zero violations, zero cycles', async () => {
    expect(summary(await cruise(REPO))).toEqual([])
  })

  it('accepts imports that point down the layers', async () => {
    const dir = tree({
      'plugin/spec/sections.ts':
        "import type { Finding } from '../diagnostics/finding.js'\nexport const s: Finding[] = []\n",
      'plugin/plan/planner.ts': "import { s } from '../spec/sections.js'\nexport const p = s\n",
      'plugin/diagnostics/finding.ts': 'export interface Finding { file: string }\n',
    })
    expect(summary(await cruise(dir))).toEqual([])
  })

  it('fails on an import against the data flow, type-only included', async () => {
    const dir = tree({
      'plugin/spec/sections.ts': "import type { Plan } from '../plan/planner.js'\nexport const s: Plan[] = []\n",
      'plugin/plan/planner.ts': 'export interface Plan { id: string }\n',
    })
    expect(summary(await cruise(dir))).toEqual(['layer-order:spec: plugin/spec/sections.ts -> plugin/plan/planner.ts'])
    expect(await exitCode(dir)).not.toBe(0)
  })

  it('fails on a contract importing a stage, and on a service importing the one above it', async () => {
    const dir = tree({
      'plugin/diagnostics/render.ts': "import { x } from '../check/index.js'\nexport const y = x\n",
      'plugin/check/index.ts': 'export const x = 1\n',
      'plugin/edit/index.ts': "import { w } from '../site-files/site-writer.js'\nexport const e = w\n",
      'plugin/site-files/site-writer.ts': 'export const w = 1\n',
    })
    expect(summary(await cruise(dir))).toEqual([
      'layer-order:diagnostics: plugin/diagnostics/render.ts -> plugin/check/index.ts',
      'layer-order:edit: plugin/edit/index.ts -> plugin/site-files/site-writer.ts',
    ])
  })

  it('fails on a folder cycle and on a module cycle', async () => {
    const dir = tree({
      'plugin/check/a.ts': "import { b } from '../review/b.js'\nexport const a = () => b\n",
      'plugin/review/b.ts': "import { a } from '../check/a.js'\nexport const b = () => a\n",
    })
    const names = new Set((await cruise(dir)).map((v) => v.rule.name))
    expect(names).toEqual(new Set(['layer-order:check', 'no-cycle', 'no-folder-cycle']))
  })

  it('fails on a folder that has no layer', async () => {
    const dir = tree({
      'plugin/helpers/util.ts': "import { s } from '../spec/sections.js'\nexport const u = s\n",
      'plugin/spec/sections.ts': 'export const s = 1\n',
    })
    expect(summary(await cruise(dir))).toEqual(['unlayered: plugin/helpers/util.ts -> plugin/spec/sections.ts'])
  })
})
