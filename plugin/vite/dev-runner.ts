/**
 * Runs the pipeline for the dev server: at most one run at a time, and saves that arrive
 * during a run are coalesced into exactly one follow-up run (issue 4: "never two
 * overlapping runs"). `idle()` resolves when no run is active or queued, which is what
 * the first request waits for.
 */
export class CoalescingRunner<R> {
  private active: Promise<void> | null = null
  private queued = false
  private last: { result?: R; error?: unknown } | null = null

  constructor(
    private readonly run: () => Promise<R>,
    private readonly onDone: (outcome: { result?: R; error?: unknown }) => void,
  ) {}

  /** Ask for a run. Returns the promise of the current burst of runs. */
  schedule(): Promise<void> {
    if (this.active) {
      this.queued = true
      return this.active
    }
    this.active = this.loop().finally(() => {
      this.active = null
    })
    return this.active
  }

  idle(): Promise<void> {
    return this.active ?? Promise.resolve()
  }

  get lastOutcome(): { result?: R; error?: unknown } | null {
    return this.last
  }

  private async loop(): Promise<void> {
    do {
      this.queued = false
      try {
        this.last = { result: await this.run() }
      } catch (error) {
        this.last = { error }
      }
      this.onDone(this.last)
    } while (this.queued)
  }
}
