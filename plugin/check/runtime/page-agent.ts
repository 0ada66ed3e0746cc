/**
 * The small script the runtime check puts into every page before the page's own scripts
 * run. It records which elements got event listeners (by wrapping
 * `EventTarget.prototype.addEventListener`), lists the elements worth triggering and
 * fires their events on request.
 *
 * It is kept as JavaScript source text on purpose: a TypeScript function handed to
 * Playwright is serialised after the test/build transform, which may inject helpers
 * (`__name`, …) that do not exist inside the page.
 */

/** Events the check fires. Load-type events (`load`, `error`, `scroll` …) already ran or need no trigger. */
export const TRIGGER_EVENTS = Object.freeze([
  'click',
  'dblclick',
  'mousedown',
  'mouseup',
  'contextmenu',
  'submit',
  'input',
  'change',
  'keydown',
  'keyup',
  'keypress',
  'mouseover',
  'mouseenter',
  'mouseout',
  'mouseleave',
  'focus',
  'blur',
] as const)

export type TriggerEvent = (typeof TRIGGER_EVENTS)[number]

/** One thing to trigger, as the agent lists it (in document order). */
export interface TriggerCandidate {
  type: TriggerEvent
  /** Short human description, e.g. `button#save`, `a "About us"`, `form.contact`. */
  label: string
  /** Rendered and not hidden right now (CSS `display`/`visibility`/`opacity`, `hidden`). */
  visible: boolean
}

/** Window property (a registered symbol, invisible to page scripts that enumerate) holding the agent. */
export const AGENT_SYMBOL = 'sitesmith.runtime-agent'

/** Elements a listener on `window`/`document`/`body` probably delegates to, per event. */
const DELEGATION_TARGETS: Readonly<Record<string, string>> = Object.freeze({
  click:
    'button, input[type=button], input[type=submit], input[type=reset], input[type=checkbox], input[type=radio], [role=button], a[href], summary',
  submit: 'form',
  input: 'input, select, textarea',
  change: 'input, select, textarea',
})

