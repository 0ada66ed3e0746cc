import { REALISTIC_FAULTS, type RealisticFault } from '../loopback/realistic-faults.js'
import { jsonReply, type LoopbackRequest, type Reply } from '../loopback/server.js'
import { referenceProfile, type Reference } from './eval-reference.js'

/**
 * The loopback server's "realistic small model" profile for `sitesmith eval` (issue #15): the
 * scripted reference profile, with the coder's file answers turned into the documented faults
 * of test/loopback/realistic-faults.ts at the rates below. Each answer (first tries and repair
 * turns alike) draws on its own from a seeded generator, so a run is reproducible and a
 * fault can strike again on the retry.
 *
 * Where the rates come from: none of the public threads behind the shapes measures how often
 * a shape occurs, except vllm-project/vllm#32926 ("every time" for a fenced answer from
 * Qwen2.5-Coder-7B at temperature 0 when the server does not constrain the output). Every
 * other rate is an ASSUMPTION, chosen on the pessimistic side for a 7B coder model behind
 * Ollama (whose `format` schema constrains the grammar, so envelope faults are rarer than on
 * an unconstrained server): about one answer in three is faulty. `basis` says which is which.
 */
export interface FaultRate {
  id: string
  /** Chance per coder file answer. */
  rate: number
  basis: string
}

const ASSUMED = 'assumption (no published rate)'

export const SMALL_MODEL_RATES: readonly FaultRate[] = [
  {
    id: 'fenced-json',
    rate: 0.06,
    basis: 'vllm#32926: 100% unconstrained at temperature 0; assumed 6% under Ollama format',
  },
  { id: 'prose-before-json', rate: 0.02, basis: ASSUMED },
  { id: 'extra-data', rate: 0.02, basis: ASSUMED },
  { id: 'two-objects', rate: 0.01, basis: ASSUMED },
  { id: 'whitespace-forever', rate: 0.01, basis: ASSUMED },
  { id: 'think-block', rate: 0.02, basis: ASSUMED },
  { id: 'raw-newlines', rate: 0.02, basis: ASSUMED },
  { id: 'invalid-escape', rate: 0.01, basis: ASSUMED },
  { id: 'unescaped-quotes', rate: 0.02, basis: ASSUMED },
  { id: 'single-quotes', rate: 0.02, basis: ASSUMED },
  { id: 'trailing-comma-smart-quotes', rate: 0.01, basis: ASSUMED },
  { id: 'missing-brace', rate: 0.01, basis: ASSUMED },
  { id: 'tool-call-content', rate: 0.01, basis: ASSUMED },
  { id: 'double-encoded', rate: 0.01, basis: ASSUMED },
  { id: 'apology', rate: 0.01, basis: ASSUMED },
  { id: 'echoed-rules', rate: 0.01, basis: ASSUMED },
  { id: 'repetition-loop', rate: 0.01, basis: ASSUMED },
  { id: 'empty-object', rate: 0.01, basis: ASSUMED },
  { id: 'length-mid-string', rate: 0.01, basis: ASSUMED },
  { id: 'length-empty', rate: 0.005, basis: ASSUMED },
  { id: 'cut-mid-string', rate: 0.005, basis: ASSUMED },
  { id: 'schema-valid-greeting', rate: 0.01, basis: ASSUMED },
  { id: 'stray-fence-in-content', rate: 0.03, basis: ASSUMED },
  { id: 'explanation-around-code', rate: 0.02, basis: ASSUMED },
  { id: 'existing-code-placeholder', rate: 0.03, basis: ASSUMED },
  { id: 'stylesheet-name-mismatch', rate: 0.03, basis: ASSUMED },
  { id: 'hallucinated-import', rate: 0.02, basis: ASSUMED },
]

/** mulberry32: a small seeded generator, so a bench run can be repeated exactly. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Two shapes are written against the scripted site's files (a `setYear` function, a
 * `js/main.js` script tag); on files without those they would change nothing, so the same
 * fault is made here on whatever the file has: the first function's body, the first script.
 */
