import { z } from 'zod'
import type { ChatMessage } from '../llm/types.js'
import type { FileInterface, Task } from '../store/artifact-schemas.js'
import type { SpecSection } from '../spec/sections.js'
import { formatSections } from '../plan/plan-prompt.js'
import { clipText, isMentioned, mentionedWords } from '../llm/pack-prompt.js'

/** Bump when the wording below changes: cached files made from older prompts stop matching. */
export const GENERATE_PROMPT_VERSION = 'generate-1'
export const UPDATE_PROMPT_VERSION = 'update-1'

/**
 * One JSON envelope with the whole file in one `content` string (docs/ARCHITECTURE.md: code in
 * JSON scores a little lower than plain code, so the prompt stays short and the checkers
 * and review catch the rest).
 */
export const GeneratedFileSchema = z.object({
  content: z.string(),
  summary: z.string().default(''),
})
export type GeneratedFile = z.infer<typeof GeneratedFileSchema>

export const ChunkReplacementSchema = z.object({
  replacement: z.string(),
  summary: z.string().default(''),
})

const SYSTEM = `You write one file of a static website in plain HTML, CSS or JavaScript (no frameworks, no external scripts, fonts or images).
Reply with one JSON object and nothing else: {"content": "<the complete file>", "summary": "<one sentence: what the file is and what it offers other files>"}.
The content is the entire file, complete and working. Never leave parts out ("...", "rest of the code", "same as before").
Use exactly the paths, ids, classes, functions and CSS variables listed for the files this one depends on; write links relative to this file.`

const UPDATE_SYSTEM = `You change one part (a chunk) of an existing file of a static website in plain HTML, CSS or JavaScript.
Reply with one JSON object and nothing else: {"replacement": "<the new chunk>", "summary": "<one sentence: what the whole file is and offers after the change>"}.
The replacement replaces exactly the chunk shown, whole and complete: the same kind of element, rule or function. Do not include anything outside it. Never leave parts out ("...", "rest of the code").`

export interface TaskContext {
  task: Task
  sections: SpecSection[]
  /** Interfaces of the files this task depends on, by path. */
  dependencies: { path: string; summary: string; interface: FileInterface }[]
}

export function generateMessages(c: TaskContext): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: [header(c), ...context(c)].join('\n\n') },
  ]
}

export function updateMessages(c: TaskContext, chunk: string): ChatMessage[] {
  return [
    { role: 'system', content: UPDATE_SYSTEM },
    {
      role: 'user',
      content: [header(c), ...context(c), `Current chunk "${c.task.target}" (replace exactly this):\n${chunk}`].join(
        '\n\n',
      ),
    },
  ]
}

function header(c: TaskContext): string {
  const t = c.task
  return `Task: ${t.id}\nFile: ${t.path}${t.target ? `\nTarget: ${t.target}` : ''}\nInstructions:\n${t.instructions}`
}

function context(c: TaskContext): string[] {
  const out: string[] = []
  if (c.sections.length) out.push(`Spec:\n${formatSections(c.sections)}`)
  if (c.dependencies.length) {
    out.push(
      'Files this one depends on:\n' +
        c.dependencies.map((d) => `- ${d.path}: ${d.summary}\n  ${JSON.stringify(compact(d.interface))}`).join('\n'),
    )
  }
  return out
}

/** Only the non-empty parts of an interface: shorter prompts, same information. */
export function compact(i: FileInterface): Partial<FileInterface> {
  return Object.fromEntries(Object.entries(i).filter(([, v]) => Array.isArray(v) && v.length > 0))
}

/**
 * Smaller prompts for a task whose full prompt does not fit the coder's window (issue #15),
 * most faithful first: dependency interfaces trimmed to the names the task mentions (files it
 * names keep theirs whole), then long spec sections shortened, then dependencies reduced to
 * their paths. Each says in the prompt that it was shortened; a prompt that fits is never packed.
 */
export function* packedGenerateMessages(
  c: TaskContext,
  chunk?: string,
): Generator<{ messages: ChatMessage[]; note: string }> {
  const build = (x: TaskContext) => (chunk === undefined ? generateMessages(x) : updateMessages(x, chunk))
  const words = mentionedWords([c.task.instructions, ...c.sections.map((s) => s.text)].join('\n'))
  const trimmed = c.dependencies.map((d) => ({
    path: d.path,
    summary: clipText(d.summary, 160, '…'),
    interface: relevantInterface(d.path, d.interface, words),
  }))
  yield {
    note: 'dependency interfaces trimmed to the names the task mentions',
    messages: build({ ...c, dependencies: trimmed }),
  }
  const sections = c.sections.map((s) => ({ ...s, text: clipText(s.text, 1500) }))
  yield {
    note: 'and spec sections shortened to 1500 characters',
    messages: build({ ...c, sections, dependencies: trimmed }),
  }
  const bare = c.dependencies.map((d) => ({
    path: d.path,
    summary: '',
    interface: relevantInterface(d.path, {} as FileInterface, words),
  }))
  yield { note: 'and dependencies reduced to their paths', messages: build({ ...c, sections, dependencies: bare }) }
}

/** The words a task's instructions and its spec sections mention: what relevance is judged by. */
export function taskWords(task: Task, sections: ReadonlyMap<string, SpecSection>): Set<string> {
  return mentionedWords([task.instructions, ...task.sections.map((id) => sections.get(id)?.text ?? '')].join('\n'))
}

/** `i` with only the names `words` mention, or whole when the task names the file itself. */
export function relevantInterface(path: string, i: FileInterface, words: ReadonlySet<string>): FileInterface {
  if (isMentioned(path, words)) return i
  return Object.fromEntries(
    Object.entries(i).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.filter((n) => typeof n === 'string' && isMentioned(n, words)) : v,
    ]),
  ) as FileInterface
}
