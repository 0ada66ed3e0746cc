import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Debian's redis-server, installed by `.ci/run`. */
export const REDIS_SERVER = '/usr/bin/redis-server'
export const hasRedis = existsSync(REDIS_SERVER)

export interface RedisServer {
  url: string
  /** Send a signal: SIGKILL for an outage, SIGSTOP for a server that accepts but never answers, SIGCONT to resume. */
  signal(signal: NodeJS.Signals): void
  /** Resolves once the server process has exited. */
  exited: Promise<void>
  stop(): Promise<void>
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const { port } = s.address() as { port: number }
  s.close()
  await once(s, 'close')
  return port
}

/** A throwaway redis-server on 127.0.0.1 that persists nothing; `stop()` kills it and removes its dir. */
export async function startRedis(): Promise<RedisServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sitesmith-redis-'))
  const port = await freePort()
  const server: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${out}`)), 10_000)
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    server.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}): ${out}`))
    })
  })
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  return {
    url: `redis://127.0.0.1:${port}`,
    signal: (signal) => {
      server.kill(signal)
    },
    exited,
    stop: async () => {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGCONT')
        server.kill('SIGTERM')
        await exited
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
