import type { ChatClient, ChatRequest, ChatResult } from '../../../plugin/llm/types.js'

/**
 * A test double of the `ChatClient` interface (the real providers are tested against the
 * loopback server elsewhere): answers with `answer(request)`, validated by the request's
 * schema like a real client, after an optional delay; counts calls.
 */
export class FakeChatClient implements ChatClient {
  calls = 0
  requests: string[] = []
  constructor(
    readonly id: string,
    private readonly answer: (label: string, call: number) => unknown,
    private readonly delayMs = 0,
  ) {}

  async chat<T>(request: ChatRequest<T>): Promise<ChatResult<T>> {
    this.calls++
    this.requests.push(request.label)
    const n = this.calls
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs))
    const raw = this.answer(request.label, n)
    if (raw instanceof Error) throw raw
    const value = request.schema.parse(raw)
    return { value, usage: { promptTokens: 100, completionTokens: 20 }, calls: 1, model: this.id }
  }
}

/** Collects warnings. */
export function memoryLogger(): { warn(message: string): void; warnings: string[] } {
  const warnings: string[] = []
  return { warnings, warn: (m: string) => void warnings.push(m) }
}
