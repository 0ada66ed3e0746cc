import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Writable } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { checkCommand } from '../../../plugin/check/command.js'
import type { Finding } from '../../../plugin/diagnostics/diagnostic.js'
import { formatFindingsSarif } from '../../../plugin/diagnostics/format-sarif.js'

/**
 * `--format sarif` validated against the SARIF 2.1.0 JSON schema (draft-04) as Microsoft's
 * SARIF SDK ships it in the `@microsoft/jest-sarif` package (the 2.1.0 "rtm.5" schema).
 */
const require = createRequire(import.meta.url)
// CommonJS packages: their `default` export is the class/function.
const { default: AjvDraft04 } = require('ajv-draft-04') as typeof import('ajv-draft-04')
const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats')
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as Record<string, unknown>
// The schema's language-tag pattern is not a valid `u`-flag regular expression; JSON Schema
// patterns are ECMA-262 without flags, so compile them that way.
const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false })
addFormats(ajv)
const validate = ajv.compile(schema)

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'check')

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

async function sarifOf(dir: string, cwd: string) {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await checkCommand([dir, '--format', 'sarif'], { stdout, stderr, cwd, env: {} })
  return { code, log: JSON.parse(stdout.text) as SarifLog, stderr: stderr.text }
}

interface SarifLog {
  version: string
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string }> } }
    results: Array<{
      ruleId: string
      ruleIndex: number
      level: string
      message: { text: string }
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string }
          region?: { startLine: number; startColumn?: number }
        }
      }>
    }>
  }>
}

function expectValid(log: unknown) {
  const ok = validate(log)
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([])
  expect(ok).toBe(true)
}

describe('--format sarif', () => {
  it('is a valid SARIF 2.1.0 log with one result per finding, paths relative to the cwd', async () => {
    const { code, log, stderr } = await sarifOf('defects/bakery', fixtures)
    expect(stderr).toBe('')
    expect(code).toBe(1)
    expectValid(log)
    const run = log.runs[0]
    expect(run.tool.driver.name).toBe('sitesmith')
    expect(run.results).toHaveLength(9)
    const first = run.results.find((r) => r.ruleId === 'missing-export')!
    expect(first.level).toBe('error')
    expect(run.tool.driver.rules[first.ruleIndex].id).toBe('missing-export')
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'defects/bakery/js/cart.js', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: 10 },
    })
    // Rules that found nothing are listed too, so code scanning can close old alerts.
    expect(run.tool.driver.rules.map((r) => r.id)).toContain('undefined-reference')
  })

  it('a clean site is a valid log with no results', async () => {
    const { code, log } = await sarifOf('clean/landing', fixtures)
    expect(code).toBe(0)
    expectValid(log)
    expect(log.runs[0].results).toEqual([])
  })

  it('unknown locations, files outside the cwd and odd names stay valid', () => {
    const findings: Finding[] = [
      {
        rule: 'runtime-error',
        severity: 'error',
        file: 'index.html',
        line: 0,
        column: 0,
        message: 'uncaught Error: boom',
        page: 'index.html',
      },
      { rule: 'broken-link', severity: 'warning', file: 'a b/é#1.html', line: 3, column: 0, message: 'x' },
    ]
    const inside = JSON.parse(
      formatFindingsSarif(findings, { root: '/srv/site', cwd: '/srv', toolVersion: '1.0.0' }),
    ) as SarifLog
    expectValid(inside)
    expect(inside.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'site/index.html', uriBaseId: '%SRCROOT%' },
    })
    expect(inside.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'site/a%20b/%C3%A9%231.html',
    )
    expect(inside.runs[0].results[1].locations[0].physicalLocation.region).toEqual({ startLine: 3 })
    const outside = JSON.parse(
      formatFindingsSarif(findings, { root: '/srv/site', cwd: '/home/me', toolVersion: '1.0.0' }),
    ) as SarifLog
    expectValid(outside)
    expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'file:///srv/site/index.html',
    })
  })

  it('the validator does reject what is not SARIF (so the checks above can fail)', () => {
    const log = JSON.parse(
      formatFindingsSarif([{ rule: 'x', severity: 'error', file: 'a.html', line: 1, column: 1, message: 'm' }], {
        root: '/a',
        cwd: '/a',
        toolVersion: '1',
      }),
    ) as SarifLog
    expectValid(log)
    log.runs[0].results[0].level = 'fatal'
    expect(validate(log)).toBe(false)
    delete (log as Partial<SarifLog>).version
    expect(validate(log)).toBe(false)
  })
})
