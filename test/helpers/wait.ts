import { vi } from 'vitest'

/**
 * The one poll helper of the suite (#11): wait until `done()` holds, checking every
 * `interval` ms, on `vi.waitUntil`. A timeout fails with what was awaited (and, when
 * given, the state that did not get there) instead of hanging or a bare "timed out".
 * Tests wait on events or on this, never on a fixed sleep (docs/ARCHITECTURE.md standards).
 */
export interface WaitOptions {
  /** @default 20_000 */
  timeout?: number
  /** @default 10 */
  interval?: number
  /** The state shown when the wait times out. */
  describe?: () => string
}

export async function waitUntil(
  what: string,
  done: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  const timeout = options.timeout ?? 20_000
  try {
    await vi.waitUntil(async () => (await done()) === true, { timeout, interval: options.interval ?? 10 })
  } catch {
    const state = options.describe ? `: ${options.describe()}` : ''
    throw new Error(`timed out after ${timeout} ms waiting for ${what}${state}`)
  }
}
