/**
 * The hand-written AST walk behind analyzeScopes: it visits every node with the scope it
 * runs in and records unresolved reads and writes by the role of each identifier. Split
 * from js-scope.ts, which keeps the entry point and sets up the program scope.
 */
import type { AnyNode, Node, Pattern } from 'acorn'

import { declareLexical, hoistVar, patternNames } from './js-declarations.js'
import { child, isDeclared } from './js-scope-chain.js'
import type { Scope } from './js-scope-chain.js'
import type { ScopeResult } from './js-scope-types.js'

export class Walker {
  /** > 0 while inside a branch that only runs where an environment probe succeeded. */
  private guarded = 0

  constructor(
    private readonly r: ScopeResult,
    private readonly knownGlobals: ReadonlySet<string>,
  ) {}

  read(name: string, start: number, scope: Scope): void {
    if (scope.inWith || this.guarded > 0 || isDeclared(name, scope)) return
    this.r.unresolvedReads.push({ name, start })
  }

  write(name: string, start: number, scope: Scope): void {
    if (scope.inWith || isDeclared(name, scope)) return
    this.r.unresolvedWrites.push({ name, start })
  }

  visit(node: AnyNode | null | undefined, scope: Scope): void {
    if (!node) return
    switch (node.type) {
      case 'Identifier':
        this.read(node.name, node.start, scope)
        return
      case 'ThisExpression':
        if (!scope.inFunction) this.r.topLevelThis = true
        return
      case 'Literal':
      case 'TemplateElement':
      case 'Super':
      case 'MetaProperty':
      case 'PrivateIdentifier':
      case 'EmptyStatement':
      case 'DebuggerStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        return
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.visitFunction(node, scope)
        return
      case 'ClassDeclaration':
      case 'ClassExpression': {
        let inner = scope
        if (node.id) {
          inner = child(scope)
          inner.names.add(node.id.name)
        }
        this.visit(node.superClass, scope)
        for (const el of node.body.body) {
          if (el.type === 'StaticBlock') {
            const s = child(inner)
            s.fn = s
            s.inFunction = true
            hoistVar(el.body, s.names)
            declareLexical(el.body, s.names)
            for (const x of el.body) this.visit(x, s)
            continue
          }
          if (el.computed) this.visit(el.key, inner)
          if (el.value) {
            if (el.type === 'PropertyDefinition') {
              // Field initialisers run with `this` bound to the instance.
              const s = child(inner)
              s.inFunction = true
              this.visit(el.value, s)
            } else this.visit(el.value, inner)
          }
        }
        return
      }
      case 'VariableDeclaration':
        for (const d of node.declarations) {
          this.visitPatternParts(d.id, scope)
          this.visit(d.init, scope)
        }
        return
      case 'BlockStatement': {
        const s = child(scope)
        declareLexical(node.body, s.names)
        for (const x of node.body) this.visit(x, s)
        return
      }
      case 'ForStatement': {
        const s = child(scope)
        if (node.init && node.init.type === 'VariableDeclaration') declareLexical([node.init], s.names)
        this.visit(node.init, s)
        this.visit(node.test, s)
        this.visit(node.update, s)
        this.visit(node.body, s)
        return
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s = child(scope)
        if (node.left.type === 'VariableDeclaration') {
          declareLexical([node.left], s.names)
          this.visit(node.left, s)
        } else this.visitTarget(node.left, s)
        this.visit(node.right, s)
        this.visit(node.body, s)
        return
      }
      case 'SwitchStatement': {
        this.visit(node.discriminant, scope)
        const s = child(scope)
        for (const c of node.cases) declareLexical(c.consequent, s.names)
        for (const c of node.cases) {
          this.visit(c.test, s)
          for (const x of c.consequent) this.visit(x, s)
        }
        return
      }
      case 'CatchClause': {
        const s = child(scope)
        for (const n of patternNames(node.param)) s.names.add(n)
        if (node.param) this.visitPatternParts(node.param, s)
        this.visit(node.body, s)
        return
      }
      case 'WithStatement': {
        this.r.dynamicScope = true
        this.visit(node.object, scope)
        const s = child(scope)
        s.inWith = true
        this.visit(node.body, s)
        return
      }
      case 'LabeledStatement':
        this.visit(node.body, scope)
        return
      case 'IfStatement':
      case 'ConditionalExpression': {
        this.visit(node.test, scope)
        const probe = this.probesEnvironment(node.test, scope)
        if (probe) this.guarded++
        this.visit(node.consequent, scope)
        this.visit(node.alternate, scope)
        if (probe) this.guarded--
        return
      }
      case 'LogicalExpression': {
        this.visit(node.left, scope)
        const probe = this.probesEnvironment(node.left, scope)
        if (probe) this.guarded++
        this.visit(node.right, scope)
        if (probe) this.guarded--
        return
      }
      case 'MemberExpression':
        this.visit(node.object, scope)
        if (node.computed) this.visit(node.property, scope)
        return
      case 'Property':
        if (node.computed) this.visit(node.key, scope)
        this.visit(node.value, scope)
        return
      case 'AssignmentExpression':
        if (node.operator !== '=' && node.left.type === 'Identifier') this.read(node.left.name, node.left.start, scope)
        this.visitTarget(node.left, scope)
        this.visit(node.right, scope)
        return
      case 'UpdateExpression':
        this.visit(node.argument, scope)
        return
      case 'UnaryExpression':
        if (node.operator === 'typeof' && node.argument.type === 'Identifier') {
          this.r.typeofNames.add(node.argument.name)
          return
        }
        this.visit(node.argument, scope)
        return
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval') this.r.dynamicScope = true
        this.visit(node.callee, scope)
        for (const a of node.arguments) this.visit(a, scope)
        return
      case 'ExportNamedDeclaration':
        if (node.declaration) this.visit(node.declaration, scope)
        else if (!node.source) {
          for (const sp of node.specifiers)
            if (sp.local.type === 'Identifier') this.read(sp.local.name, sp.local.start, scope)
        }
        return
      case 'ExportDefaultDeclaration':
        this.visit(node.declaration, scope)
        return
      default:
        this.visitChildren(node, scope)
    }
  }

