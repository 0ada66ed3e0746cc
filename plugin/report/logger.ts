/**
 * Where sitesmith's lines go. The Vite plugin passes Vite's logger (so output sits with
 * Vite's own, respects `logLevel`, and `clearScreen` rules); the CLI passes the console.
 */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export const consoleLogger: Logger = Object.freeze({
  info: (m: string) => process.stdout.write(m + '\n'),
  warn: (m: string) => process.stderr.write(m + '\n'),
  error: (m: string) => process.stderr.write(m + '\n'),
})

export const silentLogger: Logger = Object.freeze({ info() {}, warn() {}, error() {} })
