import { createRequire } from 'node:module'

import globals from 'globals'
import knownCssProperties from 'known-css-properties'

import type { WorkletKind } from './js-facts.js'

/**
 * Names the platform provides, from maintained lists (the `globals` package used by ESLint
 * and `known-css-properties` used by stylelint) rather than hand-typed ones, so new browser
 * APIs arrive with a dependency update. Built once at import; frozen, never mutated.
 */

/** ECMAScript built-ins plus everything a browser window offers. */
export const BROWSER_GLOBALS: ReadonlySet<string> = new Set([
  ...Object.keys(globals.builtin),
  ...Object.keys(globals.browser),
])

/**
 * A script no page loads may run in a worker or service worker (`new Worker('x.js')`,
 * `navigator.serviceWorker.register('sw.js')`), so its globals are the union of all three.
 */
export const ANY_SCRIPT_GLOBALS: ReadonlySet<string> = new Set([
  ...BROWSER_GLOBALS,
  ...Object.keys(globals.worker),
  ...Object.keys(globals.serviceworker),
  ...Object.keys(globals.sharedWorker),
])

/**
 * A worklet's global scope is small and its own (`registerPaint` in a paint worklet,
 * `registerProcessor` in an audio worklet); the `globals` package lists the paint and audio
 * ones. Animation and layout worklets have no list: they get the union.
 */
const PAINT_WORKLET = [...Object.keys(globals.builtin), ...Object.keys(globals.paintWorklet)]
const AUDIO_WORKLET = [...Object.keys(globals.builtin), ...Object.keys(globals.audioWorklet)]
export const WORKLET_GLOBALS: Readonly<Record<WorkletKind, ReadonlySet<string>>> = Object.freeze({
  paint: new Set(PAINT_WORKLET),
  audio: new Set(AUDIO_WORKLET),
  animation: new Set([...PAINT_WORKLET, ...AUDIO_WORKLET]),
  layout: new Set([...PAINT_WORKLET, ...AUDIO_WORKLET]),
})

/**
 * CSS properties from two maintained lists: `known-css-properties` (stylelint) and MDN's
 * `mdn-data`, which lists new properties sooner (`corner-shape`, `interest-delay`) and keeps
 * experimental and legacy ones (`masonry-auto-flow`, the unprefixed twin of `-webkit-box-align`)
 * that real sites still write (#13). A name in neither is not CSS in any browser.
 */
const mdnProperties = createRequire(import.meta.url)('mdn-data/css/properties.json') as Record<string, unknown>
export const CSS_PROPERTIES: ReadonlySet<string> = new Set([...knownCssProperties.all, ...Object.keys(mdnProperties)])

/**
 * Vendor-prefixed platform names (`webkitSpeechRecognition`, `mozRequestAnimationFrame`,
 * `MSStream`) exist in some browsers only and are absent from the lists above; code reads
 * them as fallbacks (`window.SpeechRecognition || webkitSpeechRecognition`), so a read is
 * never reported — the same courtesy vendor-prefixed CSS properties get (#13).
 */
export function isVendorPrefixed(name: string): boolean {
  return /^(webkit|moz|ms)[A-Z]\w*$|^(WebKit|Moz|MS)[A-Z]\w*$/.test(name)
}

/**
 * Inline handlers run inside `with (document) with (form) with (element)` scopes (HTML
 * spec, "getting the current value of the event handler"), so a handler may call these
 * bare. No maintained list of DOM members exists in our dependencies; this short list
 * holds the methods a handler plausibly calls that are not also window globals.
 */
export const HANDLER_SCOPE_METHODS: ReadonlySet<string> = new Set([
  'submit',
  'reset',
  'requestSubmit',
  'click',
  'select',
  'remove',
  'showModal',
  'show',
  'play',
  'pause',
  'load',
  'scrollIntoView',
  'reportValidity',
  'checkValidity',
  'setCustomValidity',
  'toggleAttribute',
  'setAttribute',
  'getAttribute',
  'removeAttribute',
  'querySelector',
  'querySelectorAll',
  'getElementById',
  'getElementsByClassName',
  'getElementsByTagName',
  'closest',
  'matches',
  'append',
  'prepend',
  'replaceWith',
  'before',
  'after',
  'animate',
  'stepUp',
  'stepDown',
  'setSelectionRange',
  'showPicker',
  'write',
  'writeln',
  'createElement',
  'requestFullscreen',
  'insertAdjacentHTML',
  'showPopover',
  'hidePopover',
  'togglePopover',
])
