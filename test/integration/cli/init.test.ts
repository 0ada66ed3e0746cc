import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { describe, expect, it, onTestFinished } from 'vitest'
import { runCli } from '../../../plugin/cli/run-cli.js'
import { SPEC_TEMPLATE, VITE_CONFIG_TEMPLATE } from '../../../plugin/cli/init-templates.js'
import { parseSpec } from '../../../plugin/spec/sections.js'
import { REPO } from '../../helpers/temp-site.js'

/** `sitesmith init` and each command's `--help` (issue #14), through the CLI entry point. */
function tempDir(): string {
  mkdirSync(join(REPO, 'test', '.tmp'), { recursive: true })
  const dir = mkdtempSync(join(REPO, 'test', '.tmp', 'init-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function cli(args: string[], cwd: string) {
  let stdout = ''
  let stderr = ''
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) })
  const code = await runCli(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    cwd,
    env: { PATH: process.env.PATH },
  })
  return { code, stdout, stderr }
}

function files(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]))
}

describe('sitesmith init', () => {
  it('in a CommonJS package (npm init -y): spec.md, vite.config.mts, scripts added beside the existing ones, .gitignore; prints what to run next', async () => {
    const dir = tempDir()
    const pkg = {
      name: 'shop',
      version: '1.0.0',
      main: 'index.js',
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
      license: 'ISC',
      type: 'commonjs',
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
    const r = await cli(['init'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(Object.keys(files(dir)).sort()).toEqual(['.gitignore', 'package.json', 'spec.md', 'vite.config.mts'])
    expect(readFileSync(join(dir, 'vite.config.mts'), 'utf8')).toBe(VITE_CONFIG_TEMPLATE)
    const written = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(written).toEqual({
      ...pkg,
      scripts: { ...pkg.scripts, dev: 'vite', build: 'vite build', preview: 'vite preview' },
    })
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual([
      'node_modules/',
      'dist/',
      '.env',
      '.env.*',
      '',
    ])
    expect(r.stdout).toMatch(/vite\.config\.mts, not vite\.config\.ts: this package is CommonJS/)
    const next = r.stdout.split('Next:\n')[1].trim().split('\n')
    expect(next.map((l) => l.trim().split(/\s+#/)[0].trim())).toEqual([
      'npm install -D vite vite-plugin-sitesmith',
      'export OPENAI_API_KEY=sk-...',
      'export OLLAMA_HOST=http://127.0.0.1:11434',
      'npm run dev',
    ])
  })

  it('in an ES module package with vite and the plugin installed: vite.config.ts, and the next commands skip the install', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'x',
        type: 'module',
        devDependencies: { vite: '^8.0.0', 'vite-plugin-sitesmith': 'file:../x.tgz' },
        scripts: { build: 'my-build' },
      }),
    )
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n/coverage')
    const r = await cli(['init'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(dir, 'vite.config.ts'))).toBe(true)
    expect((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: unknown }).scripts).toEqual({
      build: 'my-build',
      dev: 'vite',
      preview: 'vite preview',
    })
    expect(r.stdout).toMatch(/kept your own script build/)
    // Existing lines stay; only the missing ones are appended.
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n/coverage\ndist/\n.env\n.env.*\n')
    expect(r.stdout).not.toMatch(/npm install/)
  })

  it('into a new folder: creates it with a package.json of type module, and the next commands start with cd', async () => {
    const dir = tempDir()
    const r = await cli(['init', 'my site'], dir)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(readFileSync(join(dir, 'my site', 'package.json'), 'utf8'))).toMatchObject({
      name: 'my-site',
      private: true,
      type: 'module',
      scripts: { dev: 'vite' },
    })
    expect(r.stdout).toContain('cd "my site" && npm install -D vite vite-plugin-sitesmith')
  })

  it('refuses when spec.md or any vite.config exists, and writes nothing at all', async () => {
    for (const existing of ['spec.md', 'vite.config.js', 'vite.config.mts']) {
      const dir = tempDir()
      writeFileSync(join(dir, 'package.json'), '{ "name": "keep", "type": "module" }\n')
      writeFileSync(join(dir, existing), 'mine\n')
      const before = files(dir)
      const r = await cli(['init'], dir)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`already has ${existing}; nothing was written`)
      expect(files(dir)).toEqual(before)
    }
  })

  it('an unreadable package.json is named and nothing is written', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'package.json'), '{ "name": ')
    const r = await cli(['init'], dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/package\.json is not valid JSON .*nothing was written/)
    expect(Object.keys(files(dir))).toEqual(['package.json'])
  })

  it('the example spec has the sections a first plan needs, and its comment is not a section', () => {
    expect(parseSpec(SPEC_TEMPLATE).sections.map((s) => s.id)).toEqual([
      'my-site',
      'look-and-feel',
      'behaviour',
      'home-page',
      'about-page',
    ])
  })
})

describe('--help', () => {
  it.each(['init', 'generate', 'plan', 'status', 'check'])(
    'sitesmith %s --help prints that command’s usage and exits 0',
    async (command) => {
      const r = await cli([command, '--help'], tempDir())
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: sitesmith ${command}`))
    },
  )

  it('an unknown option is still a usage error (exit 2) and shows that command’s usage', async () => {
    const r = await cli(['generate', '--nope'], tempDir())
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown option '--nope'[\s\S]*Usage: sitesmith generate/)
  })
})
