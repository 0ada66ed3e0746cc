import { afterEach, describe, expect, it } from 'vitest'
import { jsonReply } from '../../loopback/server.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'
import { parseSections, planFromSections, scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { TasksFileSchema } from '../../../plugin/store/artifact-schemas.js'

/**
 * #12 case 6: two sections with the same heading (or two emoji-only headings, which have no
 * slug) each serve their own page. Deleting the first deletes its page only; the other page
 * is neither deleted nor rewritten with the first one's text, and reordering costs nothing.
 */
let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const specWith = (first: string, second: string) => `# Harbour Bakery

## Home page
Fresh bread every morning.

## Look and feel
Warm colours.

${first}
Town shop: Monday to Friday, 8:00 to 18:00.

${second}
Harbour kiosk: weekends, 9:00 to 14:00.
`
const TOWN = (heading: string) => `${heading}\nTown shop: Monday to Friday, 8:00 to 18:00.\n\n`

/** The scripted plan, with the two look-alike sections each given a page of its own. */
function respond() {
  return scriptedSite({
    override: (stage, req) => {
      if (stage !== 'plan') return undefined
      const sections = parseSections(req.messages.find((m) => m.role === 'user')!.content)
      const town = sections.find((s) => s.body.startsWith('Town shop'))!
      const harbour = sections.find((s) => s.body.startsWith('Harbour kiosk'))!
      const rest = sections.filter((s) => s !== town && s !== harbour)
      const tasks = planFromSections(rest)
      const page = (id: string, path: string, title: string, section: string) => ({
        id,
        action: 'create',
        path,
        instructions: `Page "${title}". Nav: index.html=Home. Load css/style.css and js/main.js (defer).`,
        dependsOn: ['style', 'main-js'],
        sections: [section],
      })
      return jsonReply({
        tasks: [
          ...tasks,
          page('town-page', 'town.html', 'Town', town.id),
          page('harbour-page', 'harbour.html', 'Harbour', harbour.id),
        ],
      })
    },
  })
}

describe.each([
  ['two "## Opening hours"', '## Opening hours', '## Opening hours'],
  ['two emoji-only headings', '## 🕗', '## ⚓'],
])('section ids with %s (#12)', (_name, first, second) => {
  it('reordering costs no call; deleting the first deletes its page only and rewrites nothing', async () => {
    site = await createTempSite({ spec: specWith(first, second), respond: respond() })
    const created = await site.run({ review: { enabled: false } })
    expect(created.errors).toEqual([])
    expect(site.read('town.html')).toContain('Town shop')
    expect(site.read('harbour.html')).toContain('Harbour kiosk')
    const before = site.snapshot()
    const plan = TasksFileSchema.parse(JSON.parse(site.read('.sitesmith/tasks.json')))

    // The two sections swapped: the same sections, so no question and no byte changed.
    const spec = site.read('spec.md')
    site.write('spec.md', spec.replace(TOWN(first), '') + '\n' + TOWN(first).trimEnd() + '\n')
    site.server.reset()
    await site.run({ review: { enabled: false } })
    expect(site.server.requests.map(stageOf)).toEqual([])
    for (const [path, content] of before) if (path !== 'spec.md') expect(site.read(path), path).toBe(content)

    // The first one deleted: its page goes, the other page stays byte for byte.
    site.write('spec.md', spec.replace(TOWN(first), ''))
    site.server.reset()
    const removed = await site.run({ review: { enabled: false } })
    expect(site.server.requests.map(stageOf)).toEqual([])
    expect(removed.errors).toEqual([])
    expect(removed.changed).toEqual(['town.html'])
    expect(site.exists('town.html')).toBe(false)
    for (const [path, content] of before)
      if (path !== 'spec.md' && path !== 'town.html') expect(site.read(path), path).toBe(content)
    const after = TasksFileSchema.parse(JSON.parse(site.read('.sitesmith/tasks.json')))
    const harbourTask = after.tasks.find((t) => t.path === 'harbour.html')
    expect(harbourTask).toEqual(plan.tasks.find((t) => t.path === 'harbour.html'))
    expect(Object.keys(after.sectionHashes)).toContain(harbourTask?.sections[0])
  })
})
