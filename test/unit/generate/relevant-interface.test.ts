import { describe, expect, it } from 'vitest'
import { generateMessages, relevantInterface, taskWords } from '../../../plugin/generate/generate-prompt.js'
import type { SpecSection } from '../../../plugin/spec/sections.js'
import type { FileInterface, Task } from '../../../plugin/store/artifact-schemas.js'

/**
 * On a large plan a page is told only the dependency names it uses (issue #16): the names its
 * instructions or spec sections mention, or the whole interface of a file it names by path.
 */

const shared: FileInterface = {
  ids: [],
  classes: [],
  globals: Array.from({ length: 300 }, (_, i) => `helper${i}`).concat(['toggleNav', 'openFilter']),
  exports: [],
  cssVars: [],
  links: [],
}
const section: SpecSection = {
  id: 'oak-tarn-page',
  heading: 'Oak Tarn page',
  level: 2,
  line: 1,
  text: '## Oak Tarn page\nA filter opens with openFilter.',
  hash: 'h',
}
const task: Task = {
  id: 'oak-tarn-page',
  action: 'create',
  path: 'oak-tarn.html',
  instructions: 'Page "Oak Tarn". The menu button calls toggleNav().',
  dependsOn: ['walks-js'],
  sections: ['oak-tarn-page'],
}

describe('relevant dependency interfaces', () => {
  const words = taskWords(task, new Map([[section.id, section]]))

  it('keeps only the names the task mentions, from its instructions and its sections', () => {
    expect(relevantInterface('js/walks.js', shared, words).globals).toEqual(['toggleNav', 'openFilter'])
  })

  it('keeps the whole interface of a file the task names', () => {
    const naming = taskWords(
      { ...task, instructions: `${task.instructions} Load js/walks.js (defer).` },
      new Map([[section.id, section]]),
    )
    expect(relevantInterface('js/walks.js', shared, naming).globals).toHaveLength(302)
  })

  it('makes the page prompt small whatever the shared script defines', () => {
    const full = generateMessages({
      task,
      sections: [section],
      dependencies: [{ path: 'js/walks.js', summary: 's', interface: shared }],
    })
    const trimmed = generateMessages({
      task,
      sections: [section],
      dependencies: [{ path: 'js/walks.js', summary: 's', interface: relevantInterface('js/walks.js', shared, words) }],
    })
    expect(trimmed[1].content).toContain('"globals":["toggleNav","openFilter"]')
    expect(trimmed[1].content.length).toBeLessThan(full[1].content.length / 4)
  })
})
