import { execFileSync } from 'node:child_process'
import { existsSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * CLI and example-site tests run the compiled `dist/`; rebuild it when any source file is
 * newer so a stale build never hides a change.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..')
  const out = join(root, 'dist', 'index.js')
  if (!existsSync(out) || newestMtime(join(root, 'plugin')) > statSync(out).mtimeMs) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
  }
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}
