import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkRealLocation, checkSitePath } from '../../../plugin/site-files/paths.js'

const siteDir = mkdtempSync(join(tmpdir(), 'sitesmith-paths-'))
const rules = { siteDir, protectedPaths: [join(siteDir, 'spec.md'), join(siteDir, '.sitesmith')] }
afterAll(() => rmSync(siteDir, { recursive: true, force: true }))

describe('checkSitePath', () => {
  it.each([
    ['index.html', 'index.html'],
    ['./css/style.css', 'css/style.css'],
    ['blog/posts/first.html', 'blog/posts/first.html'],
    ['data/menu.json', 'data/menu.json'],
  ])('accepts %s', (input, rel) => {
    const r = checkSitePath(input, rules)
    expect(r.ok && r.rel).toBe(rel)
  })

  it.each([
    ['../x.html', '".."'],
    ['css/../../x.css', '".."'],
    ['/etc/passwd', 'absolute'],
    ['C:/x.html', 'absolute'],
    ['file:///x.html', 'absolute'],
    ['.env', 'environment file'],
    ['config/.env.local', 'environment file'],
    ['.git/config', 'version control'],
    ['node_modules/x/index.js', 'node_modules'],
    ['vite.config.ts', 'a tool loads or runs'],
    ['package.json', 'a tool loads or runs'],
    ['Package-Lock.json', 'a tool loads or runs'],
    ['spec.md', 'extension ".md"'],
    ['dist/index.html', 'build or the cache'],
    ['a\\b.html', 'backslashes'],
    ['', 'empty'],
    ['bin/run.sh', 'extension ".sh"'],
  ])('rejects %s with a reason', (input, reason) => {
    const r = checkSitePath(input, rules)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toContain(reason)
  })

  it('rejects a protected path even when its extension is allowed', () => {
    const r = checkSitePath('notes.txt', { siteDir, protectedPaths: [join(siteDir, 'notes.txt')] })
    expect(r.ok).toBe(false)
  })
})

describe('checkRealLocation', () => {
  it('refuses a write through a symlinked directory that leaves the root', () => {
    const outside = mkdtempSync(join(tmpdir(), 'sitesmith-outside-'))
    try {
      symlinkSync(outside, join(siteDir, 'pages'))
      const r = checkRealLocation(join(siteDir, 'pages', 'x.html'), siteDir)
      expect(r.ok).toBe(false)
      expect(!r.ok && r.reason).toContain('symlinked directory')
    } finally {
      rmSync(join(siteDir, 'pages'), { force: true })
      rmSync(outside, { recursive: true, force: true })
    }
  })

  it('allows a new nested folder inside the root', () => {
    mkdirSync(join(siteDir, 'css'), { recursive: true })
    expect(checkRealLocation(join(siteDir, 'css', 'new', 'x.css'), siteDir).ok).toBe(true)
  })
})