/** Source of the init script (a self-contained expression). */
export const PAGE_AGENT_SCRIPT = `(() => {
  const KEY = Symbol.for(${JSON.stringify(AGENT_SYMBOL)})
  if (window[KEY]) return
  const TYPES = ${JSON.stringify(TRIGGER_EVENTS)}
  const TYPE_SET = new Set(TYPES)
  const DELEGATION = ${JSON.stringify(DELEGATION_TARGETS)}
  const listened = new WeakMap()
  const delegated = new Set()
  let candidates = []
  // fetch/XHR calls in flight, per settle period: settling waits for the requests started
  // since the previous settle (a trigger's own), not for a long poll opened at load.
  let epoch = 0
  const inFlight = new Map()
  function begin() {
    const started = epoch
    inFlight.set(started, (inFlight.get(started) || 0) + 1)
    let ended = false
    // The extra task lets the page's own .then() handlers run before the count drops.
    return () => {
      if (ended) return
      ended = true
      setTimeout(() => {
        if (inFlight.has(started)) inFlight.set(started, inFlight.get(started) - 1)
      }, 0)
    }
  }

  const originalFetch = window.fetch
  if (typeof originalFetch === 'function') {
    window.fetch = function fetch(...args) {
      const end = begin()
      try {
        const result = originalFetch.apply(this, args)
        Promise.resolve(result).then(end, end)
        return result
      } catch (error) {
        end()
        throw error
      }
    }
  }
  const originalSend = XMLHttpRequest.prototype.send
  XMLHttpRequest.prototype.send = function send(...args) {
    const end = begin()
    this.addEventListener('loadend', end, { once: true })
    try {
      return originalSend.apply(this, args)
    } catch (error) {
      end()
      throw error
    }
  }

  const original = EventTarget.prototype.addEventListener
  EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
    // Recording must never break the page's own call.
    try {
      if (TYPE_SET.has(type)) {
        if (this === window || this === document || this === document.body || this === document.documentElement) {
          delegated.add(type)
        } else if (this instanceof Element) {
          let types = listened.get(this)
          if (!types) listened.set(this, (types = new Set()))
          types.add(type)
        }
      }
    } catch {}
    return original.call(this, type, listener, options)
  }

  function label(el) {
    const tag = el.tagName.toLowerCase()
    if (el.id) return tag + '#' + el.id
    const name = el.getAttribute('name')
    if (name) return tag + '[name="' + name + '"]'
    const classes = Array.from(el.classList).slice(0, 2)
    if (classes.length) return tag + '.' + classes.join('.')
    let text = (el.textContent || el.getAttribute('value') || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ')
    if (text.length > 30) text = text.slice(0, 29) + '…'
    if (text) return tag + ' "' + text + '"'
    const href = el.getAttribute('href')
    if (href) return tag + '[href="' + href + '"]'
    return tag
  }

  function visible(el) {
    if (typeof el.checkVisibility === 'function') return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
    return el.getClientRects().length > 0
  }

  function list(max) {
    candidates = []
    const body = document.body
    for (const el of document.querySelectorAll('*')) {
      if (el === body || el === document.documentElement) continue
      const types = new Set()
      for (const attr of el.getAttributeNames()) {
        if (attr.startsWith('on') && TYPE_SET.has(attr.slice(2))) types.add(attr.slice(2))
      }
      for (const type of TYPES) {
        if (!types.has(type) && typeof el['on' + type] === 'function') types.add(type)
      }
      const own = listened.get(el)
      if (own) for (const type of own) types.add(type)
      for (const type of delegated) {
        if (DELEGATION[type] && el.matches(DELEGATION[type])) types.add(type)
      }
      for (const type of TYPES) {
        if (types.has(type)) candidates.push({ el, type })
        if (candidates.length >= max) break
      }
      if (candidates.length >= max) break
    }
    return candidates.map((c) => ({ type: c.type, label: label(c.el), visible: visible(c.el) }))
  }

  function trigger(index) {
    const c = candidates[index]
    if (!c || !c.el.isConnected) return false
    const el = c.el
    const type = c.type
    const bubbling = { bubbles: true, cancelable: true, composed: true, view: window }
    if (type === 'click' && typeof el.click === 'function') {
      // mailto:/tel:/… links would make Chromium hand off to the system's default apps.
      // A capturing listener on window runs before the page's and only cancels that hand-off.
      const keepHome = (event) => {
        const link = event.target instanceof Element ? event.target.closest('a[href], area[href]') : null
        if (link && !/^(https?|javascript):$/i.test(link.protocol)) event.preventDefault()
      }
      // Registered through the original method so the agent's own listener is not recorded.
      original.call(window, 'click', keepHome, true)
      try {
        el.click()
      } finally {
        window.removeEventListener('click', keepHome, true)
      }
    }
    else if (type === 'submit') el.dispatchEvent(typeof SubmitEvent === 'function' ? new SubmitEvent('submit', { bubbles: true, cancelable: true }) : new Event('submit', { bubbles: true, cancelable: true }))
    else if (type === 'input' || type === 'change') el.dispatchEvent(new Event(type, { bubbles: true }))
    else if (type === 'keydown' || type === 'keyup' || type === 'keypress') el.dispatchEvent(new KeyboardEvent(type, { ...bubbling, key: 'Enter', code: 'Enter' }))
    else if (type === 'focus' || type === 'blur') el.dispatchEvent(new FocusEvent(type, { view: window }))
    else if (type === 'mouseenter' || type === 'mouseleave') el.dispatchEvent(new MouseEvent(type, { view: window }))
    else el.dispatchEvent(new MouseEvent(type, bubbling))
    return true
  }

  // Resolves once this period's requests are done (waiting at most maxMs), then ms more of quiet.
  function settle(ms, maxMs) {
    const period = epoch
    const started = Date.now()
    return new Promise((resolve) => {
      const poll = () => {
        if ((inFlight.get(period) || 0) > 0 && Date.now() - started < maxMs) return setTimeout(poll, 5)
        setTimeout(() => {
          inFlight.delete(period)
          epoch = period + 1
          resolve()
        }, ms)
      }
      setTimeout(poll, 0)
    })
  }

  Object.defineProperty(window, KEY, { value: Object.freeze({ list, trigger, settle }), enumerable: false })
})()`

/** Expression listing candidates (at most `max`); evaluates to `TriggerCandidate[]`, or null without the agent. */
export function listCandidatesExpression(max: number): string {
  return `window[Symbol.for(${JSON.stringify(AGENT_SYMBOL)})]?.list(${Math.max(0, Math.floor(max))}) ?? null`
}

/** Expression firing candidate `index`; evaluates to false when it is gone or the agent is missing. */
export function triggerExpression(index: number): string {
  return `window[Symbol.for(${JSON.stringify(AGENT_SYMBOL)})]?.trigger(${Math.floor(index)}) ?? false`
}

/**
 * Expression resolving once the page's fetch/XHR calls have finished (waiting at most
 * `maxWaitMs`) and `ms` more have passed on the page's own event loop, so errors in
 * promise chains and short timers surface before the next step.
 */
export function settleExpression(ms: number, maxWaitMs = 2000): string {
  const quiet = Math.max(0, Math.floor(ms))
  const max = Math.max(0, Math.floor(maxWaitMs))
  return `(window[Symbol.for(${JSON.stringify(AGENT_SYMBOL)})]?.settle(${quiet}, ${max}) ?? new Promise((resolve) => setTimeout(resolve, ${quiet})))`
}
