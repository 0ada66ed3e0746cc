import { LineIndex } from '../diagnostics/line-index.js'
import { classifyUrl, isHtmlPath, rebaseRootRelative, resolveLocal, sitePaths } from '../analysis/urls.js'
import type { ServedAt, UrlRef } from '../analysis/urls.js'
import { CSS_FILE, JS_FILE, fillSiteModel } from './model-builder.js'
import type { SiteModel } from './model-types.js'
import { Memo2 } from './memo.js'
import { emptyIndex } from './site-index.js'

export type * from './model-types.js'

/** True for the files the checker reads as text. */
export function isCheckedFile(path: string): boolean {
  return isHtmlPath(path) || JS_FILE.test(path) || CSS_FILE.test(path)
}

/**
 * Parse a site into its model (see `SiteModel`): `texts` are its HTML, CSS and JS files,
 * `otherPaths` the files links may point at (images, fonts…).
 */
export function buildSiteModel(
  texts: ReadonlyMap<string, string>,
  otherPaths: Iterable<string> = [],
  served: ServedAt = {},
): SiteModel {
  const paths = sitePaths([...texts.keys(), ...otherPaths])
  const lineIndexes = new Map<string, LineIndex>()
  const urlMemo = new Memo2<string, string, UrlRef>()
  const resolveMemo = new Memo2<boolean, string, string | undefined>()
  const model: SiteModel = {
    texts,
    paths,
    pages: new Map(),
    units: [],
    handlers: [],
    sheets: [],
    index: emptyIndex(),
    position(file, offset) {
      let li = lineIndexes.get(file)
      if (!li) {
        li = new LineIndex(texts.get(file) ?? '')
        lineIndexes.set(file, li)
      }
      return li.position(offset)
    },
    classify(url, from, baseDir) {
      const ref = urlMemo.get(baseDir, url, () => {
        const r = classifyUrl(url, from, baseDir)
        return r.kind === 'local' ? rebaseRootRelative(r, paths, served) : r
      })
      // Only same-document references depend on the referring file itself.
      return ref.kind === 'local' && ref.sameDocument ? { ...ref, path: from } : ref
    },
    resolve(ref) {
      return resolveMemo.get(ref.directory, ref.path, () => resolveLocal(ref, paths))
    },
  }
  fillSiteModel(model)
  return model
}
