#!/usr/bin/env node
import { runCli } from './cli/run-cli.js'

// The bin only sets the exit code; it never calls process.exit, so output is flushed and
// in-flight writes finish (see vite-plugin-checker's "build hangs / exits early" issues).
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`sitesmith: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
