/**
 * How an error seen in a checked page is sorted (a code error, a name defined nowhere) and
 * worded into a finding message. Kept apart from the page run so the wording and the rules
 * for what counts as a site defect are read, and changed, in one place.
 */
import type { TriggerEvent } from './page-agent.js'

export const TRIGGER_VERB: Readonly<Record<TriggerEvent, string>> = Object.freeze({
  click: 'clicking',
  dblclick: 'double-clicking',
  mousedown: 'pressing the mouse on',
  mouseup: 'releasing the mouse on',
  contextmenu: 'right-clicking',
  submit: 'submitting',
  input: 'typing in',
  change: 'changing',
  keydown: 'pressing a key in',
  keyup: 'releasing a key in',
  keypress: 'pressing a key in',
  mouseover: 'hovering',
  mouseenter: 'hovering',
  mouseout: 'moving the mouse off',
  mouseleave: 'moving the mouse off',
  focus: 'focusing',
  blur: 'leaving',
})

const MAX_MESSAGE = 400

/** ReferenceError / TypeError: the errors a broken name or property produces. */
export function isCodeError(error: Error): boolean {
  return error.name === 'ReferenceError' || error.name === 'TypeError'
}

/** `ReferenceError: x is not defined`: a name declared nowhere, whatever the page state. */
export function isUndefinedName(error: Error): boolean {
  return error.name === 'ReferenceError' && / is not defined$/.test(error.message)
}

export function errorText(error: Error): string {
  const message = error.message.split('\n')[0]
  return error.name ? `${error.name}: ${message}` : `exception: ${message}`
}

export function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text
}
