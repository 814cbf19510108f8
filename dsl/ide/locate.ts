/** What is under a position: the chain of syntax nodes from the declaration down to the innermost one. */
import type * as ast from '../syntax/ast';
import { contains, type Position } from '../syntax/range';

export type Node =
  | ast.Decl | ast.Stmt | ast.Step | ast.Body | ast.Arg | ast.Value | ast.Ident | ast.Setting | ast.BlockParam;

/** Children of a node in source order. */
export function children(node: Node): Node[] {
  switch (node.kind) {
    case 'dataset': return [node.name, ...(node.source ? [node.source] : [])];
    case 'model': return [node.name, node.body];
    case 'block': return [node.name, ...node.params, node.body];
    case 'param': return [node.name, ...(node.default ? [node.default] : [])];
    case 'train': return [node.model, ...(node.versus ? [node.versus] : []), node.data, ...node.settings];
    case 'setting': return [node.key, node.value];
    case 'body': return node.stmts;
    case 'input': return [...(node.name ? [node.name] : []), node.shape, ...(node.dtype ? [node.dtype] : [])];
    case 'output': return node.names;
    case 'chain': return [...(node.target ? [node.target] : []), ...node.steps];
    case 'residual': return [node.body, ...(node.shortcut ? [node.shortcut] : [])];
    case 'repeat': return [node.count, node.body];
    case 'call': return [node.callee, ...(node.args ?? [])];
    case 'arg': return [...(node.name ? [node.name] : []), node.value];
    case 'list': return node.items;
    case 'arith': return [node.left, node.right];
    default: return [];
  }
}

/** The path from the top-level declaration to the innermost node containing `pos`. */
export function pathAt(file: ast.SourceFile, pos: Position): Node[] {
  const path: Node[] = [];
  let candidates: Node[] = file.decls;
  for (;;) {
    const hit = candidates.find((n) => n && contains(n.range, pos));
    if (!hit) return path;
    path.push(hit);
    candidates = children(hit);
  }
}

export function enclosingDecl(file: ast.SourceFile, pos: Position): ast.Decl | undefined {
  return file.decls.find((d) => contains(d.range, pos) || (d.range.start.line <= pos.line && pos.line <= d.range.end.line));
}

/** Visits every node of one declaration depth-first, each with its parent. */
export function walkDecl(decl: ast.Decl, visit: (node: Node, parent: Node | undefined) => void): void {
  const go = (node: Node, parent: Node | undefined) => {
    if (!node) return;
    visit(node, parent);
    for (const c of children(node)) go(c, node);
  };
  go(decl, undefined);
}

/**
 * `derive` memoised per declaration tree, for what syntax alone decides. An edit
 * elsewhere leaves a tree the same object, and a new line above it moves its positions
 * in place (syntax/parse.ts), so what was derived from it holds as long as the tree does.
 */
export function keptWithTree<T>(derive: (decl: ast.Decl) => T): (decl: ast.Decl) => T {
  const kept = new WeakMap<ast.Decl, T>();
  return (decl) => {
    if (!kept.has(decl)) kept.set(decl, derive(decl));
    return kept.get(decl)!;
  };
}
