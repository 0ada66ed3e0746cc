import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CONFIG_NAMES } from './load-options.js'
import { GITIGNORE_LINES, SCRIPTS, SPEC_TEMPLATE, VITE_CONFIG_TEMPLATE } from './init-templates.js'

export interface InitIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  cwd: string
}

export const INIT_USAGE = `Usage: sitesmith init [dir]

Start a sitesmith project in dir (default: the current directory; created if missing):
  spec.md            a short example spec to edit
  vite.config.ts     the plugin with both model roles (vite.config.mts when package.json
                     says "type": "commonjs" or has no type, so Vite loads it as an ES module)
  package.json       scripts dev, build, preview (created when missing; existing scripts kept)
  .gitignore         node_modules/, dist/, .env files (created, or the missing lines appended)
Refuses, writing nothing, when spec.md or a vite.config already exists. Needs no network.
Exit status: 0 ok, 1 refused or unreadable package.json, 2 usage error.
`

const PLUGIN_PACKAGE = 'vite-plugin-sitesmith'

/**
 * `sitesmith init [dir]` (issue #14): everything a new project needs to run `vite` with
 * sitesmith, without overwriting anything. Checks first and writes after, so a refusal
 * leaves the folder as it was.
 */
export function initCommand(argv: string[], io: InitIo): number {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } })
  } catch (error) {
    io.stderr.write(`sitesmith init: ${(error as Error).message}\n\n${INIT_USAGE}`)
    return 2
  }
  if (parsed.values.help) {
    io.stdout.write(INIT_USAGE)
    return 0
  }
  if (parsed.positionals.length > 1) {
    io.stderr.write(`sitesmith init: one directory at most, got ${parsed.positionals.join(' ')}\n`)
    return 2
  }
  const dir = resolve(io.cwd, parsed.positionals[0] ?? '.')
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    io.stderr.write(`sitesmith init: ${dir} exists and is not a directory\n`)
    return 2
  }

  const pkgPath = join(dir, 'package.json')
  let pkg:
    | {
        type?: unknown
        scripts?: Record<string, unknown>
        dependencies?: Record<string, unknown>
        devDependencies?: Record<string, unknown>
      }
    | undefined
  let pkgText: string | undefined
  if (existsSync(pkgPath)) {
    pkgText = readFileSync(pkgPath, 'utf8')
    try {
      pkg = JSON.parse(pkgText) as typeof pkg
      if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) throw new Error('not a JSON object')
    } catch (error) {
      io.stderr.write(
        `sitesmith init: ${pkgPath} is not valid JSON (${(error as Error).message}); nothing was written\n`,
      )
      return 1
    }
  }
  // A package without "type": "module" makes Vite bundle a vite.config.ts as CommonJS; a
  // .mts config is an ES module whatever the package says.
  const esm = pkg ? pkg.type === 'module' : true
  const configName = esm ? 'vite.config.ts' : 'vite.config.mts'

  const clashes = ['spec.md', ...CONFIG_NAMES].filter((n) => existsSync(join(dir, n)))
  if (clashes.length) {
    io.stderr.write(
      `sitesmith init: ${dir} already has ${clashes.join(', ')}; nothing was written (init never overwrites a file)\n`,
    )
    return 1
  }

  mkdirSync(dir, { recursive: true })
  // 'wx': if a file appeared since the check, fail rather than overwrite it.
  writeFileSync(join(dir, 'spec.md'), SPEC_TEMPLATE, { flag: 'wx' })
  writeFileSync(join(dir, configName), VITE_CONFIG_TEMPLATE, { flag: 'wx' })
  const wrote = ['spec.md', configName]

  const scripts = { ...(pkg?.scripts ?? {}) }
  const added: string[] = []
  const kept: string[] = []
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] === undefined) {
      scripts[name] = command
      added.push(name)
    } else if (scripts[name] !== command) kept.push(name)
  }
  if (!pkg) {
    const name =
      (dir.split(/[\\/]/).pop() || 'site')
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') || 'site'
    writeFileSync(
      pkgPath,
      JSON.stringify({ name, version: '0.0.0', private: true, type: 'module', scripts }, null, 2) + '\n',
      { flag: 'wx' },
    )
    wrote.push('package.json')
  } else if (added.length) {
    const indent = /^[ \t]+(?=")/m.exec(pkgText ?? '')?.[0] ?? '  '
    writeFileSync(pkgPath, JSON.stringify({ ...pkg, scripts }, null, indent) + (pkgText?.endsWith('\n') ? '\n' : ''))
  }

  const ignorePath = join(dir, '.gitignore')
  const ignoreText = existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : undefined
  const present = new Set((ignoreText ?? '').split(/\r?\n/).map((l) => l.trim()))
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l) && !present.has(l.replace(/\/$/, '')))
  if (ignoreText === undefined) {
    writeFileSync(ignorePath, missing.join('\n') + '\n', { flag: 'wx' })
    wrote.push('.gitignore')
  } else if (missing.length) {
    writeFileSync(
      ignorePath,
      `${ignoreText}${ignoreText === '' || ignoreText.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`,
    )
  }

  const out = [`sitesmith init: wrote ${wrote.join(', ')} in ${dir}`]
  if (!esm)
    out.push(
      `  (${configName}, not vite.config.ts: this package is CommonJS, and Vite loads a .mts config as an ES module)`,
    )
  if (pkg && added.length) out.push(`  added script${added.length > 1 ? 's' : ''} ${added.join(', ')} to package.json`)
  if (kept.length) out.push(`  kept your own script${kept.length > 1 ? 's' : ''} ${kept.join(', ')} in package.json`)
  if (ignoreText !== undefined && missing.length) out.push(`  added ${missing.join(' ')} to .gitignore`)

  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) }
  const installed = deps.vite !== undefined && deps[PLUGIN_PACKAGE] !== undefined
  const rel = relative(io.cwd, dir)
  const cd = rel && rel !== '.' ? `cd ${/\s/.test(rel) ? JSON.stringify(rel) : rel} && ` : ''
  out.push('', 'Next:')
  if (!installed) out.push(`  ${cd}npm install -D vite ${PLUGIN_PACKAGE}   # or the packed .tgz (see its README)`)
  else if (cd) out.push(`  ${cd.replace(/ && $/, '')}`)
  out.push(
    '  export OPENAI_API_KEY=sk-...                  # planner (OPENAI_BASE_URL for an OpenAI-compatible server)',
    '  export OLLAMA_HOST=http://127.0.0.1:11434     # coder: an Ollama server with qwen2.5-coder:7b',
    '  npm run dev                                   # then edit spec.md; npm run build writes dist/',
    '',
  )
  io.stdout.write(out.join('\n'))
  return 0
}