  /** Does this test contain `typeof x` for an undeclared name that is not a platform global? */
  private probesEnvironment(test: AnyNode, scope: Scope): boolean {
    switch (test.type) {
      case 'UnaryExpression':
        if (test.operator === 'typeof' && test.argument.type === 'Identifier') {
          const name = test.argument.name
          return !this.knownGlobals.has(name) && !isDeclared(name, scope)
        }
        return this.probesEnvironment(test.argument, scope)
      case 'BinaryExpression':
        return (
          (test.left.type !== 'PrivateIdentifier' && this.probesEnvironment(test.left, scope)) ||
          this.probesEnvironment(test.right, scope)
        )
      case 'LogicalExpression':
        return this.probesEnvironment(test.left, scope) || this.probesEnvironment(test.right, scope)
      case 'ConditionalExpression':
        return this.probesEnvironment(test.test, scope)
      case 'SequenceExpression':
        return test.expressions.some((e) => this.probesEnvironment(e, scope))
      default:
        return false
    }
  }

  private visitChildren(node: AnyNode, scope: Scope): void {
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue
      const v = (node as unknown as Record<string, unknown>)[key]
      if (Array.isArray(v)) {
        for (const x of v) if (isNode(x)) this.visit(x, scope)
      } else if (isNode(v)) this.visit(v, scope)
    }
  }

  private visitFunction(
    node: Extract<AnyNode, { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' }>,
    scope: Scope,
  ): void {
    const s = child(scope)
    s.fn = s
    if (node.type !== 'ArrowFunctionExpression') {
      s.inFunction = true
      s.names.add('arguments')
      if (node.type === 'FunctionExpression' && node.id) s.names.add(node.id.name)
    }
    for (const p of node.params) for (const n of patternNames(p)) s.names.add(n)
    if (node.body.type === 'BlockStatement') {
      hoistVar(node.body.body, s.names)
      declareLexical(node.body.body, s.names)
    }
    for (const p of node.params) this.visitPatternParts(p, s)
    if (node.body.type === 'BlockStatement') for (const x of node.body.body) this.visit(x, s)
    else this.visit(node.body, s)
  }

  /** Default values and computed keys inside a binding pattern are ordinary expressions. */
  private visitPatternParts(p: Pattern | null | undefined, scope: Scope): void {
    if (!p) return
    switch (p.type) {
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.visitPatternParts(prop.argument, scope)
          else {
            if (prop.computed) this.visit(prop.key, scope)
            this.visitPatternParts(prop.value, scope)
          }
        }
        break
      case 'ArrayPattern':
        for (const el of p.elements) this.visitPatternParts(el, scope)
        break
      case 'AssignmentPattern':
        this.visitPatternParts(p.left, scope)
        this.visit(p.right, scope)
        break
      case 'RestElement':
        this.visitPatternParts(p.argument, scope)
        break
      case 'MemberExpression':
        this.visit(p, scope)
        break
      default:
        break
    }
  }

  /** Left side of an assignment or of `for (x in …)` without a declaration. */
  private visitTarget(p: Pattern, scope: Scope): void {
    switch (p.type) {
      case 'Identifier':
        this.write(p.name, p.start, scope)
        break
      case 'MemberExpression':
        this.visit(p, scope)
        break
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') this.visitTarget(prop.argument, scope)
          else {
            if (prop.computed) this.visit(prop.key, scope)
            this.visitTarget(prop.value, scope)
          }
        }
        break
      case 'ArrayPattern':
        for (const el of p.elements) if (el) this.visitTarget(el, scope)
        break
      case 'AssignmentPattern':
        this.visitTarget(p.left, scope)
        this.visit(p.right, scope)
        break
      case 'RestElement':
        this.visitTarget(p.argument, scope)
        break
      default:
        break
    }
  }
}

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as Node).type === 'string'
}
