import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * CLI and example-site tests run the compiled `dist/`; rebuild it when any source file is
 * newer so a stale build never hides a change. A failed build is reported but does not
 * stop the run: unit tests do not need `dist/`, and the tests that do will fail on their own.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..')
  // Tests make their temp folders under test/.tmp with mkdtempSync, which needs the parent:
  // in a fresh clone it exists only once some test has made it, so make it before any runs.
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true })
  const out = join(root, 'dist', 'index.js')
  if (existsSync(out) && newestMtime(join(root, 'plugin')) <= statSync(out).mtimeMs) return
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, encoding: 'utf8' },
  )
  if (r.status !== 0)
    process.stderr.write(
      `[global-setup] tsc -p tsconfig.build.json failed; tests that run dist/ will fail:\n${r.stdout}${r.stderr}\n`,
    )
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}