const ADAPTED: Record<string, (good: { content: string; summary: string }) => string> = {
  'existing-code-placeholder': (good) =>
    JSON.stringify({
      ...good,
      content: good.content.replace(
        /(\nfunction \w+\([^)]*\) \{\n)[\s\S]*?\n\}\n/,
        '$1  // ... existing code ...\n}\n',
      ),
    }),
  'hallucinated-import': (good) =>
    JSON.stringify({
      ...good,
      content: good.content.replace(
        /(<script src="[^"]+" defer><\/script>)/,
        '$1\n  <script src="js/utils.js" defer></script>',
      ),
    }),
}

const kindOf = (path: string) => (path.endsWith('.html') ? 'html' : path.endsWith('.css') ? 'css' : 'js')

export interface RealisticModel {
  respond: (req: LoopbackRequest) => Reply
  /** Faults sent, by shape id (a shape that would not change this answer is not counted, nor sent). */
  readonly injected: Map<string, number>
  /** Coder file answers given (faulty or not). */
  readonly answers: () => number
}

export function realisticSmallModel(
  refs: Reference[],
  opts: { seed: number; rates?: readonly FaultRate[] },
): RealisticModel {
  const random = seeded(opts.seed)
  const rates = opts.rates ?? SMALL_MODEL_RATES
  const injected = new Map<string, number>()
  let answers = 0
  const respond = referenceProfile(refs, {
    fileFault: (good, path) => {
      answers++
      let roll = random()
      const rate = rates.find((r) => (roll -= r.rate) < 0)
      if (!rate) return undefined
      const fault = REALISTIC_FAULTS.find((f) => f.id === rate.id)
      if (!fault) throw new Error(`realistic small model: no fault shape "${rate.id}" in realistic-faults.ts`)
      const reply = faultyReply(fault, good, path)
      if (reply) injected.set(fault.id, (injected.get(fault.id) ?? 0) + 1)
      return reply
    },
  })
  return { respond, injected, answers: () => answers }
}

/** The fault made of this answer, or undefined when the shape is not for this kind of file or would change nothing. */
function faultyReply(
  fault: RealisticFault,
  good: { content: string; summary: string },
  path: string,
): Reply | undefined {
  if (fault.only && fault.only !== kindOf(path)) return undefined
  let reply = fault.reply(good, path)
  const unchanged = jsonReply(good).content
  if ('content' in reply && reply.content === unchanged && ADAPTED[fault.id])
    reply = { content: ADAPTED[fault.id](good) }
  return 'content' in reply && reply.content === unchanged ? undefined : reply
}

/**
 * Every documented shape exactly once, for a test that no shape is left to chance: the first
 * answer of each file task takes the next shape in the list that fits the file (shapes for one
 * kind of file go first, so they meet a file of their kind early); answers asked again (repair
 * turns, send-backs, a larger budget after a cut) are correct. `left` lists shapes not yet sent.
 */
export function everyShapeOnce(refs: Reference[]): { respond: (req: LoopbackRequest) => Reply; left: () => string[] } {
  const queue = [...REALISTIC_FAULTS].sort((a, b) => Number(!!b.only) - Number(!!a.only))
  const asked = new Set<string>()
  const respond = referenceProfile(refs, {
    fileFault: (good, path, req) => {
      // The same messages again is the retry after a cut answer (the budget grew, not the conversation).
      const key = JSON.stringify(req.messages)
      if (req.messages.filter((m) => m.role === 'user').length > 1 || asked.has(key)) return undefined
      asked.add(key)
      for (const [i, fault] of queue.entries()) {
        const reply = faultyReply(fault, good, path)
        if (!reply) continue
        queue.splice(i, 1)
        return reply
      }
      return undefined
    },
  })
  return { respond, left: () => queue.map((f) => f.id) }
}
