import type { ContentReply } from './types.js'

/**
 * What real small models are publicly documented to send back (issue #15). No model API is
 * reachable from this project's machines, so these shapes — each taken from the issue thread
 * named in `sources` — are the best evidence of real behaviour there is. Each one turns a
 * correct structured answer into the faulty one; the loopback server then sends it through
 * either wire format (OpenAI `/v1/chat/completions` or Ollama `/api/chat`) to the real clients.
 * The fixtures are written here by hand after the threads; no third-party text is copied.
 *
 * `tolerated`: sitesmith must take the answer as it is (no repair turn). Otherwise the first
 * such answer costs one repair turn, and an answer that keeps the shape ends in an error that
 * names the task and `expect` (the shape), with nothing written from it. `reported` shapes
 * are valid files with a cross-file defect: the checkers must report them (file and rule).
 */

export interface FileAnswer {
  content: string
  summary: string
}

export interface RealisticFault {
  id: string
  /** What the model did, in a sentence. */
  title: string
  /** Public issue threads that document it (model and tool named there). */
  sources: string[]
  /** Where the shape lives: the JSON envelope, the file inside it, or a cross-file defect. */
  layer: 'envelope' | 'file' | 'site'
  /** The faulty answer, made from the correct one for the requested file. */
  reply: (good: FileAnswer, path: string) => ContentReply
  /** Recovered without a repair turn, or the pattern a persistent answer's error must match (the shape named). */
  outcome: { tolerated: true } | { error: RegExp } | { reported: { rule: string } }
  /** Only for files of this kind. */
  only?: 'html' | 'js' | 'css'
}

const json = (a: FileAnswer) => JSON.stringify(a)
const pretty = (a: FileAnswer) => JSON.stringify(a, null, 2)
/** The answer as a model writes JSON by hand: raw newlines and tabs inside the strings. */
const rawNewlines = (a: FileAnswer) =>
  `{"content": "${a.content.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}", "summary": "${a.summary}"}`

