// ESLint for plugin/, test/ and scripts/: typescript-eslint's type-aware recommended rules (#11).
// `npm run lint`. Rules switched off below say why on their own line; fix code rather than add one.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'example-site/dist/',
      'cache/',
      // Byte-exact inputs of the checks, broken on purpose.
      'test/fixtures/',
      'test/.tmp/',
      // Hand-written model answers, served as they are (the example cache, the eval references).
      'scripts/example-answers/',
      'test/eval-reference/',
      '.sitesmith/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Escaping terminal output and the site-file path policy match control characters on purpose.
      'no-control-regex': 'off',
      // An abort rejects with the signal's own reason (typed any), as the platform's APIs do.
      // A leading underscore names a value left out on purpose; `...rest` omits the named siblings.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // An async function keeps its contract (errors as rejections) when its body needs no await:
      // fakes of async interfaces in tests, a reader made synchronous for speed (#13).
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.stringContaining, …) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Plain JavaScript (configs, import-recording hooks) and the example site's config (it imports the
    // built package) are outside tsconfig.json: no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'example-site/vite.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
