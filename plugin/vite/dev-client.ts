/**
 * The browser half of the dev overlay (issue #14). Vite's own `error` message shows one
 * overlay on every page and stays until a reload; this module shows only the entry for the
 * page it runs on, with Vite's overlay element, and removes it as soon as the server says the
 * cause is gone. It asks for the current state when it connects, so a page opened later (or
 * reloaded) shows what is true now, once.
 */
export const CLIENT_PATH = '/@sitesmith/overlay.js'
export const STATE_EVENT = 'sitesmith:state'
export const HELLO_EVENT = 'sitesmith:hello'

export const CLIENT_CODE = `import { ErrorOverlay } from '/@vite/client'

const base = import.meta.env.BASE_URL || '/'
let page = decodeURI(location.pathname)
page = page.startsWith(base) ? page.slice(base.length) : page.replace(/^\\/+/, '')
if (page === '' || page.endsWith('/')) page += 'index.html'
else if (!/\\.[a-z0-9]+$/i.test(page)) page += '.html'

let shown = null
function clear() {
  if (shown) shown.remove()
  shown = null
}
function show(state) {
  // How many states this page has received: a test (or a person in devtools) can tell
  // "no overlay yet" from "no overlay because nothing is wrong".
  window.__sitesmithOverlayUpdates = (window.__sitesmithOverlayUpdates || 0) + 1
  const mine = state.pages[page]
  const parts = [state.all, mine].filter(Boolean)
  clear()
  if (parts.length === 0) return
  const err = { ...(mine || state.all), message: parts.map((p) => p.message).join('\\n\\n') }
  shown = new ErrorOverlay(err)
  shown.setAttribute('data-sitesmith', '')
  document.body.appendChild(shown)
}

if (import.meta.hot) {
  import.meta.hot.on(${JSON.stringify(STATE_EVENT)}, show)
  import.meta.hot.send(${JSON.stringify(HELLO_EVENT)}, { page })
}
`

/** The tag `transformIndexHtml` adds to every page in dev. */
export const CLIENT_TAG = { tag: 'script', attrs: { type: 'module', src: CLIENT_PATH }, injectTo: 'head' } as const
