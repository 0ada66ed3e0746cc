import { z } from 'zod'
import { TASK_ACTIONS } from '../store/artifact-schemas.js'

/**
 * What the planner model must answer. Looser than the stored `TaskSchema` on purpose:
 * the model's answer is untrusted input and its semantic problems (unsafe paths, cycles,
 * unknown ids) are reported by `validatePlan` with reasons the model can act on in its
 * one repair turn, rather than as opaque schema errors.
 */
export const PlannedTaskSchema = z.object({
  id: z.string().min(1).max(80),
  action: z.enum(TASK_ACTIONS),
  path: z.string().min(1).max(200),
  instructions: z.string().max(8000).default(''),
  dependsOn: z.array(z.string()).default([]),
  sections: z.array(z.string()).default([]),
  target: z.string().min(1).optional(),
})
export type PlannedTask = z.infer<typeof PlannedTaskSchema>

export const PlanAnswerSchema = z.object({
  tasks: z.array(PlannedTaskSchema).max(200),
})
export type PlanAnswer = z.infer<typeof PlanAnswerSchema>
