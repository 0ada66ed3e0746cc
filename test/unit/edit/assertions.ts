import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { expect } from 'vitest'

import type { EditRejectionCode, EditResult } from '../../../plugin/edit/index.js'

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'edit')

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
}

/** The edit succeeded; returns the new content. */
export function applied(r: EditResult): string {
  if (!r.ok) throw new Error(`expected the edit to apply, got ${r.code}: ${r.reason}`)
  return r.content
}

/** The edit was refused with `code`; returns the reason for further assertions. */
export function rejected(r: EditResult | { ok: boolean }, code: EditRejectionCode): string {
  if (r.ok) throw new Error(`expected a ${code} rejection, but the edit applied`)
  const rej = r as { ok: false; code: EditRejectionCode; reason: string }
  expect(rej.code, rej.reason).toBe(code)
  expect(rej.reason.length).toBeGreaterThan(20)
  return rej.reason
}

/** Bytes before `start` and after `end` of `source` are exactly the same in `content`; returns what sits in between now. */
export function regionOf(source: string, content: string, start: number, end: number): string {
  expect(content.slice(0, start)).toBe(source.slice(0, start))
  const tail = source.length - end
  expect(content.slice(content.length - tail)).toBe(source.slice(end))
  return content.slice(start, content.length - tail)
}
