#!/usr/bin/env node
import type { CliIo } from './cli/run-cli.js'

const argv = process.argv.slice(2)
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }

// `check` goes straight to the checker: the other commands' modules (model clients, Vite,
// the pipeline) are never loaded, so the linter starts in a fraction of a second (#13).
const run =
  argv[0] === 'check'
    ? import('./check/command.js').then((m) => m.checkCommand(argv.slice(1), io))
    : import('./cli/run-cli.js').then((m) => m.runCli(argv, io))

// The bin only sets the exit code; it never calls process.exit, so output is flushed and
// in-flight writes finish (see vite-plugin-checker's "build hangs / exits early" issues).
run.then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`sitesmith: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
