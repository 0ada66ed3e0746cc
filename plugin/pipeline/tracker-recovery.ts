import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { extractInterface } from '../check/index.js'
import { ArtifactError, artifactPath, readTracker } from '../store/artifacts.js'
import type { FileTracker, TasksFile } from '../store/artifact-schemas.js'
import { sha256 } from '../store/atomic-write.js'
import type { FileBlobs } from '../store/file-blobs.js'

/**
 * The file tracker, rebuilt when it is missing or corrupt (#12). Without it every generated
 * file would count as a person's and every task would refuse to touch it — forever. The
 * cache holds the bytes of every file sitesmith wrote, by hash: a planned file whose bytes
 * on disk match such a blob is sitesmith's (it cannot be a person's edit — those bytes came
 * from sitesmith). Anything else stays a user file. A corrupt tracker is kept beside it.
 */
export async function loadTracker(input: {
  siteDir: string
  previous: TasksFile
  blobs: FileBlobs
  coderId: string
  warn(message: string): void
}): Promise<FileTracker> {
  const file = artifactPath(input.siteDir, 'tracker')
  let why: string
  try {
    const tracker = await readTracker(input.siteDir)
    if (existsSync(file) || input.previous.tasks.length === 0) return tracker
    why = '.sitesmith/file_tracker.json is missing'
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error
    const backup = `${file}.corrupt`
    copyFileSync(file, backup)
    why = `.sitesmith/file_tracker.json is corrupt (${error.message.split('\n')[0]}; kept as .sitesmith/file_tracker.json.corrupt)`
  }
  const files: FileTracker['files'] = {}
  const theirs: string[] = []
  const seen = new Set<string>()
  for (const task of input.previous.tasks) {
    if (task.action === 'delete' || seen.has(task.path)) continue
    seen.add(task.path)
    const abs = join(input.siteDir, task.path)
    if (!existsSync(abs)) continue
    const bytes = readFileSync(abs)
    const hash = sha256(bytes)
    const content = await input.blobs.get(hash)
    if (content === undefined) {
      theirs.push(task.path)
      continue
    }
    files[task.path] = {
      hash,
      summary: task.instructions.split('\n')[0].slice(0, 160),
      interface: extractInterface(task.path, content),
      // The task inputs that made these bytes are not known any more: the next generation
      // step re-derives them (from the cache, without a model call when it holds the answer).
      generatedBy: { taskId: task.id, taskKey: 'rebuilt', stage: 'generate', model: input.coderId },
      updatedAt: new Date().toISOString(),
    }
  }
  const ours = Object.keys(files).sort()
  input.warn(
    `${why}: rebuilt it from the cache — ${ours.length} file(s) recognised as sitesmith's by their bytes${ours.length ? ` (${ours.join(', ')})` : ''}` +
      `${theirs.length ? `; ${theirs.length} planned file(s) whose bytes the cache does not hold are treated as yours and kept: ${theirs.join(', ')}` : ''}`,
  )
  return { files }
}
