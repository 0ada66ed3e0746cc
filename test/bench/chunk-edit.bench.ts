/**
 * Chunk-edit benchmark (issue 5, acceptance 3):
 *  - chunk_edit_tokens_ratio: model tokens (prompt + answer) to change one section of the
 *    ~30 KB fixture page by chunk edit, divided by the tokens to do the same change as a
 *    whole-file rewrite. Both sides use the generate stage's own prompt text and the same
 *    JSON answer envelope; the rewrite prompt is the chunk prompt with the whole current
 *    file in place of the chunk, and its answer is the whole edited file. Tokens are
 *    counted with the cl100k pre-tokenizer pattern (one token per pre-token, a slight
 *    undercount of a real BPE on both sides alike), so no tokenizer dependency is needed;
 *    the ratio, not the absolute count, is the metric.
 *  - chunk_edit_30kb_apply_ms: median wall time of locate + applyChunkEdit (with every
 *    check) for that change, in this process.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { applyChunkEdit, locateChunk } from '../../plugin/edit/index.js'
import { updateMessages, type TaskContext } from '../../plugin/generate/generate-prompt.js'
import type { ChatMessage } from '../../plugin/llm/types.js'
import type { BenchResult } from './types.js'

const PAGE = 'landing.html'
const TARGET = '#faq'
const RUNS = 25

/** The cl100k_base pre-tokenization pattern; each piece is at least one BPE token. */
const PRE_TOKENS =
  /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu

export function countTokens(text: string): number {
  return text.match(PRE_TOKENS)?.length ?? 0
}

function promptTokens(messages: ChatMessage[]): number {
  // ~4 tokens of chat framing per message, as OpenAI documents for its chat format.
  return messages.reduce((n, m) => n + 4 + countTokens(m.content), 0)
}

export async function run(): Promise<BenchResult> {
  const source = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'edit', PAGE), 'utf8')
  const chunk = locateChunk(PAGE, source, TARGET)
  if (!chunk.ok) throw new Error(chunk.reason)
  const extra =
    '\n        <details class="faq-item">\n          <summary>Do you sell gift cards?</summary>\n          <p>Yes — at the bar and in the shop, from $10. They never expire.</p>\n        </details>'
  const replacement = chunk.text.replace(/\n(\s*)<\/div>\n(\s*)<\/section>$/, `${extra}\n$1</div>\n$2</section>`)
  const edited = applyChunkEdit(PAGE, source, TARGET, replacement)
  if (!edited.ok) throw new Error(edited.reason)
  if (!edited.content.includes('Do you sell gift cards?')) throw new Error('the benchmark edit did not land')

  const context: TaskContext = {
    task: {
      id: 'faq-gift-cards',
      action: 'update',
      path: PAGE,
      instructions: 'Add a FAQ entry about gift cards after the last question.',
      dependsOn: [],
      sections: ['faq'],
      target: TARGET,
    },
    sections: [],
    dependencies: [],
  }
  const summary = 'The home page: hero, menu, process, subscriptions, FAQ, team, contact.'
  const chunkTokens =
    promptTokens(updateMessages(context, chunk.text)) + countTokens(JSON.stringify({ replacement, summary }))
  const rewritePrompt = updateMessages({ ...context, task: { ...context.task, target: undefined } }, source).map((m) =>
    m.role === 'user'
      ? {
          ...m,
          content: m.content.replace(
            'Current chunk "undefined" (replace exactly this)',
            'Current file (return the whole file with the change)',
          ),
        }
      : m,
  )
  const rewriteTokens = promptTokens(rewritePrompt) + countTokens(JSON.stringify({ content: edited.content, summary }))

  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    const r = applyChunkEdit(PAGE, source, TARGET, replacement)
    times.push(performance.now() - t)
    if (!r.ok) throw new Error(r.reason)
  }
  times.sort((a, b) => a - b)

  return {
    chunk_edit_tokens_ratio: {
      value: chunkTokens / rewriteTokens,
      unit: 'ratio',
      target: '<= 0.2',
      note: `${chunkTokens} vs ${rewriteTokens} tokens (prompt + answer) to add one FAQ entry to the ${Math.round(source.length / 1024)} KB fixture page; cl100k pre-token count`,
    },
    chunk_edit_30kb_apply_ms: {
      value: times[Math.floor(times.length / 2)],
      unit: 'ms',
      note: `median of ${RUNS}: locate ${TARGET} + all checks + splice on the ${Math.round(source.length / 1024)} KB page`,
    },
  }
}
