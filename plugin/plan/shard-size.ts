import { measurePrompt, type RoleLimits } from '../llm/context-budget.js'
import type { ChatMessage } from '../llm/types.js'

/**
 * When one plan call is too big for the planner, and how big a group may be (issue #16).
 * The answer, not the prompt, is what outgrows a model first: a full plan is about one task per
 * spec section, and a task with instructions good enough to write its file alone takes a few
 * hundred tokens, while gpt-4o-mini writes at most 16,384 tokens an answer (the role's
 * `maxOutputTokens`, 4096 by default). The estimates below are deliberately round: they decide
 * where to cut, the loopback server's real limits test that every cut fits.
 */

/** A spec section's share of a single-call plan answer. */
export const PLAN_TOKENS_PER_SECTION = 200
/** One page task of a group answer: id, path, dependsOn, sections and instructions. */
export const GROUP_TOKENS_PER_PAGE = 400
/** One entry of the site plan's page list (`{"path","title","purpose","sections"}`). */
export const SITE_TOKENS_PER_PAGE = 48
/** The shared-file tasks of a site plan (a stylesheet, a script or two, with instructions). */
export const SITE_SHARED_TOKENS = 1500

/** Sections one plan call may cover: at the default 4096 output tokens, 20. */
export function singleCallSections(maxOutputTokens: number): number {
  return Math.max(1, Math.floor(maxOutputTokens / PLAN_TOKENS_PER_SECTION))
}

/**
 * Whether a spec is planned in shards: more sections than one answer holds, or a one-call prompt
 * that does not fit the window. Small specs (the example site's 7 sections) keep the single call,
 * so their prompts and cache keys stay exactly as they were.
 */
export function shouldShard(sectionCount: number, single: readonly ChatMessage[], limits: RoleLimits): boolean {
  return sectionCount > singleCallSections(limits.maxOutputTokens) || !measurePrompt(single, limits).fits
}

/**
 * Pages one group call plans: half the answer budget at GROUP_TOKENS_PER_PAGE, since a page's
 * instructions grow with the links it must name (at 4096 output tokens 5, at 16,384 20).
 */
export function pagesPerGroup(maxOutputTokens: number): number {
  return Math.max(1, Math.floor(maxOutputTokens / 2 / GROUP_TOKENS_PER_PAGE))
}

/** Pages a site plan answer can list within `maxOutputTokens`. */
export function sitePlanPages(maxOutputTokens: number): number {
  return Math.max(0, Math.floor((maxOutputTokens - SITE_SHARED_TOKENS) / SITE_TOKENS_PER_PAGE))
}
