import { UnmatchedRequestError, jsonReply, type LoopbackRequest, type Reply } from '../loopback/server.js'

/**
 * A scripted "model" for whole-pipeline tests: it reads what sitesmith asks (the same
 * prompts a real model gets) and answers like a competent model would — a plan derived from
 * the spec's sections, then a complete page, stylesheet or script per task. It is
 * deterministic, so request logs can be asserted on; a section's text flows into the files
 * that serve it, so editing a section really changes those files.
 *
 * Conventions it understands (those of specs/*.md): a section titled "<Name> page" is a
 * page ("Home page" → index.html); "Look and feel" → css/style.css; "Behaviour" →
 * js/main.js; other sections (navigation, footer, intro) are served by every page.
 */
export type Stage =
  | 'plan'
  | 'plan-delta'
  | 'plan-repair'
  | 'plan-site'
  | 'plan-group'
  | 'generate'
  | 'update'
  | 'review'
  | 'visual'
  | 'fix'

export interface ScriptedSiteOptions {
  /** Rewrite a generated file (to seed defects). Called with the clean content. */
  mutate?: (path: string, content: string) => string
  /** Answer review requests (default: no issues). */
  review?: (req: LoopbackRequest) => unknown
  /** Answer visual-review requests (screenshots; default: nothing wrong). */
  visual?: (req: LoopbackRequest) => unknown
  /** Answer fix requests (default: unmatched → the test fails loudly). */
  fix?: (req: LoopbackRequest) => unknown
  /** Replace the whole answer for a stage (faults, malformed JSON…); return undefined for the default. */
  override?: (stage: Stage, req: LoopbackRequest) => Reply | undefined
}

export function stageOf(req: LoopbackRequest): Stage {
  const system = req.messages.find((m) => m.role === 'system')?.content ?? ''
  const user = req.messages.filter((m) => m.role === 'user')
  // Sharded plans (issue #16); their repair turns are answered like first asks.
  if (system.startsWith('You plan a large static website')) return 'plan-site'
  if (system.startsWith('You plan the pages of one group')) return 'plan-group'
  if (system.startsWith('You plan')) {
    if (user.length > 1) return 'plan-repair'
    return user[0]?.content.startsWith('The spec changed') ? 'plan-delta' : 'plan'
  }
  if (system.startsWith('You write one file')) return 'generate'
  if (system.startsWith('You change one part')) return 'update'
  if (system.startsWith('You review')) return 'review'
  if (system.startsWith('You look at screenshots')) return 'visual'
  if (system.startsWith('You fix')) return 'fix'
  throw new UnmatchedRequestError(
    `scripted site: unknown stage for system prompt ${JSON.stringify(system.slice(0, 60))}`,
  )
}

/** `Task: x` / `File: y` of a generate/update request. */
export function taskOf(req: LoopbackRequest): { id: string; path: string } {
  const first = req.messages.find((m) => m.role === 'user')?.content ?? ''
  const id = /^Task: (.+)$/m.exec(first)?.[1]
  const path = /^File: (.+)$/m.exec(first)?.[1]
  if (!id || !path) throw new UnmatchedRequestError('scripted site: no Task/File header in the request')
  return { id, path }
}

export function scriptedSite(opts: ScriptedSiteOptions = {}): (req: LoopbackRequest) => Reply {
  return (req) => {
    const stage = stageOf(req)
    const custom = opts.override?.(stage, req)
    if (custom) return custom
    switch (stage) {
      case 'plan':
      case 'plan-repair':
        return jsonReply({
          tasks: planFromSections(parseSections(req.messages.find((m) => m.role === 'user')!.content)),
        })
      case 'plan-delta':
        return jsonReply({ tasks: deltaFromRequest(req.lastUserMessage) })
      case 'plan-site':
        return jsonReply(sitePlanFromSections(parseSections(req.messages.find((m) => m.role === 'user')!.content)))
      case 'plan-group':
        return jsonReply({ tasks: groupFromRequest(req.messages.find((m) => m.role === 'user')!.content) })
      case 'generate': {
        const { id, path } = taskOf(req)
        const content = fileFor(path, req.messages.find((m) => m.role === 'user')!.content)
        return jsonReply({ content: opts.mutate ? opts.mutate(path, content) : content, summary: summaryFor(id, path) })
      }
      case 'review':
        return jsonReply(opts.review ? opts.review(req) : { reviews: [] })
      case 'visual':
        return jsonReply(opts.visual ? opts.visual(req) : { reviews: [] })
      case 'fix':
        if (!opts.fix) throw new UnmatchedRequestError('scripted site: a fix was requested but the test scripted none')
        return jsonReply(opts.fix(req))
      case 'update':
        throw new UnmatchedRequestError('scripted site: update requests are not scripted by default')
    }
  }
}

// ------------------------------------------------------------------ planning

interface Section {
  id: string
  heading: string
  body: string
}

