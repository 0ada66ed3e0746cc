import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'

export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  cwd: string
  env: NodeJS.ProcessEnv
}

/** The one optional directory argument of a command, or null after printing why it is unusable. */
export function siteDirArg(command: string, positionals: string[], io: CliIo): string | null {
  if (positionals.length > 1) {
    io.stderr.write(`sitesmith ${command}: one directory at most, got ${positionals.join(' ')}\n`)
    return null
  }
  const dir = resolve(io.cwd, positionals[0] ?? '.')
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.stderr.write(`sitesmith ${command}: ${dir} is not a directory\n`)
    return null
  }
  return dir
}
