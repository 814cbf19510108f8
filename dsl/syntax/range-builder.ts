/**
 * The ranges of one declaration's tree, made from its tokens as both of its readers
 * (parser.ts and well-formed.ts) make them, and the list of every position made. Ranges
 * share their positions, and the list holds each once: a tree moves to other lines by
 * shifting the list, without a walk through it (parse.ts).
 *
 * Brackets make no range of their own, only the positions their node's range needs:
 * an opening bracket its start, a closing one its end. That is two positions a pair
 * instead of two ranges and four positions, and an opening bracket right after a name
 * (`dense(`) shares the name's end (a large file's tree is mostly ranges and positions;
 * every object the tree keeps is copied by the collector: docs/performance.md).
 */
import type { IToken } from 'chevrotain';
import type { Position, Range } from './range';

export class RangeBuilder {
  /** Every position made since `begin`, each once; the first is where nothing was consumed. */
  positions: Position[] = [];
  /** The end of the last token consumed; undefined just after an opening bracket, whose end is made only when asked for. */
  private end: Position | undefined;
  private opened: IToken | undefined;

  constructor() {
    this.begin();
  }

  begin(): void {
    const nowhere = { line: 0, character: 0 };
    this.end = nowhere;
    this.opened = undefined;
    this.positions = [nowhere];
  }

  /** A token's range (an empty one at the last end for a token that recovery made up). */
  at(tok: IToken): Range {
    if (madeUp(tok)) return this.here();
    const range = tokenRange(tok);
    this.positions.push(range.start, range.end);
    this.end = range.end;
    return range;
  }

  /** Where an opening bracket starts: the range of its node starts there (`from`). */
  opening(tok: IToken): Position {
    if (madeUp(tok)) return this.lastEnd();
    const at = startOf(tok);
    const touching = this.end !== undefined && this.end.line === at.line && this.end.character === at.character;
    const start = touching ? this.end! : this.made(at);
    this.end = undefined;
    this.opened = tok;
    return start;
  }

  /** A closing bracket: only its end is made, for the range of its node to end at. */
  closing(tok: IToken): void {
    if (madeUp(tok)) return;
    this.end = this.made(endOf(tok));
  }

  /** The end of the last token consumed. */
  lastEnd(): Position {
    if (this.end) return this.end;
    return (this.end = this.made(endOf(this.opened!)));
  }

  /** An empty range at the last end: where a piece recovery made up stands. */
  here(): Range {
    const end = this.lastEnd();
    return { start: end, end };
  }

  /** From `from` to the last end: `from` itself when nothing came after it (a bare name is a call, an argument and a statement at once, and the tree keeps one range for them). */
  span(from: Range): Range {
    const end = this.lastEnd();
    return from.end === end ? from : { start: from.start, end };
  }

  /** From an opening bracket's start to the last end. */
  from(start: Position): Range {
    return { start, end: this.lastEnd() };
  }

  private made(p: Position): Position {
    this.positions.push(p);
    return p;
  }
}

/** Where a token stands. */
export function tokenRange(tok: IToken): Range {
  return { start: startOf(tok), end: endOf(tok) };
}

const startOf = (tok: IToken): Position => ({ line: tok.startLine! - 1, character: tok.startColumn! - 1 });

/** Tokens never span lines (newline tokens are one line break), so the image gives the end. */
const endOf = (tok: IToken): Position => ({ line: tok.startLine! - 1, character: tok.startColumn! - 1 + tok.image.length });

/** A token that chevrotain's recovery inserted: it stands nowhere in the text. */
function madeUp(tok: IToken): boolean {
  return tok.isInsertedInRecovery === true || Number.isNaN(tok.startOffset);
}
