/**
 * The model layer's public surface (shared/DESIGN.md, "Model layer"). Stages import from
 * here; provider internals stay private to this folder.
 */
export type { ChatClient, ChatEvent, ChatMessage, ChatRequest, ChatResult, ModelOptions, ProviderName, Role, Usage } from './types.js'
export { createChatClient, MODEL_DEFAULTS, ModelOptionsError, type ChatClientDeps } from './create-client.js'
export { UsageMeter, formatUsage, type UsageLimits, type UsageSnapshot, type StageUsage } from './budget.js'
export {
  BudgetExceededError,
  ContextOverflowError,
  ContextTruncatedError,
  MissingCredentialsError,
  ModelAbortedError,
  ModelError,
  ModelFormatError,
  ModelHttpError,
  ModelTimeoutError,
  TruncatedAnswerError,
  isModelError,
  type ModelErrorCode,
  type ModelErrorContext,
} from './errors.js'
export { extractJson, parseStructured, stripFences } from './structured.js'