/** Sections as formatted by plan-prompt.ts: `[id]\n## Heading\nbody`. */
export function parseSections(text: string): Section[] {
  const out: Section[] = []
  const re = /^\[([a-z0-9-]+)\]\n(?:#{1,6} (.+)\n?)?/gm
  const marks = [...text.matchAll(re)]
  marks.forEach((m, i) => {
    const end = i + 1 < marks.length ? marks[i + 1].index : text.length
    const body = text.slice(m.index + m[0].length, end).trim()
    out.push({
      id: m[1],
      heading: m[2] ?? '',
      body: body.split(/\n\n(?:Current|New sections|Removed sections|Changed sections)/)[0],
    })
  })
  return out
}

const slugOf = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

function pageOf(s: Section): { id: string; path: string; title: string } | null {
  const m = /^(.+?) page$/i.exec(s.heading.trim())
  if (!m) return null
  const slug = slugOf(m[1])
  return { id: `${slug}-page`, path: slug === 'home' ? 'index.html' : `${slug}.html`, title: m[1] }
}
const isStyle = (s: Section) => /look|style|design|colou?r|theme/i.test(s.heading)
const isBehaviour = (s: Section) => /behaviou?r|interact|script/i.test(s.heading)

export function planFromSections(sections: Section[]) {
  const pages = sections
    .map((s) => ({ s, p: pageOf(s) }))
    .filter((x): x is { s: Section; p: NonNullable<ReturnType<typeof pageOf>> } => x.p !== null)
  const shared = sections.filter((s) => !pageOf(s) && !isStyle(s) && !isBehaviour(s) && s.id !== 'preamble')
  const nav = pages.map((x) => `${x.p.path}=${x.p.title}`).join(', ')
  const tasks = [
    {
      id: 'style',
      action: 'create',
      path: 'css/style.css',
      instructions:
        'Shared stylesheet: custom properties --brand, --text, --bg on :root; classes site-header, site-nav, nav-toggle, hero, card, site-footer.',
      dependsOn: [],
      sections: sections.filter(isStyle).map((s) => s.id),
    },
    {
      id: 'main-js',
      action: 'create',
      path: 'js/main.js',
      instructions:
        'Classic script: global function toggleNav() toggling class "open" on #site-nav; sets the year in #year when present.',
      dependsOn: [],
      sections: sections.filter(isBehaviour).map((s) => s.id),
    },
    ...pages.map(({ s, p }) => ({
      id: p.id,
      action: 'create',
      path: p.path,
      instructions: `Page "${p.title}". Nav: ${nav}. Load css/style.css and js/main.js (defer).`,
      dependsOn: ['style', 'main-js'],
      sections: [s.id, ...shared.map((x) => x.id)],
    })),
  ]
  return tasks
}

/** The site plan of a sharded plan: the shared files of planFromSections and its pages as a list. */
export function sitePlanFromSections(sections: Section[]) {
  const tasks = planFromSections(sections)
  const shared = tasks.filter((t) => !t.path.endsWith('.html'))
  const pages = tasks
    .filter((t) => t.path.endsWith('.html'))
    .map((t) => {
      const title = /Page "([^"]+)"/.exec(t.instructions)![1]
      return { path: t.path, title, purpose: `The ${title} page.`, sections: t.sections }
    })
  return { shared, pages }
}

/**
 * A group's page tasks. The navigation of a page lists the home page and the pages of its
 * group (a hub per group, as large sites do), so pages stay small.
 */
function groupFromRequest(text: string) {
  const listed = text.split('Plan these pages')[1].split('\n\nSpec:')[0]
  const mine = [...listed.matchAll(/^- (\S+): (.+?) \(sections \[([^\]]*)\]\)/gm)].map((m) => ({
    path: m[1],
    title: m[2],
    sections: m[3].split(', ').filter(Boolean),
  }))
  const home = /^- (index\.html): ([^—\n]+?)(?: —|$)/m.exec(text)
  const homeLink = home && !mine.some((p) => p.path === 'index.html') ? [{ path: home[1], title: home[2].trim() }] : []
  const hub = [...homeLink, ...mine]
  const nav = hub.map((p) => `${p.path}=${p.title}`).join(', ')
  return mine.map((p) => ({
    id: `${slugOf(p.path.replace(/\.html$/, ''))}-page`,
    action: 'create',
    path: p.path,
    instructions: `Page "${p.title}". Nav: ${nav}. Load css/style.css and js/main.js (defer).`,
    dependsOn: ['style', 'main-js'],
    sections: p.sections,
  }))
}

