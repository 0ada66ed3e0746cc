import type { Ask } from '../llm/ask.js'
import { diagnosticsOf, type Diagnosable, type Diagnostic } from '../diagnostics/diagnostic.js'
import type { SpecSection } from '../spec/sections.js'
import type { FileInterface, Task } from '../store/artifact-schemas.js'
import { stableStringify } from '../store/model-cache.js'
import { sha256 } from '../store/atomic-write.js'
import { extractInterface } from '../analysis/extract-interface.js'
import { applyChunkEdit, locateChunk } from '../edit/index.js'
import { checkEditedFile, checkFile } from '../site-files/integrity.js'
import { runDag } from './scheduler.js'
import { askUntilAccepted } from '../llm/ask-until-accepted.js'
import type { FileBlobs } from '../store/file-blobs.js'
import { handEditMessage, UserFileEditOffError, WriteRefusedError, type SiteWriter } from '../site-files/site-writer.js'
import {
  ChunkReplacementSchema,
  GENERATE_PROMPT_VERSION,
  GeneratedFileSchema,
  UPDATE_PROMPT_VERSION,
  generateMessages,
  packedGenerateMessages,
  relevantInterface,
  taskWords,
  updateMessages,
  type TaskContext,
} from './generate-prompt.js'

/**
 * The generate stage (small model): one call per task that needs one, dependencies first,
 * independent tasks concurrently. A task needs a call only when its inputs — instructions,
 * spec sections and the *interfaces* of the files it depends on — differ from those that
 * produced the file on disk, so a cosmetic change to a stylesheet does not regenerate the
 * pages that use it (issue 4).
 */
export type TaskStatus = 'written' | 'restored' | 'unchanged' | 'kept' | 'failed' | 'blocked' | 'deleted'

export interface TaskReport {
  taskId: string
  path: string
  status: TaskStatus
  cache?: 'hit' | 'miss'
  message?: string
  /** A person's file this task would have changed in chunks, had `editUserFiles` allowed it (issue 17). */
  wouldChange?: { target: string; instructions: string }
  /** For a kept hand edit: the task key and the bytes kept, so the notice is given once for them (#12). */
  keptFor?: string
  /** A failed or blocked task as a diagnostic: its task, file and (from the gate) line and frame. */
  diagnostic?: Diagnostic
}

export interface GenerateInput {
  tasks: Task[]
  deletes: Task[]
  sections: ReadonlyMap<string, SpecSection>
  writer: SiteWriter
  ask: Ask
  /** Restores up-to-date files missing from disk without a model call. */
  blobs?: FileBlobs
  /** `provider:model` of the coder, part of every task key. */
  coderId: string
  concurrency: number
  overwriteHandEdits: boolean
  /** May `update` tasks change a person's (adopted) file in chunks? @default false */
  editUserFiles?: false | 'chunks'
  /**
   * A large plan (issue #16): a task is told only the interface names of its dependencies that
   * it mentions (a dependency it names by path keeps its whole interface), so prompts stay small
   * and a shared file gaining a function regenerates only the pages that use it. @default false
   */
  relevantInterfaces?: boolean
  signal?: AbortSignal
  onTask?: (report: TaskReport) => void
  onStart?: (task: Task) => void
}

/** Where in the rejected text the gate or the chunk editor found the problem. */
export type RejectedAt = Pick<Diagnostic, 'line' | 'column' | 'frame'>

