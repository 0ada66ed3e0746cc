import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/**
 * The suite `sitesmith eval` runs (issue #15): one folder per spec, `<name>/spec.md` and
 * `<name>/checks.json`. Behaviour checks are data, not code: a list of steps run in Chromium
 * against the generated site, so a suite can be written and reviewed without running anything.
 *
 * ```json
 * [{ "name": "adding an item shows it", "page": "index.html",
 *    "steps": [{ "fill": "#item", "value": "Milk" }, { "click": "#add" }, { "expect": "#list li", "text": "Milk" }] }]
 * ```
 */

/** The suite shipped with the package (`eval/suite/`, next to `dist/`). */
export const DEFAULT_SUITE_DIR = fileURLToPath(new URL('../../eval/suite/', import.meta.url))

const selector = z.string().trim().min(1, 'a CSS selector is required')
const pagePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && !posix.normalize(p).startsWith('..'),
    'must be a site-relative path such as "index.html"',
  )

/** One action per step; the key names the action. */
const STEP_SCHEMAS = {
  /** Open another page of the site (relative path). */
  goto: z.strictObject({ goto: pagePath }),
  /** Type into an input or textarea (replacing what is there). */
  fill: z.strictObject({ fill: selector, value: z.string() }),
  click: z.strictObject({ click: selector }),
  /** Pick an option of a <select> by its value or label. */
  select: z.strictObject({ select: selector, value: z.string() }),
  /** Check a checkbox or radio button. */
  check: z.strictObject({ check: selector }),
  /** A key on the focused element, or on `on` (e.g. "Enter", "Escape", "ArrowRight"). */
  press: z.strictObject({ press: z.string().min(1), on: selector.optional() }),
  /** Advance the page's fake clock (needs `"clock": true` on the check). */
  tick: z.strictObject({ tick: z.number().int().positive().max(3_600_000) }),
  /** Reload the page (state kept in localStorage must survive). */
  reload: z.strictObject({ reload: z.literal(true) }),
  /**
   * Wait until it holds: `count` elements match; or some element matching contains `text`
   * (whitespace collapsed) / has `value` / has attribute `attr` = `equals`; `visible` false:
   * no element matching (with `text`, if given) is visible.
   */
  expect: z
    .strictObject({
      expect: selector,
      text: z.string().optional(),
      count: z.number().int().nonnegative().optional(),
      visible: z.boolean().optional(),
      value: z.string().optional(),
      attr: z.string().min(1).optional(),
      equals: z.string().optional(),
    })
    .refine((s) => (s.attr === undefined) === (s.equals === undefined), '"attr" and "equals" go together'),
  /** The current page is this site path. */
  url: z.strictObject({ url: pagePath }),
} as const

export type StepAction = keyof typeof STEP_SCHEMAS
export const STEP_ACTIONS = Object.keys(STEP_SCHEMAS) as StepAction[]

export type Step = { [K in StepAction]: z.infer<(typeof STEP_SCHEMAS)[K]> }[StepAction]

export interface BehaviourCheck {
  name: string
  page: string
  /** Install Playwright's fake clock before the page loads; `tick` steps advance it. */
  clock: boolean
  /** The tab's size. @default 1280 × 800 */
  viewport?: { width: number; height: number }
  steps: Step[]
}

export interface SuiteSpec {
  name: string
  dir: string
  spec: string
  checks: BehaviourCheck[]
}

const pixels = z.number().int().min(200).max(4000)

const CheckHead = z.strictObject({
  name: z.string().trim().min(1),
  page: pagePath,
  clock: z.boolean().default(false),
  viewport: z.strictObject({ width: pixels, height: pixels }).optional(),
  steps: z.array(z.unknown()).min(1, 'a check needs at least one step'),
})

/** A suite file that is not what it must be; the message names the file, the check and the step. */
export class SuiteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SuiteError'
  }
}

const issuesText = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ')

export function parseChecks(text: string, file: string): BehaviourCheck[] {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new SuiteError(`${file}: not valid JSON (${(error as Error).message})`)
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new SuiteError(`${file}: must be a non-empty JSON array of checks`)
  const names = new Set<string>()
  return raw.map((item, i) => {
    const head = CheckHead.safeParse(item)
    const label = `${file}: check ${i + 1}${isNamed(item) ? ` ("${item.name}")` : ''}`
    if (!head.success) throw new SuiteError(`${label}: ${issuesText(head.error)}`)
    if (names.has(head.data.name)) throw new SuiteError(`${label}: another check has the same name`)
    names.add(head.data.name)
    const steps = head.data.steps.map((step, n) => parseStep(step, `${label} step ${n + 1}`))
    if (steps.some((s) => 'tick' in s) && !head.data.clock)
      throw new SuiteError(`${label}: a "tick" step needs "clock": true on the check`)
    return { ...head.data, steps }
  })
}

function parseStep(step: unknown, label: string): Step {
  if (!step || typeof step !== 'object' || Array.isArray(step))
    throw new SuiteError(`${label}: a step is an object such as {"click": "#add"}`)
  const actions = Object.keys(step).filter((k): k is StepAction => (STEP_ACTIONS as string[]).includes(k))
  if (actions.length !== 1) {
    const got = Object.keys(step).join(', ') || 'no keys'
    throw new SuiteError(`${label}: a step has exactly one action of ${STEP_ACTIONS.join(', ')}; got ${got}`)
  }
  const parsed = STEP_SCHEMAS[actions[0]].safeParse(step)
  if (!parsed.success) throw new SuiteError(`${label} (${actions[0]}): ${issuesText(parsed.error)}`)
  return parsed.data
}

const isNamed = (x: unknown): x is { name: string } =>
  !!x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string'

/** Every spec of a suite folder (sorted by name), or only those named in `only`. */
export function loadSuite(dir: string, only?: readonly string[]): SuiteSpec[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new SuiteError(`${dir}: not a suite folder (one folder per spec, each with spec.md and checks.json)`)
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
    .sort()
  const unknown = (only ?? []).filter((n) => !names.includes(n))
  if (unknown.length)
    throw new SuiteError(`${dir}: no spec named ${unknown.join(', ')} (the suite has ${names.join(', ')})`)
  const chosen = only?.length ? names.filter((n) => only.includes(n)) : names
  if (chosen.length === 0) throw new SuiteError(`${dir}: the suite has no spec folders`)
  return chosen.map((name) => {
    const specFile = join(dir, name, 'spec.md')
    const checksFile = join(dir, name, 'checks.json')
    for (const f of [specFile, checksFile])
      if (!existsSync(f)) throw new SuiteError(`${f}: missing (each spec folder has spec.md and checks.json)`)
    const spec = readFileSync(specFile, 'utf8')
    if (!spec.trim()) throw new SuiteError(`${specFile}: empty`)
    return { name, dir: join(dir, name), spec, checks: parseChecks(readFileSync(checksFile, 'utf8'), checksFile) }
  })
}
