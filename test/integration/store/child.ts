import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..', '..')

export interface Child {
  proc: ChildProcess
  /** Resolves with the first stdout line matching `re` (rejects on exit or after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<string>
  send(line: string): void
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>
  stdout(): string
  stderr(): string
}

/** Run `test/integration/store/fixtures/<name>` with `node --import tsx` from the repo root. */
export function runFixture(name: string, args: string[]): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test', 'integration', 'store', 'fixtures', name), ...args],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exited = once(proc, 'exit').then(([code, signal]) => (code ?? signal) as number | string)
  return {
    proc,
    exited,
    stdout: () => out,
    stderr: () => err,
    send: (line) => void proc.stdin.write(`${line}\n`),
    waitFor: (re, ms = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => re.test(l))
          if (line !== undefined) {
            cleanup()
            resolve(line)
          }
        }
        const onExit = () => {
          cleanup()
          reject(new Error(`${name} exited before printing ${re}; stdout: ${out}\nstderr: ${err}`))
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`${name} did not print ${re} within ${ms} ms; stdout: ${out}\nstderr: ${err}`))
        }, ms)
        const cleanup = () => {
          clearTimeout(timer)
          proc.stdout.off('data', check)
          proc.off('exit', onExit)
        }
        proc.stdout.on('data', check)
        proc.once('exit', onExit)
        check()
      }),
  }
}

/** Kill a child if still running and wait for it to be reaped (so its pid is really gone). */
export async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL')
  await child.exited
}