export const REALISTIC_FAULTS: readonly RealisticFault[] = [
  // ---------------------------------------------------------------- the JSON envelope
  {
    id: 'fenced-json',
    title: 'JSON wrapped in a ```json fence (Qwen2.5-Coder-7B at temperature 0 does it every time through vLLM)',
    sources: [
      'https://github.com/vllm-project/vllm/issues/32926',
      'https://github.com/vectorize-io/hindsight/issues/645',
    ],
    layer: 'envelope',
    reply: (a) => ({ content: '```json\n' + pretty(a) + '\n```' }),
    outcome: { tolerated: true },
  },
  {
    id: 'prose-before-json',
    title: 'a sentence of prose (with a stray brace) before the object',
    sources: ['https://github.com/Open-Historia/open-historia/pull/353'],
    layer: 'envelope',
    reply: (a) => ({ content: `Sure! Here is the file you asked for {as JSON}:\n\n${json(a)}` }),
    outcome: { tolerated: true },
  },
  {
    id: 'extra-data',
    title: 'text after the object (Python: json.JSONDecodeError "Extra data")',
    sources: ['https://github.com/Usagi-org/ai-goofish-monitor/issues/396'],
    layer: 'envelope',
    reply: (a) => ({ content: `${json(a)}\n\nI hope this helps! Let me know if you want any changes.` }),
    outcome: { tolerated: true },
  },
  {
    id: 'two-objects',
    title: 'two objects back to back',
    sources: [
      'https://github.com/letta-ai/letta/pull/269',
      'https://github.com/Usagi-org/ai-goofish-monitor/issues/396',
    ],
    layer: 'envelope',
    reply: (a) => ({ content: `${json(a)}\n${json({ content: a.content, summary: 'again' })}` }),
    outcome: { tolerated: true },
  },
  {
    id: 'whitespace-forever',
    title: 'a finished object padded with whitespace until the output limit (format: json, qwen 0.5b, llama3)',
    sources: ['https://github.com/ollama/ollama/issues/2577', 'https://github.com/ollama/ollama/issues/4446'],
    layer: 'envelope',
    reply: (a) => ({ content: `${pretty(a)}\n${'\n \t\n'.repeat(400)}`, finishReason: 'length' }),
    outcome: { tolerated: true },
  },
  {
    id: 'think-block',
    title: 'a <think> reasoning block before the JSON',
    sources: [
      'https://github.com/Open-Historia/open-historia/pull/353',
      'https://github.com/ollama/ollama/issues/10927',
    ],
    layer: 'envelope',
    reply: (a) => ({
      content: `<think>\nThe user wants a page. I should write {content, summary}.\n</think>\n${json(a)}`,
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'raw-newlines',
    title: 'raw newlines and tabs inside JSON strings',
    sources: [
      'https://github.com/ollama/ollama/pull/3782',
      'https://github.com/mastra-ai/mastra/pull/10965',
      'https://github.com/matthiasn/lotti/pull/4310',
    ],
    layer: 'envelope',
    reply: (a) => ({ content: rawNewlines(a) }),
    outcome: { tolerated: true },
  },
  {
    id: 'invalid-escape',
    title: 'an invalid escape (a markdown dash escaped as \\-)',
    sources: ['https://github.com/matthiasn/lotti/pull/4304', 'https://github.com/tya5/reyn/pull/1379'],
    layer: 'envelope',
    reply: (a) => ({ content: json(a).replace(/"summary":"/, '"summary":"\\- ') }),
    outcome: { tolerated: true },
  },
  {
    id: 'unescaped-quotes',
    title: 'unescaped double quotes inside the content string (HTML attributes)',
    sources: ['https://github.com/ollama/ollama/pull/3784', 'https://github.com/pnp/pnpcore/pull/1683'],
    layer: 'envelope',
    only: 'html',
    reply: (a) => ({
      content: `{"content": "${a.content.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}", "summary": "${a.summary}"}`,
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'single-quotes',
    title: 'a Python-style dict with single quotes',
    sources: ['https://github.com/NousResearch/atropos/pull/479'],
    layer: 'envelope',
    only: 'css',
    reply: (a) => ({
      content: `{'content': '${a.content.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}', 'summary': '${a.summary.replace(/'/g, "\\'")}'}`,
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'trailing-comma-smart-quotes',
    title: 'a trailing comma and curly quotes around keys',
    sources: ['https://github.com/Open-Historia/open-historia/pull/353'],
    layer: 'envelope',
    reply: (a) => ({
      content: `{\u201ccontent\u201d: ${JSON.stringify(a.content)}, \u201csummary\u201d: ${JSON.stringify(a.summary)},}`,
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'missing-brace',
    title: 'the closing brace forgotten',
    sources: ['https://github.com/letta-ai/letta/issues/297'],
    layer: 'envelope',
    reply: (a) => ({ content: json(a).slice(0, -1) }),
    outcome: { tolerated: true },
  },
  {
    id: 'tool-call-content',
    title: 'a tool call returned as plain content, {"name": …, "arguments": "…"}',
    sources: ['https://github.com/jundot/omlx/issues/2565', 'https://github.com/QwenLM/Qwen3-Coder/issues/180'],
    layer: 'envelope',
    reply: (a) => ({ content: JSON.stringify({ name: 'write_file', arguments: json(a) }) }),
    outcome: { tolerated: true },
  },
  {
    id: 'double-encoded',
    title: 'the whole object sent as one JSON string',
    sources: ['https://github.com/modelscope/ms-agent/pull/652'],
    layer: 'envelope',
    reply: (a) => ({ content: JSON.stringify(json(a)) }),
    outcome: { tolerated: true },
  },
  {
    id: 'apology',
    title: 'an apology instead of the file',
    sources: ['https://github.com/nomic-ai/gpt4all/issues/343', 'https://github.com/awslabs/rhubarb/issues/19'],
    layer: 'envelope',
    reply: () => ({
      content: "I'm sorry, but I can't help with creating that file. Is there anything else I can do for you?",
    }),
    outcome: { error: /an apology instead of an answer/ },
  },
  {
    id: 'echoed-rules',
    title: 'the format rules echoed back instead of an answer',
    sources: ['https://github.com/ollama/ollama/issues/1433', 'https://github.com/nomic-ai/gpt4all/issues/1985'],
    layer: 'envelope',
    reply: () => ({
      content:
        'Reply with one JSON object and nothing else: {"content": "<the complete file>", ' +
        '"summary": "<one sentence: what the file is and what it offers other files>"}.\n' +
        'The content is the entire file, complete and working.',
    }),
    outcome: { error: /the instructions echoed back/ },
  },
  {
    id: 'repetition-loop',
    title: 'a repetition loop until the token limit',
    sources: ['https://github.com/QwenLM/qwen-code/issues/1403', 'https://github.com/ollama/ollama/issues/2405'],
    layer: 'envelope',
    reply: () => ({
      content: `{"content": "<!doctype html>\\n<html>\\n<body>\\n${'<p>Fresh bread every morning.</p>\\n'.repeat(120)}`,
      finishReason: 'length',
    }),
    outcome: { error: /a repetition loop: .* repeated \d+ times until the output limit/ },
  },
  {
    id: 'empty-object',
    title: 'an empty object {} from an output cap too small (num_predict 100 / the old 128-token default)',
    sources: ['https://github.com/r-spade/ormah/pull/24', 'https://github.com/ollama/ollama/pull/7693'],
    layer: 'envelope',
    reply: () => ({ content: '{}' }),
    outcome: { error: /an empty object \{\}/ },
  },
  {
    id: 'length-mid-string',
    title: 'finish_reason length in the middle of the content string',
    sources: [
      'https://github.com/mastra-ai/mastra/issues/24442',
      'https://github.com/browser-use/browser-use/pull/5148',
    ],
    layer: 'envelope',
    reply: (a) => ({ content: json(a).slice(0, Math.floor(json(a).length / 2)), finishReason: 'length' }),
    outcome: { error: /cut off at the output limit/ },
  },
  {
    id: 'length-empty',
    title: 'an empty answer with finish_reason length (the budget spent before any text)',
    sources: ['https://github.com/ra-jeev/write-assist-ai/issues/32'],
    layer: 'envelope',
    reply: () => ({ content: '', finishReason: 'length' }),
    outcome: { error: /cut off at the output limit/ },
  },
  {
    id: 'cut-mid-string',
    title: 'an answer that stops mid-string with a normal finish (a dropped stream)',
    sources: ['https://github.com/mastra-ai/mastra/issues/24442', 'https://github.com/clianor/ollama-commit/issues/4'],
    layer: 'envelope',
    reply: (a) => ({ content: json(a).slice(0, Math.floor(json(a).length * 0.6)) }),
    outcome: { error: /cut off/ },
  },
  // ---------------------------------------------------------------- the file inside the envelope
  {
    id: 'schema-valid-greeting',
    title:
      'schema-valid nonsense: {"content": "👋 Hey there! …"} (answers like a chat bot instead of writing the project)',
    sources: ['https://github.com/stackblitz-labs/bolt.diy/issues/152'],
    layer: 'file',
    reply: () => ({
      content: JSON.stringify({
        content: '👋 Hey there! How can I help you with your website today?',
        summary: 'greeting',
      }),
    }),
    outcome: { error: /chat prose, not a file/ },
  },
  {
    id: 'stray-fence-in-content',
    title: 'the file inside content wrapped in a ```html fence',
    sources: ['https://github.com/vllm-project/vllm/issues/32926', 'https://github.com/veniceai/api-docs/issues/264'],
    layer: 'file',
    reply: (a, path) => ({
      content: json({ ...a, content: '```' + (path.split('.').pop() ?? '') + '\n' + a.content + '```\n' }),
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'explanation-around-code',
    title: 'an explanation before and after the code inside content',
    sources: ['https://github.com/Aider-AI/aider/issues/1223', 'https://github.com/s-kostyaev/ellama/issues/300'],
    layer: 'file',
    reply: (a, path) => ({
      content: json({
        ...a,
        content: `Here is the updated file:\n\n\`\`\`${path.split('.').pop()}\n${a.content}\`\`\`\n\nThis adds the navigation and keeps the layout responsive.`,
      }),
    }),
    outcome: { tolerated: true },
  },
  {
    id: 'existing-code-placeholder',
    title: 'code replaced by a "// ... existing code ..." placeholder',
    sources: [
      'https://github.com/stackblitz/bolt.new/issues/124',
      'https://github.com/stackblitz/bolt.new/issues/566',
      'https://github.com/QwenLM/qwen-code/issues/2575',
    ],
    layer: 'file',
    only: 'js',
    reply: (a) => ({
      content: json({
        ...a,
        content: a.content.replace(/function setYear\(\) \{[\s\S]*?\n\}\n/, '// ... existing code ...\n'),
      }),
    }),
    outcome: { error: /placeholder for omitted code/ },
  },
  // ---------------------------------------------------------------- cross-file defects (the checkers' job)
  {
    id: 'stylesheet-name-mismatch',
    title: 'a page linking styles.css when the file is style.css',
    sources: ['https://github.com/stackblitz/bolt.new/issues/124'],
    layer: 'site',
    only: 'html',
    reply: (a) => ({
      content: json({ ...a, content: a.content.replace('href="css/style.css"', 'href="css/styles.css"') }),
    }),
    outcome: { reported: { rule: 'broken-link' } },
  },
  {
    id: 'hallucinated-import',
    title: 'a hallucinated script: the page loads js/utils.js, which nothing creates',
    sources: ['https://github.com/mem0ai/mem0/issues/1618'],
    layer: 'site',
    only: 'html',
    reply: (a) => ({
      content: json({
        ...a,
        content: a.content.replace(
          '<script src="js/main.js" defer></script>',
          '<script src="js/main.js" defer></script>\n  <script src="js/utils.js" defer></script>',
        ),
      }),
    }),
    outcome: { reported: { rule: 'broken-link' } },
  },
]

/**
 * Documented context faults, reproduced by the loopback server's Ollama mode (see
 * `ollama` in LoopbackOptions) rather than by an answer: listed here so the catalogue is whole.
 */
export const CONTEXT_FAULTS = [
  {
    id: 'silent-num-ctx-truncation',
    title:
      'Ollama cuts the prompt to num_ctx and answers 200 OK (only its log says "truncating input prompt limit=2048 prompt=16101")',
    sources: [
      'https://github.com/RooCodeInc/Roo-Code/issues/1372',
      'https://github.com/ollama/ollama/issues/8099',
      'https://github.com/ollama/ollama/issues/10368',
    ],
  },
  {
    id: 'half-context-truncation',
    title: 'a prompt over the buffer is cut to half of num_ctx (prompt_eval_count = num_ctx/2 + 2)',
    sources: ['https://github.com/ollama/ollama/issues/17427'],
  },
  {
    id: 'openai-endpoint-ignores-num-ctx',
    title:
      "through Ollama's OpenAI-compatible /v1 endpoint num_ctx cannot be set: every call is capped at the server default",
    sources: [
      'https://github.com/ollama/ollama/issues/4447',
      'https://github.com/ollama/ollama/issues/5902',
      'https://github.com/BoltAI/BoltAI/issues/156',
    ],
  },
] as const
