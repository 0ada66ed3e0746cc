import { describe, expect, it } from 'vitest'

import { normalizePagePath, siteFileForUrl } from '../../../plugin/check/runtime/site-url.js'

const origin = 'http://127.0.0.1:41234'

describe('siteFileForUrl', () => {
  it.each([
    [`${origin}/js/app.js`, 'js/app.js'],
    [`${origin}/index.html`, 'index.html'],
    [`${origin}/`, 'index.html'],
    [`${origin}`, 'index.html'],
    [`${origin}/blog/`, 'blog/index.html'],
    [`${origin}/css/site.css?v=3#x`, 'css/site.css'],
    [`${origin}/img/my%20photo.png`, 'img/my photo.png'],
    [`${origin}/a/./b/../c.js`, 'a/c.js'],
    [`${origin}//double//slash.js`, 'double/slash.js'],
    [`${origin}/bad%E0%A4%A.js`, 'bad%E0%A4%A.js'],
  ])('%s → %s', (url, file) => {
    expect(siteFileForUrl(url, origin)).toBe(file)
  })

  it.each([
    'https://cdn.jsdelivr.net/npm/x.js',
    'http://127.0.0.1:9999/js/app.js',
    'http://localhost:41234/js/app.js',
    'data:text/javascript,1',
    'blob:http://127.0.0.1:41234/1234',
    '<anonymous>',
    'eval at evaluate (:370:30), <anonymous>',
    '',
  ])('%s is not a site file', (url) => {
    expect(siteFileForUrl(url, origin)).toBeUndefined()
  })

  it('accepts the origin with a trailing slash', () => {
    expect(siteFileForUrl(`${origin}/a.js`, `${origin}/`)).toBe('a.js')
  })
})

describe('normalizePagePath', () => {
  it.each([
    ['index.html', 'index.html'],
    ['./about.html', 'about.html'],
    ['blog//post.html', 'blog/post.html'],
    ['blog\\post.html', 'blog/post.html'],
    ['blog/', 'blog/index.html'],
    ['blog/../index.html', 'index.html'],
  ])('%s → %s', (page, normal) => {
    expect(normalizePagePath(page)).toBe(normal)
  })

  it.each(['/etc/passwd', '../outside.html', 'a/../../outside.html', 'C:\\site\\index.html', '..'])(
    'refuses %s, naming it',
    (page) => {
      expect(() => normalizePagePath(page)).toThrow(`page "${page}" must be a path relative to the site directory`)
    },
  )

  it('refuses the site directory itself', () => {
    expect(() => normalizePagePath('.')).toThrow('names the site directory')
  })
})
