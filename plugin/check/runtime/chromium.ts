/**
 * Starting the headless Chromium the runtime check drives. A missing or broken browser is
 * an environment problem, not a site defect: it becomes one clear "skipped" line with the
 * fix, never an exception and never a silent pass.
 */
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { chromium, type Browser } from 'playwright-core'

/** The default binary (Debian's `chromium` package). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Flags for a quiet, offline, CI-friendly browser. `--no-sandbox` because CI containers
 * often run as root without user namespaces; the background-service flags and the
 * host-resolver rule keep Chromium itself (and anything a page opens that request routing
 * cannot see, such as WebSockets) from reaching for the network.
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  // WebRTC's ICE gathering sends STUN/TURN over UDP straight from the network stack, where
  // neither request routing nor the host-resolver rule sees it (issue #10). Without a proxy
  // this policy leaves no UDP path: no candidates are gathered, no packet is sent
  // (test/e2e/runtime/webrtc-offline.test.ts).
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
])

const HOW_TO_FIX = 'install it (apt install chromium) or set SITESMITH_CHROMIUM to a Chromium/Chrome binary'

/** `SITESMITH_CHROMIUM` when set and non-empty, else {@link DEFAULT_CHROMIUM_PATH}. */
export function defaultChromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SITESMITH_CHROMIUM?.trim() || DEFAULT_CHROMIUM_PATH
}

export type LaunchOutcome = { browser: Browser; skipped?: undefined } | { browser?: undefined; skipped: string }

/** Launches headless Chromium, or explains in one line why the runtime check cannot run. */
export async function launchChromium(executablePath: string, timeoutMs: number): Promise<LaunchOutcome> {
  try {
    await access(executablePath, constants.X_OK)
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no Chromium at' : 'Chromium is not executable at'
    return { skipped: `${why} ${executablePath}; ${HOW_TO_FIX}` }
  }
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: timeoutMs,
    })
    return { browser }
  } catch (error) {
    return { skipped: `Chromium at ${executablePath} failed to start (${firstLine(error)}); ${HOW_TO_FIX}` }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  // Playwright prefixes "browserType.launch: " and appends a call log; the first line says what failed.
  return (
    text
      .replace(/^browserType\.launch:\s*/, '')
      .split('\n')
      .find((l) => l.trim() !== '') ?? 'unknown error'
  )
    .trim()
    .slice(0, 200)
}
