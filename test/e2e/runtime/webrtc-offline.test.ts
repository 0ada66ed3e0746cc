import { createSocket } from 'node:dgram'
import { describe, expect, it, onTestFinished } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { CHROMIUM_ARGS, defaultChromiumPath, launchChromium } from '../../../plugin/check/runtime/chromium.js'

/**
 * Issue #10, case 8: page code in the browser check must not reach the network through
 * WebRTC, which sends STUN/TURN over UDP beneath request routing and the host-resolver rule.
 *
 * What this proves, honestly: a page's RTCPeerConnection pointed at a STUN server gathers no
 * ICE candidate and sends no STUN packet to it. The STUN server is a UDP socket on
 * 127.0.0.1, so the test never leaves loopback itself; the control (the same flags minus
 * the WebRTC policy) shows that the very same page DOES send STUN requests to that socket
 * and gathers host candidates, so the zero is the policy's doing. It does not prove that no
 * other API of Chromium can emit UDP (QUIC is off through --disable-quic; DNS goes through
 * the host-resolver rule).
 */
async function stunAttempt(browser: Browser): Promise<{ packets: number; candidates: string[] }> {
  const socket = createSocket('udp4')
  let packets = 0
  socket.on('message', () => packets++)
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()))
  onTestFinished(() => {
    socket.close()
  })
  const page = await browser.newPage()
  await page.setContent('<!doctype html><p>rtc</p>')
  const candidates = await page.evaluate(async (port) => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: `stun:127.0.0.1:${port}` }] })
    const found: string[] = []
    pc.onicecandidate = (e) => {
      if (e.candidate?.candidate) found.push(e.candidate.candidate)
    }
    pc.createDataChannel('leak')
    await pc.setLocalDescription(await pc.createOffer())
    // Gathering ends with "complete"; bounded in case it never does.
    await new Promise<void>((done) => {
      const timer = setTimeout(done, 5000)
      const check = () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer)
          done()
        }
      }
      pc.onicegatheringstatechange = check
      check()
    })
    pc.close()
    return found
  }, socket.address().port)
  await page.close()
  return { packets, candidates }
}

describe('the browser check is offline for WebRTC too (issue #10)', () => {
  it("a page's RTCPeerConnection to a STUN server gathers no candidate and sends no packet; without the policy it does", async () => {
    const launched = await launchChromium(defaultChromiumPath(), 30_000)
    if (!launched.browser) throw new Error(`this test needs Chromium: ${launched.skipped}`)
    onTestFinished(() => launched.browser.close())
    const guarded = await stunAttempt(launched.browser)
    expect(guarded).toEqual({ packets: 0, candidates: [] })

    const control = await chromium.launch({
      executablePath: defaultChromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS.filter((a) => !a.includes('webrtc')),
    })
    onTestFinished(() => control.close())
    const open = await stunAttempt(control)
    expect(open.candidates.length).toBeGreaterThan(0)
    expect(open.packets).toBeGreaterThan(0)
  })
})
