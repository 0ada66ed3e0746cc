/**
 * Issue #18: the visual review (`review.visual`, off by default). Screenshots of the pages a
 * run changed, at desktop and phone width, go to the planner with the page's spec sections;
 * what it sees becomes a fix through the same loop. The request log shows images only when
 * the option is on, and only for the pages the run changed.
 */
import { afterEach, expect, it } from 'vitest'

import { CodeReviewSchema } from '../../../plugin/store/artifact-schemas.js'
import { locateChunk } from '../../../plugin/edit/index.js'
import type { LoopbackRequest } from '../../loopback/types.js'
import { scriptedSite, stageOf } from '../../helpers/scripted-site.js'
import { createTempSite, type TempSite } from '../../helpers/temp-site.js'

const SPEC = `# Lantern Books

## Look and feel
Ink blue #22335c on cream.

## Behaviour
A menu button for phones, and the footer year.

## Home page
Second-hand books, bought and sold.

## About page
Two friends and ten thousand books.
`

let site: TempSite | undefined
afterEach(async () => {
  await site?.dispose()
  site = undefined
})

const withImages = (requests: LoopbackRequest[]) => requests.filter((r) => r.messages.some((m) => (m.images ?? 0) > 0))
const pageOf = (r: LoopbackRequest) => /^Page: (.+)$/m.exec(r.lastUserMessage)?.[1]

it('sends screenshots of changed pages only when review.visual is on, and fixes what it sees', async () => {
  const respond = scriptedSite({
    // What a vision model might say of the phone picture: the menu button's label says too little.
    visual: (req) =>
      pageOf(req) === 'about.html'
        ? {
            reviews: [
              {
                file: 'about.html',
                issues: [
                  {
                    severity: 'warning',
                    message: 'At phone width the only control reads "Menu"; say what it opens.',
                    fix: { target: 'header', instructions: '1. Change the button text to "Open menu".' },
                  },
                ],
              },
            ],
          }
        : { reviews: [] },
    fix: (req) => {
      const prompt = req.messages.find((m) => m.role === 'user')!.content
      const chunk = /^Chunk "header":\n([\s\S]*)$/m.exec(prompt)![1]
      return { edits: [{ target: 'header', replacement: chunk.replace('>Menu<', '>Open menu<') }] }
    },
  })
  site = await createTempSite({ spec: SPEC, respond })
  const visual = { review: { visual: true } }

  await site.run(visual)
  const first = withImages(site.server.requests)
  expect(first.map(pageOf).sort()).toEqual(['about.html', 'index.html'])
  for (const r of first) {
    expect(stageOf(r)).toBe('visual')
    expect(r.protocol, 'the planner (large model) looks at the pictures').toBe('openai')
    // Desktop and phone width, as OpenAI image parts.
    expect(r.messages.find((m) => m.images)?.images).toBe(2)
    type Part = { type?: string; image_url?: { url?: string } }
    const parts = (r.body.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? (m.content as Part[]) : []))
    for (const p of parts.filter((x) => x.type === 'image_url'))
      expect(p.image_url?.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    // With the page's own spec section.
    expect(r.lastUserMessage).toContain(
      pageOf(r) === 'about.html' ? 'Two friends and ten thousand books.' : 'Second-hand books, bought and sold.',
    )
  }
  // The visual issue went through the fix loop.
  const review = CodeReviewSchema.parse(JSON.parse(site.read('.sitesmith/code_review.json')))
  const issue = review.reviews
    .flatMap((r) => r.issues.map((i) => ({ file: r.file, ...i })))
    .find((i) => i.rule === 'visual')
  expect(issue).toMatchObject({ file: 'about.html', outcome: { status: 'fixed' } })
  expect(site.read('about.html')).toContain('>Open menu<')
  expect(locateChunk('about.html', site.read('about.html'), 'header').ok).toBe(true)

  // A one-section edit: only that page is pictured again.
  site.server.reset()
  site.write(
    'spec.md',
    site.read('spec.md').replace('Two friends and ten thousand books.', 'Two friends, ten thousand books and a cat.'),
  )
  await site.run(visual)
  expect(withImages(site.server.requests).map(pageOf)).toEqual(['about.html'])

  // Off (the default): no request carries an image.
  site.server.reset()
  site.write(
    'spec.md',
    site.read('spec.md').replace('Second-hand books, bought and sold.', 'Second-hand books, bought, sold and swapped.'),
  )
  await site.run()
  expect(site.server.requests.some((r) => stageOf(r) === 'review')).toBe(true)
  expect(withImages(site.server.requests)).toEqual([])
}, 180_000)
