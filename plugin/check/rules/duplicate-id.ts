import type { Finding } from '../../diagnostics/diagnostic.js'
import type { SiteModel } from '../site-model.js'
import { findingAt } from './shared.js'

/**
 * duplicate-id: the same id on two elements of one document. `getElementById` then finds
 * only the first, labels and fragments point at the wrong one. Ids inside `<template>`
 * are not in the document until cloned, so they are not counted.
 */
export function duplicateId(model: SiteModel): Finding[] {
  const out: Finding[] = []
  for (const page of model.pages.values()) {
    for (const [id, offsets] of page.facts.ids) {
      if (offsets.length < 2) continue
      const first = model.position(page.file, offsets[0])
      for (const offset of offsets.slice(1)) {
        out.push(
          findingAt(
            model,
            'duplicate-id',
            'error',
            page.file,
            offset,
            `id "${id}" is already used on line ${first.line}; ids must be unique in a document`,
          ),
        )
      }
    }
  }
  return out
}
