/**
 * The hand-written model answers the example site ships with (scripts/example-answers/):
 * a plan, one file per task and one summary per file. They stand in for what a good model
 * would return, so they must pass every gate a real answer passes — the plan schema and
 * plan validation against example-site/spec.md, the integrity gate, the static checker —
 * and agree with each other (every planned file written, every page depending on the
 * stylesheet and scripts it loads).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

import { checkFiles, extractInterface } from '../../../plugin/check/index.js'
import { checkFile } from '../../../plugin/site-files/integrity.js'
import { PlanAnswerSchema } from '../../../plugin/plan/plan-schema.js'
import { validatePlan } from '../../../plugin/plan/validate-plan.js'
import { parseSpec } from '../../../plugin/spec/sections.js'
import { TaskSchema } from '../../../plugin/store/artifact-schemas.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const ANSWERS = join(ROOT, 'scripts', 'example-answers')
const FILES = join(ANSWERS, 'files')
const SITE = join(ROOT, 'example-site')

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(FILES, join(e.parentPath, e.name)).split(sep).join(posix.sep))
    .sort()
}

const plan = PlanAnswerSchema.parse(JSON.parse(readFileSync(join(ANSWERS, 'plan.json'), 'utf8')))
const tasks = plan.tasks.map((t) => TaskSchema.parse(t))
const spec = parseSpec(readFileSync(join(SITE, 'spec.md'), 'utf8'))
const summaries = JSON.parse(readFileSync(join(ANSWERS, 'summaries.json'), 'utf8')) as Record<string, unknown>
const files = new Map(listFiles(FILES).map((p) => [p, readFileSync(join(FILES, p), 'utf8')]))

describe('example answers: the plan', () => {
  it('is a valid plan for example-site/spec.md (safe unique paths, known sections and dependencies, no cycle)', () => {
    const problems = validatePlan(tasks, {
      siteDir: SITE,
      protectedPaths: [join(SITE, 'spec.md')],
      sectionIds: new Set(spec.sections.map((s) => s.id)),
      generatedPaths: new Set(),
      existingPaths: new Set(),
    })
    expect(problems).toEqual([])
  })

  it('creates the four pages, the stylesheet and the scripts, and serves every spec section', () => {
    expect(tasks.every((t) => t.action === 'create')).toBe(true)
    expect(tasks.map((t) => t.path).sort()).toEqual([
      'about.html',
      'css/style.css',
      'index.html',
      'js/main.js',
      'js/menu.js',
      'js/order.js',
      'menu.html',
      'order.html',
    ])
    const served = new Set(tasks.flatMap((t) => t.sections))
    expect(spec.sections.map((s) => s.id).filter((id) => !served.has(id))).toEqual([])
  })

  it('makes every page depend on the tasks of the stylesheet and scripts it loads', () => {
    const taskOfPath = new Map(tasks.map((t) => [t.path, t.id]))
    for (const task of tasks.filter((t) => t.path.endsWith('.html'))) {
      const loaded = extractInterface(task.path, files.get(task.path)!).links.filter((l) => /\.(css|js)$/.test(l))
      expect(loaded.length, task.path).toBeGreaterThan(0)
      const needed = loaded.map((l) => taskOfPath.get(l)).sort()
      expect(needed, `${task.path} loads ${loaded.join(', ')}`).not.toContain(undefined)
      expect([...task.dependsOn].sort(), task.path).toEqual(needed)
    }
  })
})

describe('example answers: the files', () => {
  it('has exactly one file per planned path and one summary per file', () => {
    expect([...files.keys()]).toEqual(tasks.map((t) => t.path).sort())
    expect(Object.keys(summaries).sort()).toEqual([...files.keys()])
    for (const [path, summary] of Object.entries(summaries)) {
      expect(typeof summary === 'string' && summary.trim().length > 20, path).toBe(true)
    }
  })

  it('passes the integrity gate unchanged (whole, parses, no placeholders, no fences)', () => {
    for (const [path, content] of files) {
      const gate = checkFile(path, content)
      expect(gate, path).toEqual({ ok: true, content })
    }
  })

  it('has no checker findings at all', () => {
    expect(checkFiles(files)).toEqual([])
  })

  it('loads nothing from other sites and no module scripts', () => {
    for (const [path, content] of files) {
      expect(content, path).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i)
      expect(content, path).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i)
      expect(content, path).not.toMatch(/type\s*=\s*["']module["']/i)
    }
  })

  it('calls a global function of a loaded classic script from an inline handler on every page', () => {
    const globals = new Map(
      [...files].filter(([p]) => p.endsWith('.js')).map(([p, c]) => [p, extractInterface(p, c).globals]),
    )
    for (const [path, content] of [...files].filter(([p]) => p.endsWith('.html'))) {
      const called = [...content.matchAll(/\son[a-z]+="\s*([A-Za-z_$][\w$]*)\(/g)].map((m) => m[1])
      expect(called.length, path).toBeGreaterThan(0)
      const available = extractInterface(path, content).links.flatMap((l) => globals.get(l) ?? [])
      for (const fn of called) expect(available, `${path} calls ${fn}()`).toContain(fn)
    }
  })

  it('keeps each file to a realistic size', () => {
    const lines = (p: string) => files.get(p)!.trimEnd().split('\n').length
    for (const p of files.keys()) {
      const [min, max] = p.endsWith('.html') ? [60, 150] : p.endsWith('.css') ? [200, 400] : [30, 120]
      expect(lines(p), p).toBeGreaterThanOrEqual(min)
      expect(lines(p), p).toBeLessThanOrEqual(max)
    }
  })
})
