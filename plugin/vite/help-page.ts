import type { ResolvedOptions } from '../options.js'

/**
 * The page `vite` serves while there is no site to show (issue #14): before, the first run
 * failed (no keys, no Ollama) and the browser got a blank 404 with the reason only in the
 * terminal. It says why, and what to set for each role. It loads Vite's client, so the
 * reload after a later successful run brings the site up.
 */
export function helpPage(input: {
  reason: string
  options: Pick<ResolvedOptions, 'planner' | 'coder' | 'cacheMode'>
}): string {
  const { planner, coder } = input.options
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const role = (name: string, m: ResolvedOptions['planner']) =>
    m.provider === 'openai'
      ? `<li><b>${name}</b> (openai <code>${esc(m.model)}</code>): set <code>OPENAI_API_KEY</code>, or <code>OPENAI_BASE_URL</code> ` +
        `to an OpenAI-compatible server${m.baseURL ? ` (this config sets <code>baseURL</code> ${esc(m.baseURL)})` : ''}.</li>`
      : `<li><b>${name}</b> (ollama <code>${esc(m.model)}</code>): start Ollama with that model, ` +
        `and set <code>OLLAMA_HOST</code> if it is not at http://127.0.0.1:11434${m.baseURL ? ` (this config sets <code>baseURL</code> ${esc(m.baseURL)})` : ''}.</li>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sitesmith: no site yet</title>
<script type="module" src="/@vite/client"></script>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  pre { white-space: pre-wrap; background: #f6f3ee; padding: 1rem; border-radius: 6px; }
  code { background: #f6f3ee; padding: 0 .2em; }
</style>
</head>
<body>
<main id="sitesmith-help">
<h1>No site yet</h1>
<p>sitesmith could not make the site from your spec, so there is nothing to show here yet:</p>
<pre>${esc(input.reason)}</pre>
<h2>What to set</h2>
<ul>
${role('Planner', planner)}
${role('Coder', coder)}
<li>Or replay a committed cache with no model at all: <code>SITESMITH_CACHE_MODE=frozen</code> \
(the cache is <code>${esc(input.options.cacheMode)}</code> now; a missing answer is then an error naming the task).</li>
</ul>
<p>Environment variables are read when the server starts: set them, then run <code>npm run dev</code> again. The terminal shows the same message.</p>
</main>
</body>
</html>
`
}
