// The import rule of docs/ARCHITECTURE.md, checked by `npm run lint:deps` (and so by .ci/run):
// a folder of plugin/ may import only folders in LOWER layers, never one in its own layer or
// above, and no import cycle is allowed at all. Change the layers here and in the doc together.

/** Bottom to top. Folders in one inner array are one layer: they may not import each other. */
const LAYERS = [
  ['diagnostics'], // the one diagnostic type, code frames, line/column index, renderers
  ['llm'], // model clients, structured output, the ask / ask-until-accepted loop
  ['store'], // hashing, atomic writes, artifacts, the model cache, run log, lock
  ['analysis'], // parsing and facts of one file: parse5 / postcss / acorn, interfaces, ignore globs
  ['options.ts'], // the plugin's options and their frozen defaults
  ['edit'], // chunk edits: parse5 / postcss / acorn splices
  ['site-files'], // the one door to the user's files: site-file policy, path rules, gate, writer
  ['spec'],
  ['plan'],
  ['generate'],
  ['check'],
  ['review'],
  ['report'], // run summary, progress line, logger
  ['pipeline'], // one run: spec -> plan -> generate -> check -> review, lock, model session
  ['adopt'], // taking over an existing site (inventory, drafted spec, first run) and undoing a run
  ['vite', 'cli'], // the adapters
  ['index.ts', 'cli.ts'], // the package's entry points
]

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** `plugin/<name>/…` for a folder, exactly `plugin/<name>` for a root file. */
const pathOf = (name) => (name.endsWith('.ts') ? `^plugin/${esc(name)}$` : `^plugin/${esc(name)}/`)
const anyOf = (names) => `(${names.map(pathOf).join('|')})`

const layerRules = LAYERS.flatMap((layer, i) => {
  const notBelow = LAYERS.slice(i).flat()
  return layer.map((name) => ({
    name: `layer-order:${name}`,
    comment:
      `${name} may import only layers below it (docs/ARCHITECTURE.md): ` +
      `${LAYERS.slice(0, i).flat().join(', ') || 'none'}`,
    severity: 'error',
    from: { path: pathOf(name) },
    to: { path: anyOf(notBelow.filter((n) => n !== name)) },
  }))
})

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-cycle',
      comment: 'No import cycle between modules (and so none between folders).',
      severity: 'error',
      from: { path: '^plugin/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'No cycle between the folders of plugin/, however many files it passes through.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^plugin/[^/]+$' },
      to: { circular: true },
    },
    {
      name: 'unlayered',
      comment: 'Every file of plugin/ lives in a layer of docs/ARCHITECTURE.md: add new folders to LAYERS.',
      severity: 'error',
      from: { path: '^plugin/', pathNot: anyOf(LAYERS.flat()) },
      to: {},
    },
    {
      name: 'not-to-test',
      comment: 'Shipped code never imports test code.',
      severity: 'error',
      from: { path: '^plugin/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.d\\.ts$' },
    // Type-only imports count: a type import against the order is still a dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
