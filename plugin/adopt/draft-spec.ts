import { parse } from 'parse5'
import type { FileTracker } from '../store/artifact-schemas.js'

/**
 * `sitesmith adopt --draft-spec` (issue 17): a spec.md drafted from an existing site, one
 * section per page, for the person to edit. The sections describe what is there, so the
 * draft itself asks for no work: adopt records its section hashes as already planned, and
 * only sections the person adds or changes afterwards are planned.
 */
export function draftSpec(tracker: FileTracker, pages: Map<string, string>): string {
  const paths = [...pages.keys()].sort((a, b) =>
    a === 'index.html' ? -1 : b === 'index.html' ? 1 : a.localeCompare(b),
  )
  const siteTitle = (pages.has('index.html') && pageTitle(pages.get('index.html')!)) || 'My site'
  const out = [
    `# ${siteTitle}`,
    '',
    `<!-- Drafted by \`sitesmith adopt\` from the existing pages (nothing was regenerated). Edit or add sections; only what you change is planned. -->`,
    '',
  ]
  const used = new Set<string>()
  for (const path of paths) {
    const name = uniqueHeading(pageTitle(pages.get(path)!) || path.replace(/\.html?$/i, ''), used)
    out.push(`## ${name} page`, '', `The page \`${path}\`: ${tracker.files[path]?.summary ?? ''}`.trim(), '')
  }
  return out.join('\n')
}

function uniqueHeading(name: string, used: Set<string>): string {
  let n =
    name
      .replace(/[#\n]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\s+page$/i, '') || 'Untitled'
  for (let i = 2; used.has(n.toLowerCase()); i++) n = `${name} ${i}`
  used.add(n.toLowerCase())
  return n
}

function pageTitle(html: string): string | undefined {
  let found: string | undefined
  const walk = (node: { nodeName: string; childNodes?: unknown[]; value?: string }): void => {
    if (found) return
    if (node.nodeName === 'title' || node.nodeName === 'h1') {
      const t = (node.childNodes ?? [])
        .map((c) => (c as { value?: string }).value ?? '')
        .join('')
        .replace(/\s+/g, ' ')
        .trim()
      if (t) found = t.split(/\s[|–—-]\s/)[0].slice(0, 60)
    }
    for (const c of (node.childNodes ?? []) as { nodeName: string; childNodes?: unknown[] }[]) walk(c)
  }
  walk(parse(html))
  return found
}
