import { brokenLink } from './broken-link.js'
import { cssSyntax } from './css-syntax.js'
import { duplicateId } from './duplicate-id.js'
import { jsSyntax } from './js-syntax.js'
import { missingAnchor } from './missing-anchor.js'
import { missingClass } from './missing-class.js'
import { missingElement } from './missing-element.js'
import { missingExport } from './missing-export.js'
import type { Rule } from './shared.js'
import { undefinedCssVariable } from './undefined-css-variable.js'
import { undefinedReference } from './undefined-reference.js'
import { unknownCssProperty } from './unknown-css-property.js'
import { unknownHandler } from './unknown-handler.js'

export type { Rule } from './shared.js'

/** Every static rule by its id (the ids are a contract: docs/ARCHITECTURE.md). */
export const RULES: Readonly<Record<string, Rule>> = Object.freeze({
  'broken-link': brokenLink,
  'missing-anchor': missingAnchor,
  'unknown-handler': unknownHandler,
  'missing-element': missingElement,
  'missing-class': missingClass,
  'duplicate-id': duplicateId,
  'js-syntax': jsSyntax,
  'css-syntax': cssSyntax,
  'missing-export': missingExport,
  'undefined-reference': undefinedReference,
  'undefined-css-variable': undefinedCssVariable,
  'unknown-css-property': unknownCssProperty,
})
