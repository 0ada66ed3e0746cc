/** Public surface of the headless-browser runtime check (issue 6). */
export { runRuntimeCheck, type RuntimeCheckOptions, type RuntimeCheckResult } from './runtime-check.js'
export type { UncertainFinding, UncertainReason } from './page-check.js'
export { startStaticServer, contentTypeFor, type StaticServer } from './static-server.js'
export { siteFileForUrl } from './site-url.js'
export { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, defaultChromiumPath } from './chromium.js'
