import { parseArgs } from 'node:util'
import { resolveOptions } from '../options.js'
import type { Logger } from '../report/logger.js'
import { adoptSite } from '../adopt/adopt-site.js'
import { undoLastRun } from '../adopt/undo-run.js'
import { formatRunFailure } from '../report/run-summary.js'
import { loadSitesmithOptions } from './load-options.js'
import { siteDirArg, type CliIo } from './cli-io.js'

/**
 * `sitesmith adopt` and `sitesmith undo` (issue 17): maintaining a site a person wrote.
 * Exit status: 0 ok, 1 something was refused or failed, 2 usage error.
 */
export async function adoptCommand(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'draft-spec': { type: 'boolean' }, 'no-model': { type: 'boolean' } } })
  } catch (error) {
    io.stderr.write(`sitesmith adopt: ${(error as Error).message}\n`)
    return 2
  }
  const dir = siteDirArg('adopt', parsed.positionals, io)
  if (dir === null) return 2
  try {
    const loaded = await loadSitesmithOptions(dir)
    const options = resolveOptions(loaded.options, { root: dir, env: io.env })
    const result = await adoptSite({ options, logger: logger(io), env: io.env, draftSpec: parsed.values['draft-spec'], noModel: parsed.values['no-model'] })
    const out: string[] = []
    const by = (k: string) => result.adopted.filter((a) => a.by === k).length
    out.push(`adopted ${result.adopted.length} file(s) as yours (nothing in them was changed): ${by('model')} summarised by the model, ${by('cache')} from the cache, ${by('static')} static, ${by('unchanged')} already adopted`)
    for (const a of result.adopted) out.push(`  ${a.path}: ${a.summary}`)
    if (result.generated.length) out.push(`${result.generated.length} file(s) stay sitesmith's (generated, unchanged): ${result.generated.join(', ')}`)
    for (const s of result.skipped) out.push(`  not adopted: ${s.path} (${s.reason})`)
    if (result.modelUnavailable) out.push(`summaries are static where no model answered: ${result.modelUnavailable}`)
    if (result.specDrafted) out.push(`drafted ${result.specDrafted} (one section per page; nothing is regenerated from it — edit or add sections, then run sitesmith generate)`)
    if (result.specKept) out.push(result.specKept)
    out.push(`sitesmith changes your files only in chunks and only with the option editUserFiles: 'chunks' (sitesmith generate --edit-user-files); sitesmith undo restores them`)
    out.push(result.usage)
    io.stdout.write(out.join('\n') + '\n')
    return 0
  } catch (error) {
    io.stderr.write(formatRunFailure(error) + '\n')
    return 1
  }
}

export async function undoCommand(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: {} })
  } catch (error) {
    io.stderr.write(`sitesmith undo: ${(error as Error).message}\n`)
    return 2
  }
  const dir = siteDirArg('undo', parsed.positionals, io)
  if (dir === null) return 2
  try {
    const loaded = await loadSitesmithOptions(dir)
    const options = resolveOptions(loaded.options, { root: dir, env: io.env })
    const r = await undoLastRun(options)
    if (!r.run) {
      io.stdout.write('nothing to undo: no run changed a file of yours\n')
      return 0
    }
    const out = [`undo of run ${r.run}: ${r.restored.length} file(s) restored byte for byte${r.restored.length ? ` (${r.restored.join(', ')})` : ''}`]
    if (r.unchanged.length) out.push(`already as before: ${r.unchanged.join(', ')}`)
    for (const f of r.refused) out.push(`not restored: ${f.reason}`)
    io.stdout.write(out.join('\n') + '\n')
    return r.refused.length ? 1 : 0
  } catch (error) {
    io.stderr.write(formatRunFailure(error) + '\n')
    return 1
  }
}

function logger(io: CliIo): Logger {
  return { info: (m) => io.stdout.write(m + '\n'), warn: (m) => io.stderr.write(m + '\n'), error: (m) => io.stderr.write(m + '\n') }
}
