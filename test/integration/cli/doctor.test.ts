import { onTestFinished, describe, expect, it } from 'vitest'
import { formatDoctor, runDoctor } from '../../../plugin/cli/doctor.js'
import type { ModelOptions } from '../../../plugin/llm/types.js'
import { always, jsonReply, startLoopbackServer, type LoopbackOptions } from '../../loopback/server.js'

/**
 * `sitesmith doctor` against the loopback server through the real clients (issue #15,
 * acceptance 3): a healthy setup, and each documented failure with its fix named.
 */

async function doctorOn(
  opts: Partial<LoopbackOptions>,
  coder: Partial<ModelOptions> = {},
  planner: Partial<ModelOptions> = {},
) {
  const server = await startLoopbackServer({ respond: always(jsonReply({ ok: true, sum: 5 })), ...opts })
  onTestFinished(() => server.close())
  const rows = await runDoctor(
    {
      planner: { provider: 'openai', model: 'gpt-4o-mini', baseURL: server.openaiBaseURL, ...planner },
      coder: { provider: 'ollama', model: 'qwen2.5-coder:7b', baseURL: server.url, ...coder },
    },
    { OPENAI_API_KEY: 'sk-loopback-doctor-0000' },
  )
  return { rows, table: formatDoctor(rows), server }
}
const row = (rows: Awaited<ReturnType<typeof doctorOn>>['rows'], role: string, check: string) =>
  rows.find((r) => r.role === role && r.check === check)

describe('sitesmith doctor', () => {
  it('a healthy setup: every check ok for both roles, tokens/s measured', async () => {
    const { rows, table } = await doctorOn({})
    expect(rows.filter((r) => r.status === 'fail' || r.status === 'warn')).toEqual([])
    for (const role of ['planner', 'coder']) {
      for (const check of ['endpoint', 'model', 'json mode', 'round trip', 'speed'])
        expect(row(rows, role, check)?.status).toBe('ok')
    }
    expect(row(rows, 'coder', 'context')?.detail).toBe(
      'qwen2.5-coder:7b reads 32768 tokens; sitesmith asks for num_ctx up to 32768',
    )
    expect(row(rows, 'coder', 'speed')?.detail).toMatch(/tokens\/s\)$/)
    expect(table).toContain('both roles are ready.')
  })

  it('a wrong model name: fails with the pull command (ollama) or the models the server has (openai)', async () => {
    const { rows } = await doctorOn({}, { model: 'qwen2.5-coder:7bb' }, { model: 'gpt-4o-mimi' })
    expect(row(rows, 'coder', 'model')).toMatchObject({
      status: 'fail',
      fix: "`ollama pull qwen2.5-coder:7bb`, or set the role's model to one `ollama list` shows",
    })
    expect(row(rows, 'planner', 'model')).toMatchObject({
      status: 'fail',
      fix: "set the role's model to one the server lists (e.g. gpt-4o-mini, qwen2.5-coder:7b)",
    })
  })

  it('an unreachable host: the endpoint fails with how to start or point at the server', async () => {
    const gone = await startLoopbackServer({ respond: always(jsonReply({})) })
    const url = gone.url
    await gone.close()
    const { rows } = await doctorOn({}, { baseURL: url }, { baseURL: `${url}/v1` })
    expect(row(rows, 'coder', 'endpoint')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('ollama serve'),
    })
    expect(row(rows, 'planner', 'endpoint')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('ends in /v1'),
    })
    expect(row(rows, 'coder', 'endpoint')!.detail).toContain('ECONNREFUSED')
  })

  it('JSON mode ignored: the model answers in prose around a fence; flagged with the fix, the round trip still recovers', async () => {
    const { rows, table } = await doctorOn({
      respond: always({ content: 'Sure! Here it is:\n```json\n{"ok": true, "sum": 5}\n```' }),
    })
    expect(row(rows, 'coder', 'json mode')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^JSON mode ignored: the answer needed fenced/),
      fix: expect.stringContaining('Ollama'),
    })
    expect(row(rows, 'coder', 'round trip')?.status).toBe('ok')
    const prose = await doctorOn({ respond: always({ content: 'The sum of 2 and 3 is 5.' }) })
    expect(row(prose.rows, 'planner', 'json mode')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('response_format json_object'),
    })
    expect(row(prose.rows, 'planner', 'round trip')?.status).toBe('fail')
    expect(table).toContain('| coder | ollama:qwen2.5-coder:7b | json mode | WARN |')
  })

  it('a context too small: the model reads 2048 tokens — fails naming the model size needed; a window over it warns with the contextWindow to set', async () => {
    const small = await doctorOn({ ollama: { contextLength: 2048 } })
    expect(row(small.rows, 'coder', 'context')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('reads at most 2048 tokens'),
      fix: expect.stringContaining('8192 tokens or more'),
    })
    expect(small.table).toMatch(/1 check\(s\) failed/)
    const mid = await doctorOn({ ollama: { contextLength: 16384 } })
    expect(row(mid.rows, 'coder', 'context')).toMatchObject({
      status: 'warn',
      fix: 'set contextWindow: 16384 for this role, so prompts are packed to fit instead of cut',
    })
  })
})