export class TaskFailedError extends Error implements Diagnosable {
  readonly code = 'E_TASK'
  readonly at?: RejectedAt
  constructor(
    readonly taskId: string,
    readonly path: string,
    reason: string,
    options?: { cause?: unknown; at?: RejectedAt },
  ) {
    super(`task "${taskId}" (${path}): ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TaskFailedError'
    if (options?.at) this.at = options.at
  }

  toDiagnostics(): Diagnostic[] {
    const at = this.at ?? { line: 0, column: 0 }
    const where = { line: at.line, column: at.column, ...(at.frame ? { frame: at.frame } : {}) }
    return [
      {
        rule: this.code,
        severity: 'error',
        file: this.path,
        ...where,
        message: this.message,
        source: this.at ? 'gate' : 'task',
        task: this.taskId,
      },
    ]
  }
}

/** A task that failed with any error, or did not run, as the diagnostic its report carries. */
function taskDiagnostic(task: Task, message: string, error?: unknown): Diagnostic {
  if (error instanceof TaskFailedError) return error.toDiagnostics()[0]
  const rule = error === undefined ? 'E_BLOCKED' : diagnosticsOf(error)[0].rule
  return { rule, severity: 'error', file: task.path, line: 0, column: 0, message, source: 'task', task: task.id }
}

/** How many times a whole-file answer that fails the integrity gate is sent back. */
const GATE_REPAIRS = 1

export async function generateFiles(input: GenerateInput): Promise<TaskReport[]> {
  const byId = new Map(input.tasks.map((t) => [t.id, t]))
  const reports: TaskReport[] = []
  const report = (r: TaskReport) => {
    reports.push(r)
    input.onTask?.(r)
  }

  // A shared stylesheet is a dependency of every page: parse each dependency once per
  // version of its bytes, not once per dependent task.
  const interfaces = new Map<string, { content: string; iface: FileInterface }>()
  const interfaceOf = (path: string, content: string): FileInterface => {
    const known = interfaces.get(path)
    if (known?.content === content) return known.iface
    const iface = extractInterface(path, content)
    interfaces.set(path, { content, iface })
    return iface
  }
  const outcomes = await runDag(
    input.tasks,
    input.concurrency,
    (task) => runTask(task, byId, input, interfaceOf),
    input.signal,
  )
  for (const task of input.tasks) {
    const o = outcomes.get(task.id)!
    if (o.status === 'done') report(o.result)
    else if (o.status === 'failed') {
      const message = describe(o.error, task)
      report({
        taskId: task.id,
        path: task.path,
        status: 'failed',
        message,
        diagnostic: taskDiagnostic(task, message, o.error),
      })
    } else {
      const message = `task "${task.id}" (${task.path}): not run: it depends on "${o.blockedBy}", which did not complete`
      report({
        taskId: task.id,
        path: task.path,
        status: 'blocked',
        message,
        diagnostic: taskDiagnostic(task, message),
      })
    }
  }

  for (const task of input.deletes) {
    const r = input.writer.delete(task.path)
    report({ taskId: task.id, path: task.path, status: r.deleted ? 'deleted' : 'kept', message: r.reason })
  }
  return reports
}

async function runTask(
  task: Task,
  byId: Map<string, Task>,
  input: GenerateInput,
  interfaceOf: InterfaceOf,
): Promise<TaskReport> {
  const { writer } = input
  const ctx = taskContext(task, byId, input, interfaceOf)
  const taskKey = computeTaskKey(ctx, input.coderId)
  const tracked = writer.tracker.files[task.path]
  const state = writer.state(task.path)

  const usersFile = tracked?.owner === 'user'
  if (tracked?.generatedBy.taskKey === taskKey) {
    if (state !== 'missing') return { taskId: task.id, path: task.path, status: 'unchanged' }
    // A person's file they deleted is theirs to delete: it is never brought back.
    if (usersFile)
      throw new TaskFailedError(
        task.id,
        task.path,
        `${task.path} was the person's file and is gone; sitesmith does not recreate it`,
      )
    // Up to date but not on disk (a fresh checkout): the exact bytes, if the store has them.
    const content = await input.blobs?.get(tracked.hash)
    if (content !== undefined) {
      await writer.write(task.path, content, {
        summary: tracked.summary,
        interface: tracked.interface,
        generatedBy: tracked.generatedBy,
      })
      return { taskId: task.id, path: task.path, status: 'restored', cache: 'hit' }
    }
  }
  if (state === 'hand-edited' && !input.overwriteHandEdits) {
    const keptFor = `${taskKey}:${sha256(writer.read(task.path) ?? '')}`
    return { taskId: task.id, path: task.path, status: 'kept', message: handEditMessage(task.path), keptFor }
  }
  if (state === 'user-file' && usersFile) {
    // A person's adopted file: changed in chunks only, and only when allowed (issue 17).
    if (task.action !== 'update')
      throw new TaskFailedError(
        task.id,
        task.path,
        `${task.path} is the person's file: sitesmith never creates over it; plan an "update" with a target chunk instead`,
      )
    if (input.editUserFiles !== 'chunks') {
      const target = task.target ?? 'body'
      return {
        taskId: task.id,
        path: task.path,
        status: 'kept',
        message: new UserFileEditOffError(task.path, [target]).message,
        wouldChange: { target, instructions: task.instructions },
      }
    }
  } else if (state === 'user-file') {
    throw new TaskFailedError(
      task.id,
      task.path,
      `${task.path} exists and was not written by sitesmith; it is left as it is. Move or delete it to let sitesmith generate it.`,
    )
  }
  input.onStart?.(task)

  const produced: { content: string; summary: string; hit: boolean; by: string; from?: string } =
    task.action === 'update' ? await runUpdate(task, ctx, input) : await runCreate(task, ctx, input)
  const meta = {
    summary: produced.summary || tracked?.summary || task.instructions.split('\n')[0].slice(0, 160),
    interface: extractInterface(task.path, produced.content),
    generatedBy: {
      taskId: task.id,
      taskKey,
      stage: task.action === 'update' ? 'update' : 'generate',
      model: produced.by,
    },
  }
  const basis = produced.from !== undefined ? { from: produced.from } : undefined
  const written =
    usersFile && basis
      ? await writer.writeUserChunks(task.path, basis.from, produced.content, [task.target ?? 'body'], meta)
      : await writer.write(task.path, produced.content, meta, basis)
  return {
    taskId: task.id,
    path: task.path,
    status: written.changed ? 'written' : 'unchanged',
    cache: produced.hit ? 'hit' : 'miss',
  }
}

