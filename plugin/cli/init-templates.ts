/**
 * What `sitesmith init` writes (issue #14). Kept apart from the command so the README and
 * the tests can name the same text.
 */

export const SPEC_TEMPLATE = `# My site

<!--
  sitesmith turns this file into a website. Write it as you would brief a person.
  Each "## heading" is a section: editing one section redoes only the files that serve it.
  A section per page ("Home page", "About page"), plus how it should look and behave,
  works well. Save the file while \`npm run dev\` runs and the site follows.
-->

## Look and feel
Calm and readable: an off-white background, a dark green accent, a serif for headings.

## Behaviour
On phones the header menu folds into a button that opens and closes it.

## Home page
A short welcome that says what this site is for, with a link to the About page.

## About page
Who is behind the site and how to get in touch.
`

export const VITE_CONFIG_TEMPLATE = `import { defineConfig } from 'vite'
import sitesmith from 'vite-plugin-sitesmith'

// Credentials come from the environment only: OPENAI_API_KEY (and OPENAI_BASE_URL for an
// OpenAI-compatible server) for the planner, OLLAMA_HOST for the coder.
export default defineConfig({
  plugins: [
    sitesmith({
      spec: 'spec.md',
      planner: { provider: 'openai', model: 'gpt-4o-mini' },
      coder: { provider: 'ollama', model: 'qwen2.5-coder:7b' },
    }),
  ],
})
`

/** Per-machine files; sitesmith's own (run log, lock, screenshots) are ignored by `.sitesmith/.gitignore`. */
export const GITIGNORE_LINES = ['node_modules/', 'dist/', '.env', '.env.*'] as const

export const SCRIPTS = Object.freeze({ dev: 'vite', build: 'vite build', preview: 'vite preview' }) satisfies Readonly<
  Record<string, string>
>
