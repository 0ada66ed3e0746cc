import { describe, expect, it } from 'vitest'

import { DEFAULT_CHROMIUM_PATH, defaultChromiumPath } from '../../../plugin/check/runtime/chromium.js'

describe('defaultChromiumPath', () => {
  it('prefers SITESMITH_CHROMIUM', () => {
    expect(defaultChromiumPath({ SITESMITH_CHROMIUM: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome')
  })

  it("falls back to Debian's /usr/bin/chromium when unset or blank", () => {
    expect(defaultChromiumPath({})).toBe('/usr/bin/chromium')
    expect(defaultChromiumPath({ SITESMITH_CHROMIUM: '  ' })).toBe(DEFAULT_CHROMIUM_PATH)
  })
})