async function runCreate(task: Task, ctx: TaskContext, input: GenerateInput) {
  const result = await askUntilAccepted(
    input.ask,
    {
      stage: 'generate',
      role: 'coder',
      promptVersion: GENERATE_PROMPT_VERSION,
      messages: generateMessages(ctx),
      pack: () => packedGenerateMessages(ctx),
      schema: GeneratedFileSchema,
      label: `generate:${task.id}`,
      taskId: task.id,
      path: task.path,
    },
    {
      repairs: GATE_REPAIRS,
      accept: (answer) => {
        const gate = checkFile(task.path, answer.content)
        return gate.ok ? { ok: true, value: { content: gate.content, summary: answer.summary.trim() } } : gate
      },
      retry: (reason) =>
        `That file was rejected and not written: ${reason}\nSend the complete file again in the same JSON form.`,
    },
  )
  if (!result.ok)
    throw new TaskFailedError(task.id, task.path, `the generated file was rejected: ${result.reason}`, {
      at: result.at,
    })
  return { ...result.value, hit: result.hit, by: result.by }
}

async function runUpdate(task: Task, ctx: TaskContext, input: GenerateInput) {
  const current = input.writer.read(task.path)
  if (current === null)
    throw new TaskFailedError(task.id, task.path, `cannot update ${task.path}: the file does not exist`)
  const target = task.target ?? 'body'
  const chunk = locateChunk(task.path, current, target)
  if (!chunk.ok) throw new TaskFailedError(task.id, task.path, `cannot update target "${target}": ${chunk.reason}`)
  const result = await askUntilAccepted(
    input.ask,
    {
      stage: 'update',
      role: 'coder',
      promptVersion: UPDATE_PROMPT_VERSION,
      messages: updateMessages(ctx, chunk.text),
      pack: () => packedGenerateMessages(ctx, chunk.text),
      schema: ChunkReplacementSchema,
      label: `update:${task.id}`,
      taskId: task.id,
      path: task.path,
    },
    {
      repairs: GATE_REPAIRS,
      accept: (answer) => {
        const edited = applyChunkEdit(task.path, current, target, answer.replacement)
        const gate = edited.ok ? checkEditedFile(task.path, edited.content) : edited
        return gate.ok
          ? { ok: true, value: { content: gate.content, summary: answer.summary.trim() } }
          : { ok: false, reason: gate.reason, ...('at' in gate ? { at: gate.at } : {}) }
      },
      retry: (reason) =>
        `That replacement was rejected and not applied: ${reason}\nSend the replacement for "${target}" again in the same JSON form.`,
    },
  )
  if (!result.ok)
    throw new TaskFailedError(task.id, task.path, `the chunk edit of "${target}" was rejected: ${result.reason}`, {
      at: result.at,
    })
  return { ...result.value, hit: result.hit, by: result.by, from: current }
}

type InterfaceOf = (path: string, content: string) => FileInterface

function taskContext(task: Task, byId: Map<string, Task>, input: GenerateInput, interfaceOf: InterfaceOf): TaskContext {
  const dependencies: TaskContext['dependencies'] = []
  const words = input.relevantInterfaces ? taskWords(task, input.sections) : undefined
  for (const id of task.dependsOn) {
    const dep = byId.get(id)
    if (!dep) continue
    const content = input.writer.read(dep.path)
    if (content === null) continue
    const iface = interfaceOf(dep.path, content)
    const summary = input.writer.tracker.files[dep.path]?.summary ?? ''
    dependencies.push({ path: dep.path, summary, interface: words ? relevantInterface(dep.path, iface, words) : iface })
  }
  const sections = task.sections.map((id) => input.sections.get(id)).filter((s): s is SpecSection => s !== undefined)
  return { task, sections, dependencies }
}

/**
 * Identity of a task's inputs. Unlike the cache key (which hashes the exact messages,
 * including the current chunk of an `update`), this excludes the file's own bytes, so
 * after an update is applied the task does not look stale on the next run.
 */
export function computeTaskKey(ctx: TaskContext, coderId: string): string {
  const t = ctx.task
  return sha256(
    stableStringify({
      v: t.action === 'update' ? UPDATE_PROMPT_VERSION : GENERATE_PROMPT_VERSION,
      model: coderId,
      task: { action: t.action, path: t.path, target: t.target ?? null, instructions: t.instructions },
      sections: ctx.sections.map((s) => s.text),
      // Summaries are prose and may vary; interfaces are what the file may rely on.
      deps: ctx.dependencies.map((d) => ({ path: d.path, interface: d.interface })),
    }),
  )
}

function describe(error: unknown, task: Task): string {
  if (error instanceof TaskFailedError) return error.message
  if (error instanceof WriteRefusedError) return `task "${task.id}" (${task.path}): ${error.message}`
  const message = error instanceof Error ? error.message : String(error)
  return `task "${task.id}" (${task.path}): ${message}`
}
