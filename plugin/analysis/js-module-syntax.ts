/**
 * Import and export statements at the top of a module: what it loads and what it offers.
 * Separate from the expression walk in js-facts.ts because module syntax is read from the
 * program body alone, not from every node.
 */
import type { AnyNode, Program } from 'acorn'

import { patternNames } from './js-declarations.js'
import type { ImportRef, JsFacts } from './js-facts-types.js'

export function collectModuleSyntax(program: Program, f: JsFacts): void {
  for (const s of program.body) {
    switch (s.type) {
      case 'ImportDeclaration': {
        const names: ImportRef['names'] = []
        for (const sp of s.specifiers) {
          if (sp.type === 'ImportDefaultSpecifier') names.push({ name: 'default', start: sp.start })
          else if (sp.type === 'ImportSpecifier')
            names.push({ name: moduleName(sp.imported), start: sp.imported.start })
        }
        f.imports.push({ specifier: String(s.source.value), start: s.source.start, kind: 'static', names })
        break
      }
      case 'ExportNamedDeclaration': {
        const d = s.declaration
        if (d?.type === 'VariableDeclaration') {
          for (const decl of d.declarations) for (const n of patternNames(decl.id)) f.exports.add(n)
        } else if (d && d.id) f.exports.add(d.id.name)
        for (const sp of s.specifiers) f.exports.add(moduleName(sp.exported))
        if (s.source) {
          f.imports.push({
            specifier: String(s.source.value),
            start: s.source.start,
            kind: 'reexport',
            names: s.specifiers.map((sp) => ({ name: moduleName(sp.local), start: sp.local.start })),
          })
        }
        break
      }
      case 'ExportDefaultDeclaration':
        f.exports.add('default')
        break
      case 'ExportAllDeclaration':
        if (s.exported) f.exports.add(moduleName(s.exported))
        else f.exportAllFrom.push({ specifier: String(s.source.value), start: s.source.start })
        f.imports.push({ specifier: String(s.source.value), start: s.source.start, kind: 'reexport', names: [] })
        break
      default:
        break
    }
  }
}

function moduleName(n: AnyNode): string {
  return n.type === 'Identifier' ? n.name : n.type === 'Literal' ? String(n.value) : ''
}
