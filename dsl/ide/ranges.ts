/** Folding ranges (bodies, multi-line argument lists, comment blocks) and selection ranges (node paths). */
import type { Analysis } from '../analyze';
import { splitLines, type Position, type Range } from '../syntax/range';
import { keptWithTree, pathAt, walkDecl } from './locate';

export interface Fold {
  startLine: number;
  endLine: number;
  kind?: 'comment';
}

export function foldingRanges(a: Analysis): Fold[] {
  const folds: Fold[] = [];
  for (const d of a.file.decls) {
    for (const r of foldableIn(d)) if (r.end.line > r.start.line) folds.push({ startLine: r.start.line, endLine: r.end.line - 1 });
  }
  // Runs of whole-line comments.
  let start = -1;
  let prev = -2;
  const lines = splitLines(a.text);
  for (const c of a.file.comments) {
    const whole = lines[c.range.start.line]?.trim().startsWith('#');
    if (!whole) continue;
    if (c.range.start.line !== prev + 1) {
      if (start >= 0 && prev > start) folds.push({ startLine: start, endLine: prev, kind: 'comment' });
      start = c.range.start.line;
    }
    prev = c.range.start.line;
  }
  if (start >= 0 && prev > start) folds.push({ startLine: start, endLine: prev, kind: 'comment' });
  return folds;
}

/** A declaration's bodies, settings blocks, argument lists and lists: a keystroke walks only the declaration it changed. */
const foldableIn = keptWithTree((decl): Range[] => {
  const found: Range[] = [];
  walkDecl(decl, (node) => {
    const r = node.kind === 'body' || node.kind === 'list' ? node.range : node.kind === 'train' ? node.settingsRange : node.kind === 'call' ? node.argsRange : undefined;
    if (r) found.push(r);
  });
  return found;
});

/** For each position, the ranges of the nodes around it, innermost first. */
export function selectionRanges(a: Analysis, positions: Position[]): Range[][] {
  return positions.map((p) => {
    const ranges = pathAt(a.file, p).map((n) => n.range).reverse();
    const unique: Range[] = [];
    for (const r of ranges) {
      const last = unique[unique.length - 1];
      if (!last || last.start.line !== r.start.line || last.start.character !== r.start.character || last.end.line !== r.end.line || last.end.character !== r.end.character) unique.push(r);
    }
    return unique.length ? unique : [{ start: p, end: p }];
  });
}
