import { z } from 'zod'

/**
 * zod schemas of the per-site artifacts in `<root>/.sitesmith/` (docs/ARCHITECTURE.md,
 * "Artifacts"). They are validated on every read and every write.
 */

export const TASK_ACTIONS = ['create', 'update', 'delete'] as const

export const TaskSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'task id: letters, digits, "_", "-", "."'),
  action: z.enum(TASK_ACTIONS),
  path: z.string().min(1).max(200),
  instructions: z.string().max(8000),
  dependsOn: z.array(z.string()).default([]),
  sections: z.array(z.string()).default([]),
  /** For `update`: the chunk to replace (`body`, `#nav`, a CSS selector, a JS function name). */
  target: z.string().min(1).optional(),
})
export type Task = z.infer<typeof TaskSchema>

export const TasksFileSchema = z.object({
  version: z.literal(1),
  /** sha256 of the whole spec this plan was made from. */
  specHash: z.string(),
  /** Section id → content hash when planned; the delta planner compares against these. */
  sectionHashes: z.record(z.string(), z.string()).default({}),
  tasks: z.array(TaskSchema),
})
export type TasksFile = z.infer<typeof TasksFileSchema>

/** What other files may rely on. Parsed from the file, never guessed. */
export const FileInterfaceSchema = z.object({
  ids: z.array(z.string()).default([]),
  classes: z.array(z.string()).default([]),
  /** Global functions/variables a classic script defines (or a module puts on `window`). */
  globals: z.array(z.string()).default([]),
  /** ES module exports. */
  exports: z.array(z.string()).default([]),
  /** CSS custom properties defined (`--x`). */
  cssVars: z.array(z.string()).default([]),
  /** Local pages, scripts and stylesheets this file links to or loads. */
  links: z.array(z.string()).default([]),
})
export type FileInterface = z.infer<typeof FileInterfaceSchema>

export const TrackedFileSchema = z.object({
  /** sha256 of the bytes sitesmith last wrote; a mismatch means a person edited the file. */
  hash: z.string(),
  summary: z.string(),
  interface: FileInterfaceSchema,
  generatedBy: z.object({
    taskId: z.string(),
    /** Identity of the task inputs that produced these bytes (see plugin/pipeline). */
    taskKey: z.string(),
    /** `generate`, `update` or `fix`. */
    stage: z.string(),
    model: z.string(),
  }),
  /**
   * Whose file it is. Absent (every tracker written before issue 17) means sitesmith's;
   * `user` marks a person's file brought in by `sitesmith adopt`: never created over or
   * deleted, changed only in chunks and only when `editUserFiles` allows it.
   */
  owner: z.enum(['sitesmith', 'user']).optional(),
  updatedAt: z.string(),
})
export type TrackedFile = z.infer<typeof TrackedFileSchema>

export const FileTrackerSchema = z.object({
  files: z.record(z.string(), TrackedFileSchema),
})
export type FileTracker = z.infer<typeof FileTrackerSchema>

export const FindingSchema = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  file: z.string(),
  line: z.number().int().nonnegative(),
  column: z.number().int().nonnegative(),
  message: z.string(),
  page: z.string().optional(),
})

export const ReviewIssueSchema = z.object({
  rule: z.string().optional(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  fix: z.object({ target: z.string(), instructions: z.string() }),
  /** Filled in by the fix stage: what happened to this issue. */
  outcome: z
    .object({
      status: z.enum(['fixed', 'rejected', 'unresolved', 'skipped']),
      round: z.number().int(),
      reason: z.string().optional(),
    })
    .optional(),
})
export type ReviewIssue = z.infer<typeof ReviewIssueSchema>

export const CodeReviewSchema = z.object({
  run: z.string(),
  files: z.array(z.string()),
  findings: z.array(FindingSchema),
  reviews: z.array(
    z.object({ file: z.string(), round: z.number().int().default(1), issues: z.array(ReviewIssueSchema) }),
  ),
  rounds: z.number().int().nonnegative(),
  resolved: z.array(FindingSchema),
  unresolved: z.array(FindingSchema),
  /**
   * Every file whose current bytes a review has seen, with that content's sha256 (#12): a
   * file sitesmith wrote whose hash is not here (a run killed before its review, say) is
   * reviewed by the next run. Absent in files written before reviews were keyed by content.
   */
  reviewed: z.record(z.string(), z.string()).optional(),
})
export type CodeReview = z.infer<typeof CodeReviewSchema>
