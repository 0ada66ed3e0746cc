import type { ModelOptions, ProviderName } from '../../plugin/llm/types.js'
import type { LoopbackServer } from './types.js'

/**
 * Role options pointing a sitesmith model role at the loopback server, so pipeline tests can
 * write `planner: loopbackModel(server, 'openai'), coder: loopbackModel(server, 'ollama')`.
 * Timeouts are short and retries few, so a scripted fault costs milliseconds; pass
 * `retryBaseMs` (e.g. 2) in the client deps as well.
 */
export function loopbackModel(
  server: LoopbackServer,
  provider: ProviderName,
  overrides: Partial<ModelOptions> = {},
): ModelOptions {
  return {
    provider,
    model: provider === 'openai' ? 'gpt-4o-mini' : 'qwen2.5-coder:7b',
    baseURL: provider === 'openai' ? server.openaiBaseURL : server.url,
    timeoutMs: 5_000,
    maxRetries: 2,
    repairTurns: 1,
    ...overrides,
  }
}

/** An environment with a recognisable fake key, for asserting it never leaks into bodies or logs. */
export const LOOPBACK_API_KEY = 'sk-loopback-test-key-DO-NOT-LEAK-7f3a'
export function loopbackEnv(server: LoopbackServer): Record<string, string> {
  return { OPENAI_API_KEY: LOOPBACK_API_KEY, OPENAI_BASE_URL: server.openaiBaseURL, OLLAMA_HOST: server.url }
}
