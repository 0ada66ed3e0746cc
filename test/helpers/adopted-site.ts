import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { jsonReply, UnmatchedRequestError, type LoopbackRequest, type Reply } from '../loopback/server.js'
import { REPO } from './temp-site.js'

/**
 * The hand-written site of issue 17's tests (test/fixtures/adopt/tidewater: five pages, a
 * stylesheet, a script, an SVG, a README; index.html has CRLF line ends) and a scripted
 * model that answers what maintaining it asks: file summaries, a delta plan for a new FAQ
 * section (a new page plus a chunk update of the person's index.html navigation), the new
 * page, the navigation chunk, and an empty review.
 */
export const FIXTURE = join(REPO, 'test', 'fixtures', 'adopt', 'tidewater')

export function copyFixture(dir: string): void {
  cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !src.endsWith('.gitattributes') })
  rmSync(join(dir, 'spec.md'), { force: true })
}

/** Raw bytes of every file under dir except .sitesmith/ (and nothing else skipped). */
export function bytesOf(dir: string, skip: string[] = []): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.sitesmith') continue
      const p = join(d, name)
      const rel = relative(dir, p).split(sep).join('/')
      if (skip.includes(rel)) continue
      if (statSync(p).isDirectory()) walk(p)
      else out.set(rel, readFileSync(p))
    }
  }
  walk(dir)
  return out
}

export const FAQ_SECTION = `
## FAQ page
Answers for new rowers: what to wear, whether you need to swim, and how the first month works. Linked from the main menu.
`

export interface MaintainScript {
  /** Called when the update of a chunk is asked (before answering): lets a test edit the file by hand mid-flight. */
  onUpdate?: (req: LoopbackRequest) => void
  /** Replaces the scripted navigation chunk answer (the chunk as sent → the replacement). */
  update?: (chunk: string) => string
  review?: (req: LoopbackRequest) => unknown
  fix?: (req: LoopbackRequest) => unknown
}

export function maintainModel(opts: MaintainScript = {}): (req: LoopbackRequest) => Reply {
  return (req) => {
    const system = req.messages.find((m) => m.role === 'system')?.content ?? ''
    const user = req.messages.find((m) => m.role === 'user')?.content ?? ''
    if (system.startsWith('You summarise')) {
      const path = /^File: (.+)$/m.exec(user)?.[1] ?? '?'
      const title = /<title>([^<|]+)/.exec(user)?.[1]?.trim()
      return jsonReply({
        summary: title
          ? `The ${title} page of the Tidewater Rowing Club, with the shared #site-nav menu.`
          : `${path}: shared by every page.`,
      })
    }
    if (system.startsWith('You plan')) {
      if (!user.includes("(the person's)"))
        throw new UnmatchedRequestError("the plan request does not say which files are the person's")
      return jsonReply({
        tasks: [
          {
            id: 'faq-page',
            action: 'create',
            path: 'faq.html',
            instructions:
              'The FAQ page: what to wear, swimming, the first month. Same masthead and #site-nav as index.html, with a FAQ link.',
            dependsOn: [],
            sections: ['faq-page'],
          },
          {
            id: 'home-nav',
            action: 'update',
            path: 'index.html',
            target: '#site-nav',
            instructions: 'Add <li><a href="faq.html">FAQ</a></li> after the Join link.',
            dependsOn: [],
            sections: ['faq-page'],
          },
        ],
      })
    }
    if (system.startsWith('You write one file'))
      return jsonReply({ content: FAQ_PAGE, summary: 'The FAQ page for new rowers.' })
    if (system.startsWith('You change one part')) {
      opts.onUpdate?.(req)
      const chunk = /replace exactly this\):\n([\s\S]*)$/.exec(user)?.[1]
      if (!chunk) throw new UnmatchedRequestError('update request without a chunk')
      if (opts.update) return jsonReply({ replacement: opts.update(chunk), summary: 'Home page.' })
      return jsonReply({
        replacement: chunk.replace(
          /(<li><a href="join\.html">Join<\/a><\/li>)(\r?\n)(\s*)/,
          '$1$2$3<li><a href="faq.html">FAQ</a></li>$2$3',
        ),
        summary: 'Home page; the menu links the FAQ.',
      })
    }
    if (system.startsWith('You review')) return jsonReply(opts.review ? opts.review(req) : { reviews: [] })
    if (system.startsWith('You fix') && opts.fix) return jsonReply(opts.fix(req))
    throw new UnmatchedRequestError(`maintain model: nothing scripted for ${JSON.stringify(system.slice(0, 40))}`)
  }
}

const FAQ_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>FAQ | Tidewater Rowing Club</title>
  <link rel="stylesheet" href="css/site.css">
  <script src="js/nav.js" defer></script>
</head>
<body>
  <header class="masthead">
    <nav id="site-nav" aria-label="Main">
      <ul>
        <li><a href="index.html">Home</a></li>
        <li><a href="join.html">Join</a></li>
        <li><a href="faq.html">FAQ</a></li>
      </ul>
    </nav>
    <button type="button" id="nav-toggle" aria-controls="site-nav" aria-expanded="false">Menu</button>
  </header>
  <main>
    <h1>Questions new rowers ask</h1>
    <p>Wear close-fitting sports clothes. You need to be able to swim 50 metres. The first month is free.</p>
  </main>
</body>
</html>
`
