import type { ChatMessage } from '../llm/types.js'
import type { SpecSection } from '../spec/sections.js'
import type { FileTracker, Task, TrackedFile } from '../store/artifact-schemas.js'

/** Bump when the wording below changes: cached plans made from older prompts stop matching. */
export const PLAN_PROMPT_VERSION = 'plan-1'

const RULES = `You plan a static website made of plain HTML, CSS and JavaScript files: no frameworks, no build step, no CDN or external scripts, fonts or images.
Reply with one JSON object and nothing else: {"tasks":[{"id","action","path","instructions","dependsOn","sections"}]}.
Rules:
- One task per file. "action" is "create" for a new file. "path" is relative, posix, lower-case, e.g. "index.html", "about.html", "css/style.css", "js/main.js".
- Put shared stylesheets and scripts in their own tasks and list them in "dependsOn" of every page that uses them: pages are written after them and are told the ids, classes, functions and CSS variables those files define.
- "instructions" must be enough to write that one file alone: structure, the exact ids and classes other files rely on, the exact paths of pages it links to and of the stylesheets and scripts it loads, and its behaviour.
- Scripts are classic scripts loaded with <script src="js/x.js" defer></script> and attach behaviour with addEventListener. A function called from an inline onclick must be a global function of a script the page loads.
- "sections" lists the ids of the spec sections the file serves (ids are given in brackets below). "dependsOn" lists task ids.
- Task ids are short kebab-case names, e.g. "style", "main-js", "home-page".`

/**
 * What the planner is told about a person's files (issue 17). Only added when there are
 * some, so the prompts (and cache keys) of sites sitesmith wrote alone stay as they were.
 */
export const USER_FILES_NOTE = `Files marked (the person's) were written by a person. Never "create" or "delete" them. To change one (for example to link a new page from its navigation), use "update" with a "target" chunk and instructions for that chunk only.`

/** One line per person's file: its summary and the ids and links a chunk target can name. */
export function userFileLine(path: string, f: Pick<TrackedFile, 'summary' | 'interface'>): string {
  const ids = f.interface.ids
    .slice(0, 20)
    .map((id) => `#${id}`)
    .join(' ')
  const links = f.interface.links.slice(0, 20).join(' ')
  return `- ${path} (the person's): ${f.summary}${ids ? `; ids: ${ids}` : ''}${links ? `; links: ${links}` : ''}`
}

export function fullPlanMessages(sections: SpecSection[], userFiles: [string, TrackedFile][] = []): ChatMessage[] {
  const existing = userFiles.length
    ? `\n\nThe site already has these files:\n${userFiles.map(([p, f]) => userFileLine(p, f)).join('\n')}\n${USER_FILES_NOTE}`
    : ''
  return [
    { role: 'system', content: RULES },
    { role: 'user', content: `Plan the site for this spec.\n\n${formatSections(sections)}${existing}` },
  ]
}

export interface DeltaInput {
  previous: Task[]
  tracker: FileTracker
  changed: SpecSection[]
  added: SpecSection[]
  removed: string[]
  /**
   * Section ids that changed, for a large plan (issue #16): the prompt then lists only the tasks
   * serving them and the shared files others depend on (the group being re-planned), with the
   * other files as a bounded digest of paths. Unset: every task and file, as always.
   */
  focus?: ReadonlySet<string>
  /**
   * With `focus`, when the tasks serving the changed sections are too many for one answer:
   * which part of them `previous` holds (with the shared files), and how many tasks the whole
   * plan has.
   */
  part?: { index: number; count: number; totalTasks: number }
}

const focusNote = (unaffected: number) =>
  ` (those serving the changed sections and the shared files; ${unaffected} other tasks are unaffected)`

/** Paths a delta digest names at most; the rest are counted. */
const DIGEST_PATHS = 500

export function deltaPlanMessages(input: DeltaInput): ChatMessage[] {
  const focus = input.focus
  const shared = new Set(input.previous.flatMap((t) => t.dependsOn))
  const serves = (t: Task) => shared.has(t.id) || t.sections.some((s) => focus?.has(s))
  const shown = focus ? input.previous.filter(serves) : input.previous
  const shownPaths = new Set(shown.map((t) => t.path))
  const plan = shown
    .map(
      (t) =>
        `- ${t.id}: ${t.action} ${t.path}${t.target ? ` (target ${t.target})` : ''}; sections [${t.sections.join(', ')}]; dependsOn [${t.dependsOn.join(', ')}]`,
    )
    .join('\n')
  const entries = Object.entries(input.tracker.files).sort(([a], [b]) => a.localeCompare(b))
  const listed = focus ? entries.filter(([path, f]) => f.owner === 'user' || shownPaths.has(path)) : entries
  const files = listed
    .map(([path, f]) => (f.owner === 'user' ? userFileLine(path, f) : `- ${path}: ${f.summary}`))
    .join('\n')
  const hasUserFiles = Object.values(input.tracker.files).some((f) => f.owner === 'user')
  const unaffected = (input.part?.totalTasks ?? input.previous.length) - shown.length
  const parts = [
    `The spec changed. Return ONLY the tasks needed for the change: "create" for a new file (or to rewrite a file from scratch), "update" with a "target" chunk for a small change to an existing file (a target is "body", "head", a CSS-like selector such as "#nav" or "main > section.hero", a CSS selector or at-rule, or a JavaScript function name), "delete" for a file that is no longer wanted. Do not repeat tasks that need no change. Reuse existing task ids when a task replaces the task of the same file.`,
    `Current tasks${focus ? focusNote(unaffected) : ''}:\n${plan || '(none)'}`,
    `Current files:\n${files || '(none)'}`,
  ]
  if (input.part && input.part.count > 1) {
    parts.push(
      `This is part ${input.part.index + 1} of ${input.part.count} of the tasks serving the changed sections: ` +
        'return the tasks needed for the files listed above only; the other parts are asked separately.',
    )
  }
  if (focus) {
    const others = entries.filter(([path, f]) => f.owner !== 'user' && !shownPaths.has(path)).map(([path]) => path)
    if (others.length) {
      const named = others.slice(0, DIGEST_PATHS).join(', ')
      const more = others.length > DIGEST_PATHS ? ` and ${others.length - DIGEST_PATHS} more` : ''
      parts.push(`Other files of the site (${others.length}, not affected): ${named}${more}`)
    }
  }
  if (hasUserFiles) parts.push(USER_FILES_NOTE)
  if (input.changed.length) parts.push(`Changed sections (new text):\n\n${formatSections(input.changed)}`)
  if (input.added.length) parts.push(`New sections:\n\n${formatSections(input.added)}`)
  if (input.removed.length) parts.push(`Removed sections: ${input.removed.join(', ')}`)
  return [
    { role: 'system', content: RULES },
    { role: 'user', content: parts.join('\n\n') },
  ]
}

export function repairPlanMessages(base: ChatMessage[], answer: unknown, problems: string): ChatMessage[] {
  return [
    ...base,
    { role: 'assistant', content: JSON.stringify(answer) },
    {
      role: 'user',
      content: `That plan was rejected before anything was written:\n${problems}\nReturn the corrected plan as one JSON object in the same form, complete (not only the fixed tasks).`,
    },
  ]
}

export function formatSections(sections: SpecSection[]): string {
  return sections.map((s) => `[${s.id}]\n${s.text}`).join('\n\n')
}
