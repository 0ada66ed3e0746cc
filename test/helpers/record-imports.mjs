// Preload (`node --import`) that records every module URL the process resolves into the
// file named by SITESMITH_IMPORT_LOG: the startup test asserts what `sitesmith check`
// loads (issue #13).
import { register } from 'node:module'

register('./record-imports-hooks.mjs', import.meta.url)
