/** Folding ranges (bodies, multi-line argument lists, comment blocks) and selection ranges (node paths). */
import type { Analysis } from '../analyze';
import { splitLines, type Position, type Range } from '../syntax/range';
import { pathAt, walk } from './locate';

export interface Fold {
  startLine: number;
  endLine: number;
  kind?: 'comment';
}

export function foldingRanges(a: Analysis): Fold[] {
  const folds: Fold[] = [];
  const add = (r: Range | undefined) => {
    if (r && r.end.line > r.start.line) folds.push({ startLine: r.start.line, endLine: r.end.line - 1 });
  };
  walk(a.file, (node) => {
    if (node.kind === 'body') add(node.range);
    else if (node.kind === 'train') add(node.settingsRange);
    else if (node.kind === 'call') add(node.argsRange);
    else if (node.kind === 'list') add(node.range);
  });
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
