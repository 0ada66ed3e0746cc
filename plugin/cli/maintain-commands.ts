import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { resolveOptions, type CacheMode } from '../options.js'
import { sitesmithDir } from '../store/artifacts.js'
import { changedSinceLastRun, changedSinceRef, namedFiles, ReviewUsageError } from '../adopt/changed-files.js'
import { reviewChanges } from '../adopt/review-changes.js'
import type { Logger } from '../report/logger.js'
import { adoptSite } from '../adopt/adopt-site.js'
import { undoLastRun } from '../adopt/undo-run.js'
import { formatRunFailure } from '../report/run-summary.js'
import { loadSitesmithOptions } from './load-options.js'
import { siteDirArg, type CliIo } from './cli-io.js'
import { diagnosticLine } from '../diagnostics/render-text.js'

/**
 * `sitesmith adopt` and `sitesmith undo` (issue 17): maintaining a site a person wrote.
 * Exit status: 0 ok, 1 something was refused or failed, 2 usage error.
 */
export async function adoptCommand(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { 'draft-spec': { type: 'boolean' }, 'no-model': { type: 'boolean' } },
    })
  } catch (error) {
    io.stderr.write(`sitesmith adopt: ${(error as Error).message}\n`)
    return 2
  }
  const dir = siteDirArg('adopt', parsed.positionals, io)
  if (dir === null) return 2
  try {
    const loaded = await loadSitesmithOptions(dir)
    const options = resolveOptions(loaded.options, { root: dir, env: io.env })
    const result = await adoptSite({
      options,
      logger: logger(io),
      env: io.env,
      draftSpec: parsed.values['draft-spec'],
      noModel: parsed.values['no-model'],
    })
    const out: string[] = []
    const by = (k: string) => result.adopted.filter((a) => a.by === k).length
    out.push(
      `adopted ${result.adopted.length} file(s) as yours (nothing in them was changed): ` +
        `${by('model')} summarised by the model, ${by('cache')} from the cache, ` +
        `${by('static')} static, ${by('unchanged')} already adopted`,
    )
    for (const a of result.adopted) out.push(`  ${a.path}: ${a.summary}`)
    if (result.generated.length)
      out.push(
        `${result.generated.length} file(s) stay sitesmith's (generated, unchanged): ${result.generated.join(', ')}`,
      )
    for (const s of result.skipped) out.push(`  not adopted: ${s.path} (${s.reason})`)
    if (result.modelUnavailable) out.push(`summaries are static where no model answered: ${result.modelUnavailable}`)
    if (result.specDrafted)
      out.push(
        `drafted ${result.specDrafted} (one section per page; nothing is regenerated from it — edit or add sections, then run sitesmith generate)`,
      )
    if (result.specKept) out.push(result.specKept)
    out.push(
      `sitesmith changes your files only in chunks and only with the option editUserFiles: 'chunks' (sitesmith generate --edit-user-files); sitesmith undo restores them`,
    )
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
    const out = [
      `undo of run ${r.run}: ${r.restored.length} file(s) restored byte for byte${r.restored.length ? ` (${r.restored.join(', ')})` : ''}`,
    ]
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
  return {
    info: (m) => io.stdout.write(m + '\n'),
    warn: (m) => io.stderr.write(m + '\n'),
    error: (m) => io.stderr.write(m + '\n'),
  }
}

/**
 * `sitesmith review [dir] [--since <ref> | <files…>] [--apply]`: the checks and the large
 * model's review of the files a person changed; fixes printed as a unified diff, written as
 * chunk edits with --apply. Exit 1 while error findings or unapplied fixes remain.
 */
export async function reviewCommand(args: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        apply: { type: 'boolean' },
        'no-runtime': { type: 'boolean' },
        'cache-mode': { type: 'string' },
      },
    })
  } catch (error) {
    io.stderr.write(`sitesmith review: ${(error as Error).message}\n`)
    return 2
  }
  // A first positional that is a directory is the project (as for the other commands); the rest are files.
  const [first, ...others] = parsed.positionals
  const firstIsDir =
    first !== undefined && existsSync(resolve(io.cwd, first)) && statSync(resolve(io.cwd, first)).isDirectory()
  const dir = siteDirArg('review', firstIsDir ? [first] : [], io)
  if (dir === null) return 2
  const names = firstIsDir ? others : parsed.positionals
  if (parsed.values.since !== undefined && names.length) {
    io.stderr.write('sitesmith review: give --since <ref> or files, not both\n')
    return 2
  }
  try {
    const loaded = await loadSitesmithOptions(dir)
    const mode = parsed.values['cache-mode']
    const options = resolveOptions(
      {
        ...loaded.options,
        ...(parsed.values['no-runtime'] ? { runtimeCheck: { ...loaded.options.runtimeCheck, enabled: false } } : {}),
        ...(mode ? { cacheMode: mode as CacheMode } : {}),
      },
      { root: dir, env: mode ? { ...io.env, SITESMITH_CACHE_MODE: mode } : io.env },
    )
    const guarded = [
      options.specPath,
      sitesmithDir(options.siteDir),
      ...(typeof options.cache === 'string' ? [options.cache] : []),
    ]
    const picked =
      parsed.values.since !== undefined
        ? changedSinceRef(options.siteDir, parsed.values.since, guarded)
        : names.length
          ? namedFiles(options.siteDir, io.cwd, names, guarded)
          : changedSinceLastRun(options.siteDir, guarded)
    const out: string[] = [
      `reviewing ${picked.files.length} file(s) ${picked.how}${picked.files.length ? `: ${picked.files.join(', ')}` : ''}`,
    ]
    for (const s of picked.skipped) out.push(`  not reviewed: ${s.path} (${s.reason})`)
    io.stdout.write(out.join('\n') + '\n')
    const r = await reviewChanges({
      options,
      logger: logger(io),
      env: io.env,
      files: picked.files,
      apply: !!parsed.values.apply,
    })
    const lines: string[] = []
    for (const f of r.findings) lines.push(`${f.severity} ${diagnosticLine(f, { severity: false })}`)
    for (const rev of r.review.reviews)
      for (const i of rev.issues)
        lines.push(
          `${rev.file} [${i.fix.target}]: ${i.message}${i.outcome ? ` — ${i.outcome.status}${i.outcome.reason ? ` (${i.outcome.reason})` : ''}` : ''}`,
        )
    if (r.diff)
      lines.push(
        parsed.values.apply
          ? `applied as chunk edits (sitesmith undo restores your files):`
          : 'fixes offered (run again with --apply to write them as chunk edits, or pipe this to git apply):',
        r.diff.trimEnd(),
      )
    lines.push(`results in .sitesmith/code_review.json; ${r.usage}`)
    io.stdout.write(lines.join('\n') + '\n')
    const pending = !parsed.values.apply && r.diff !== ''
    return pending || r.findings.some((f) => f.severity === 'error') ? 1 : 0
  } catch (error) {
    if (error instanceof ReviewUsageError) {
      io.stderr.write(`sitesmith review: ${error.message}\n`)
      return 2
    }
    io.stderr.write(formatRunFailure(error) + '\n')
    return 1
  }
}
