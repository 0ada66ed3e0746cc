import { locateChunk } from '../../plugin/edit/index.js'
import type { LoopbackRequest, Reply } from '../loopback/server.js'
import { fileFor, scriptedSite, stageOf, taskOf } from './scripted-site.js'

/**
 * Seeded defects for review–fix tests and benchmarks: what a small model typically gets
 * wrong in the files `scriptedSite` writes, one of each of five rule kinds — an onclick
 * calling an undefined function, a misspelt getElementById id, a missing stylesheet link, an
 * undefined CSS variable, and a ReferenceError only a browser sees (a TDZ read).
 */
export interface Defect {
  path: string
  find: string
  replace: string
}

export function seededDefects(secondPage: string): Defect[] {
  return [
    { path: 'index.html', find: 'onclick="toggleNav()"', replace: 'onclick="openMenu()"' },
    { path: 'js/main.js', find: "getElementById('site-nav')", replace: "getElementById('site-nva')" },
    { path: secondPage, find: 'href="css/style.css"', replace: 'href="css/styles.css"' },
    { path: 'css/style.css', find: 'background: var(--brand); }', replace: 'background: var(--brand-colour); }' },
    {
      path: 'js/main.js',
      find: "  const year = String(new Date().getFullYear())\n  const el = document.getElementById('year')\n  if (el) el.textContent = year\n",
      replace:
        "  const el = document.getElementById('year')\n  if (el) el.textContent = year\n  const year = String(new Date().getFullYear())\n",
    },
  ]
}

/** Where a reviewer would point the fix for a finding, by rule and file. */
export function reviewTargets(secondPage: string): Record<string, string> {
  return {
    'unknown-handler index.html': 'header',
    'runtime-error index.html': 'header',
    'missing-element js/main.js': 'toggleNav',
    [`broken-link ${secondPage}`]: 'head',
    [`failed-request ${secondPage}`]: 'head',
    'undefined-css-variable css/style.css': '.site-header',
    'runtime-error js/main.js': 'setYear',
  }
}

export function applyDefects(defects: Defect[], path: string, content: string): string {
  for (const d of defects.filter((x) => x.path === path)) {
    if (!content.includes(d.find))
      throw new Error(`seeded defect for ${path}: ${JSON.stringify(d.find)} is not in the clean file`)
    content = content.replace(d.find, d.replace)
  }
  return content
}

/** Behaviour knobs for benchmarks: how often the scripted models get it wrong. */
export interface Imperfection {
  /** Deterministic source of randomness in [0, 1). */
  random: () => number
  /** Chance that the reviewer leaves a finding out of its answer. */
  reviewerMisses: number
  /** Chance that a fix answer sends the chunk back unchanged (the defect stays). */
  fixerNoop: number
  /** Chance that a fix answer elides code with a placeholder (rejected, then repaired). */
  fixerLazy: number
}

export interface SeededSite {
  respond: (req: LoopbackRequest) => Reply
  /** The generate prompt of each file, to rebuild its clean version. */
  prompts: Map<string, string>
  defects: Defect[]
}

/**
 * A scripted site whose first answers carry `defects`; the reviewer turns each finding in
 * its prompt into an issue with a target; the fixer answers each chunk with the chunk as it
 * should have been (files in `broken` are "fixed" by sending the broken chunk back).
 */
export function seededSite(opts: { secondPage: string; broken?: Set<string>; imperfect?: Imperfection }): SeededSite {
  const defects = seededDefects(opts.secondPage)
  const targets = reviewTargets(opts.secondPage)
  const prompts = new Map<string, string>()
  const imperfect = opts.imperfect

  const reviewer = (req: LoopbackRequest) => {
    const findings = [...req.lastUserMessage.matchAll(/^- ([^:\s]+):\d+:\d+ \[([\w-]+)\] (?:error|warning): (.+)$/gm)]
    const byFile = new Map<
      string,
      { rule: string; severity: 'error'; message: string; fix: { target: string; instructions: string } }[]
    >()
    for (const [, file, rule, message] of findings) {
      const target = targets[`${rule} ${file}`]
      if (!target) continue
      if (imperfect && imperfect.random() < imperfect.reviewerMisses) continue
      const issues = byFile.get(file) ?? []
      if (!issues.some((i) => i.fix.target === target && i.rule === rule))
        issues.push({
          rule,
          severity: 'error',
          message,
          fix: { target, instructions: `1. Fix: ${message}\n2. Change nothing else.` },
        })
      byFile.set(file, issues)
    }
    return { reviews: [...byFile].map(([file, issues]) => ({ file, issues })) }
  }

  const fixer = (req: LoopbackRequest) => {
    const prompt = req.messages.find((m) => m.role === 'user')!.content
    const path = /^File: (.+)$/m.exec(prompt)![1]
    const clean = fileFor(path, prompts.get(path)!)
    const repair = req.messages.filter((m) => m.role === 'user').length > 1
    const roll = imperfect && !repair ? imperfect.random() : 1
    const edits = [...prompt.matchAll(/^Chunk "(.+)":$/gm)].map((m) => {
      const target = m[1]
      const good = locateChunk(path, clean, target)
      if (!good.ok) throw new Error(good.reason)
      if (opts.broken?.has(path) || (imperfect && roll < imperfect.fixerNoop)) {
        const bad = locateChunk(path, applyDefects(defects, path, clean), target)
        return { target, replacement: bad.ok ? bad.text : good.text }
      }
      if (imperfect && roll < imperfect.fixerNoop + imperfect.fixerLazy) {
        const lines = good.text.split('\n')
        return {
          target,
          replacement: [
            ...lines.slice(0, 2),
            '  /* ... rest of the code remains the same ... */',
            ...lines.slice(-1),
          ].join('\n'),
        }
      }
      return { target, replacement: good.text }
    })
    return { edits }
  }

  const base = scriptedSite({ mutate: (path, c) => applyDefects(defects, path, c), review: reviewer, fix: fixer })
  return {
    prompts,
    defects,
    respond: (req) => {
      if (stageOf(req) === 'generate')
        prompts.set(taskOf(req).path, req.messages.find((m) => m.role === 'user')!.content)
      return base(req)
    },
  }
}
