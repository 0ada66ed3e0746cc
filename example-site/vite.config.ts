import { defineConfig } from 'vite'
import sitesmith from 'vite-plugin-sitesmith'

// The site in this folder is generated from spec.md. Without model keys it is replayed
// from ../cache, whose answers were written by hand (see the README, "The example site").
export default defineConfig({
  plugins: [
    sitesmith({
      spec: 'spec.md',
      planner: { provider: 'openai', model: 'gpt-4o-mini' }, // any OpenAI-compatible baseURL
      coder: { provider: 'ollama', model: 'qwen2.5-coder:7b' }, // or openai for both roles
      cache: '../cache', // or a keyv store instance (Redis/Valkey for teams)
    }),
  ],
})