function deltaFromRequest(text: string) {
  const changed = text.includes('Changed sections (new text):')
    ? parseSections(text.split('Changed sections (new text):')[1].split('\n\nNew sections:')[0])
    : []
  const added = text.includes('New sections:')
    ? parseSections(text.split('New sections:')[1].split('\n\nRemoved sections:')[0])
    : []
  const current = [...text.matchAll(/^- ([\w.-]+): (create|update) (\S+); sections \[([^\]]*)\]/gm)].map((m) => ({
    id: m[1],
    path: m[3],
    sections: m[4].split(', ').filter(Boolean),
  }))
  // Every section the site has now, to rebuild the nav and the shared sections list.
  const known = new Map<string, Section>()
  for (const t of current) for (const id of t.sections) known.set(id, { id, heading: '', body: '' })
  for (const s of [...changed, ...added]) known.set(s.id, s)
  const full = planFromSections(
    [...known.values()].map((s) => (s.heading ? s : { ...s, heading: headingFromId(s.id, current) })),
  )
  const touched = new Set([...changed, ...added].map((s) => s.id))
  return full.filter(
    (t) =>
      t.sections.some((s) => touched.has(s)) &&
      (t.path.endsWith('.css') || t.path.endsWith('.js') || pageSectionTouched(t, touched)),
  )
}

function pageSectionTouched(task: { sections: string[] }, touched: Set<string>): boolean {
  // A page is re-planned when its own section changed (the first one), not a shared one.
  return touched.has(task.sections[0])
}

function headingFromId(id: string, current: { path: string; sections: string[] }[]): string {
  const task = current.find((t) => t.sections[0] === id && t.path.endsWith('.html'))
  if (task) {
    const name = task.path === 'index.html' ? 'Home' : task.path.replace(/\.html$/, '').replace(/-/g, ' ')
    return `${name} page`
  }
  if (current.some((t) => t.path === 'css/style.css' && t.sections.includes(id))) return 'Look and feel'
  if (current.some((t) => t.path === 'js/main.js' && t.sections.includes(id))) return 'Behaviour'
  return id
}

// ------------------------------------------------------------------ files

function summaryFor(id: string, path: string): string {
  if (path.endsWith('.css'))
    return 'Shared stylesheet: layout, header/nav, hero, cards, footer; colours as custom properties.'
  if (path.endsWith('.js')) return 'Shared classic script: global toggleNav() for the mobile menu and the footer year.'
  return `The ${id.replace(/-page$/, '')} page.`
}

function specBody(prompt: string): string {
  const spec = prompt.split('\nSpec:\n')[1]?.split('\n\nFiles this one depends on:')[0] ?? ''
  return spec
    .split('\n')
    .filter((l) => l && !/^\[[a-z0-9-]+\]$/.test(l))
    .join('\n')
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function fileFor(path: string, prompt: string): string {
  const body = specBody(prompt)
  if (path.endsWith('.json'))
    return `${JSON.stringify({ today: '8:00–17:00', note: body.split('\n')[0] ?? '' }, null, 2)}\n`
  if (path.endsWith('.css')) {
    // The last colour the section names wins, so an edit like "use #b5532a instead" shows.
    const colour = [...body.matchAll(/#[0-9a-f]{6}\b/gi)].pop()?.[0] ?? '#2f6f4e'
    return `/* ${esc(body.split('\n')[0] ?? '')} */
:root {
  --brand: ${colour};
  --text: #1d1d1f;
  --bg: #fbfaf7;
}
body { margin: 0; font-family: system-ui, sans-serif; color: var(--text); background: var(--bg); }
.site-header { display: flex; justify-content: space-between; align-items: center; padding: 1rem 2rem; background: var(--brand); }
.site-nav a { color: #fff; margin-right: 1rem; text-decoration: none; }
.site-nav.open { display: block; }
.nav-toggle { display: none; }
.hero { padding: 3rem 2rem; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1rem; }
.site-footer { padding: 2rem; border-top: 1px solid #ddd; }
@media (max-width: 600px) {
  .nav-toggle { display: inline-block; }
  .site-nav { display: none; }
}
`
  }
  if (path.endsWith('.js')) {
    return `// ${body.split('\n')[0] ?? ''}
function toggleNav() {
  const nav = document.getElementById('site-nav')
  if (nav) nav.classList.toggle('open')
}

function setYear() {
  const year = String(new Date().getFullYear())
  const el = document.getElementById('year')
  if (el) el.textContent = year
}

document.addEventListener('DOMContentLoaded', setYear)
`
  }
  const title = /Page "([^"]+)"/.exec(prompt)?.[1] ?? path
  const nav = (/Nav: ([^\n]+?)\. Load/.exec(prompt)?.[1] ?? '')
    .split(', ')
    .filter(Boolean)
    .map((pair) => {
      const [href, label] = pair.split('=')
      return `      <a href="${href}"${href === path ? ' aria-current="page"' : ''}>${esc(label)}</a>`
    })
    .join('\n')
  const paragraphs = body
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => `      <p>${esc(l)}</p>`)
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)}</title>
  <link rel="stylesheet" href="css/style.css">
  <script src="js/main.js" defer></script>
</head>
<body>
  <header class="site-header">
    <button class="nav-toggle" type="button" onclick="toggleNav()">Menu</button>
    <nav id="site-nav" class="site-nav">
${nav}
    </nav>
  </header>
  <main>
    <section class="hero">
      <h1>${esc(title)}</h1>
${paragraphs}
    </section>
  </main>
  <footer class="site-footer">
    <p>&copy; <span id="year">2026</span></p>
  </footer>
</body>
</html>
`
}
