import pc from 'picocolors'
import type { Logger } from './logger.js'
import { escapeTerminal } from '../site-files/site-file-policy.js'

/**
 * Progress of one run: stage, tasks done/total, cache hits, tokens, elapsed. On a TTY
 * (and not in CI) one status line is redrawn in place; elsewhere plain lines are printed
 * only when something happens (a stage starts, a file is written), so logs stay readable
 * and a run that changes nothing prints a single line.
 */
export interface ProgressOptions {
  logger: Logger
  /** The stream the live line is drawn on; live mode needs a TTY. */
  stream?: NodeJS.WriteStream
  env?: NodeJS.ProcessEnv
  /** Prefix of every line. @default 'sitesmith' */
  name?: string
}

export interface ProgressSnapshot {
  stage: string
  done: number
  total: number
  hits: number
  misses: number
  tokens: number
  elapsedMs: number
}

export class Progress {
  private stage = 'start'
  private done = 0
  private total = 0
  private hits = 0
  private misses = 0
  private tokens = 0
  private readonly started = Date.now()
  private readonly live: boolean
  private drawn = false
  private readonly name: string

  constructor(private readonly opts: ProgressOptions) {
    const env = opts.env ?? process.env
    this.live = !!opts.stream?.isTTY && !env.CI && env.TERM !== 'dumb'
    this.name = opts.name ?? 'sitesmith'
  }

  setStage(stage: string, total?: number): void {
    this.stage = stage
    if (total !== undefined) {
      this.total = total
      this.done = 0
    }
    if (this.live) this.draw()
  }

  /** A model answer arrived (from the cache or a real call). */
  call(hit: boolean, tokens: number): void {
    if (hit) this.hits++
    else this.misses++
    this.tokens += tokens
    if (this.live) this.draw()
  }

  /** One unit of the current stage finished; `line` is printed in plain mode (and above the live line). */
  step(line?: string): void {
    this.done++
    if (line) this.line(line)
    else if (this.live) this.draw()
  }

  /** Print a line that stays (above the live line on a TTY). */
  line(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.clear()
    // Paths, task errors and page console text come from models and pages: never raw escapes (issue #10).
    this.opts.logger[level](`${pc.dim(`[${this.name}]`)} ${escapeTerminal(text)}`)
    if (this.live && this.stage !== 'done') this.draw()
  }

  snapshot(): ProgressSnapshot {
    return {
      stage: this.stage,
      done: this.done,
      total: this.total,
      hits: this.hits,
      misses: this.misses,
      tokens: this.tokens,
      elapsedMs: Date.now() - this.started,
    }
  }

  finish(): void {
    this.stage = 'done'
    this.clear()
  }

  private draw(): void {
    const s = this.snapshot()
    const count = s.total ? ` ${s.done}/${s.total}` : ''
    const cache = `cache ${s.hits} hit${s.hits === 1 ? '' : 's'}, ${s.misses} call${s.misses === 1 ? '' : 's'}`
    const text =
      `${pc.cyan(`[${this.name}]`)} ${s.stage}${count} · ${cache} · ` +
      `${s.tokens} tokens · ${(s.elapsedMs / 1000).toFixed(1)}s`
    this.opts.stream!.write(`\r\x1b[2K${text}`)
    this.drawn = true
  }

  private clear(): void {
    if (this.drawn) {
      this.opts.stream!.write('\r\x1b[2K')
      this.drawn = false
    }
  }
}
