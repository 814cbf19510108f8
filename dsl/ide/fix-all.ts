/**
 * "Fix all": every fix the checker marks as safe to apply unasked (`preferred`), applied
 * together, pass after pass, since one fix can uncover the next (`activation='relu'`
 * is first a `=` to fix, then a quoted name). Pure: the caller says how to check a text.
 */
import type { Diagnostic, Fix, TextEdit } from '../diagnostics';
import { LineIndex } from '../syntax/range';

/**
 * The text with each of one pass's fixes applied, those that overlap one taken earlier left
 * for the next pass. A fix whose edits all lie inside another's waits for it: the one that
 * rewrites the whole (a model written in dlnet around Python's lines) knows what the
 * region holds, and the next pass sees what is left inside it.
 */
function applyPass(text: string, fixes: Fix[]): { text: string; applied: number } {
  const lines = new LineIndex(text);
  const spans = fixes.map((fix) => fix.edits.map((e) => ({ from: lines.offset(e.range.start), to: lines.offset(e.range.end), newText: e.newText })));
  const within = (inner: Span[], outer: Span[]) => inner.every((e) => outer.some((o) => o.from <= e.from && e.to <= o.to && o.to - o.from > e.to - e.from));
  const taken: Span[] = [];
  let applied = 0;
  for (const [i, edits] of spans.entries()) {
    if (spans.some((other, j) => j !== i && within(edits, other))) continue;
    // Two inserts at one place, or an edit inside another, would each change what the other meant.
    const clashes = edits.some((e) => taken.some((t) => e.from <= t.to && t.from <= e.to));
    if (clashes) continue;
    taken.push(...edits);
    applied++;
  }
  taken.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of taken) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return { text: out, applied };
}

interface Span {
  from: number;
  to: number;
  newText: string;
}

/** The safe fix of each diagnostic (its first preferred one), in the order of the diagnostics. */
function safeFixes(diagnostics: Diagnostic[]): Fix[] {
  return diagnostics.flatMap((d) => d.fixes?.find((f) => f.preferred) ?? []);
}

export interface FixedText {
  text: string;
  /** How many fixes were applied, over all passes. */
  applied: number;
}

/** Applies the safe fixes of `check(text)` until none is left, or for at most `passes` passes. */
export function fixAll(text: string, check: (text: string) => Diagnostic[], passes = 10): FixedText {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < passes; pass++) {
    const fixes = safeFixes(check(current));
    if (fixes.length === 0) break;
    const next = applyPass(current, fixes);
    if (next.applied === 0 || next.text === current) break;
    current = next.text;
    applied += next.applied;
  }
  return { text: current, applied };
}

/** One edit that turns `before` into `after`: the part between what they share at the start and at the end. */
export function replacementEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  // Never between the \r and \n of one line break: a position cannot point there.
  if (start > 0 && before[start - 1] === '\r' && before[start] === '\n') start--;
  if (end > 0 && before[before.length - end] === '\n' && before[before.length - end - 1] === '\r') end--;
  const lines = new LineIndex(before);
  return { range: { start: lines.position(start), end: lines.position(before.length - end) }, newText: after.slice(start, after.length - end) };
}
