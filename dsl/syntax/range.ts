/** Positions and ranges are 0-based line/character, exactly as LSP has them. */

/** The text's lines as positions count them: a line ends at \n, \r\n or a lone \r (as in LSP and the lexer). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * The offset in `text` of a position (lines counted as `splitLines` counts them), clamped
 * to the text and a character to its line's end. One lookup: for many in one text, `LineIndex`.
 */
export function offsetAt(text: string, pos: Position): number {
  const lineBreak = /\r\n|\r|\n/g;
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    if (!lineBreak.exec(text)) return text.length;
    offset = lineBreak.lastIndex;
  }
  const end = lineBreak.exec(text)?.index ?? text.length;
  return Math.min(offset + pos.character, end);
}

/** Where each line of a text starts, for turning many positions into offsets and back (as LSP's TextDocument does). */
export class LineIndex {
  private readonly starts = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      if (c === 0x0a || c === 0x0d) this.starts.push(i + 1);
    }
  }

  /** As `offsetAt`. */
  offset(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[p.line] + p.character, this.lineEnd(p.line));
  }

  /** The position of an offset (one inside a \r\n counts as the end of its line). */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.min(offset, this.lineEnd(lo)) - this.starts[lo] };
  }

  /** Where a line's text ends, before its line break. */
  private lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    return next - (this.text.charCodeAt(next - 2) === 0x0d && this.text.charCodeAt(next - 1) === 0x0a ? 2 : 1);
  }
}

/** The line break a text uses (its first one; \n when it has none): edits that add lines use it too. */
export function lineBreakOf(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export function range(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

export function spanning(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

/**
 * Who wants to know which positions' lines went into text: a check being recorded (see
 * `Context.record`). A position of an unchanged declaration moves in place when lines
 * are added above it (see syntax/parse.ts), so a recorded message that names its line,
 * or a position made from it, is stale once it moves.
 */
let lineReader: ((p: Position) => void) | undefined;

/** Calls `reader` with every position whose line `lineOf` or `alongLine` reads, until called again. */
export function readLinesWith(reader: ((p: Position) => void) | undefined): void {
  lineReader = reader;
}

/** The 1-based line a range starts on, as messages name lines. */
export function lineOf(r: Range): number {
  lineReader?.(r.start);
  return r.start.line + 1;
}

/** The position `by` characters after `p` on its line (before it, when negative). */
export function alongLine(p: Position, by: number): Position {
  lineReader?.(p);
  return { line: p.line, character: p.character + by };
}

/** The start of `p`'s line, or of the line `after` lines below it; reads `p`'s line as `alongLine` does. */
export function lineStart(p: Position, after = 0): Position {
  lineReader?.(p);
  return { line: p.line + after, character: 0 };
}

/** What to delete to take `item` out of a list separated by `,` or `->`: it and the separator before it (after it, for the first). */
export function withoutItem<T extends { range: Range }>(items: readonly T[], item: T): Range {
  const i = items.indexOf(item);
  if (i > 0) return { start: items[i - 1].range.end, end: item.range.end };
  return { start: item.range.start, end: items[1]?.range.start ?? item.range.end };
}

/**
 * What to delete to take the `i`th of a block's lines out (statements of a body, settings
 * of a train statement; `within` is the block's braces): its whole lines where nothing
 * else is on them, else it and the `;` that parts it from its neighbour on its line.
 */
export function withoutLine<T extends { range: Range }>(items: readonly T[], i: number, within: Range): Range {
  const { range } = items[i];
  const before = items[i - 1]?.range.end ?? within.start;
  const after = items[i + 1]?.range.start ?? within.end;
  if (before.line < range.start.line && after.line > range.end.line) return { start: lineStart(range.start), end: lineStart(range.end, 1) };
  if (i > 0 && before.line === range.start.line) return { start: before, end: range.end };
  if (items[i + 1] && after.line === range.end.line) return { start: range.start, end: after };
  return range;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function contains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

export function emptyRangeAt(p: Position): Range {
  return { start: p, end: p };
}

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
