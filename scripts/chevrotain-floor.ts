/**
 * The floor of any chevrotain parse of dlnet: the smallest grammar that consumes as
 * many tokens as the real file has (brackets kept, every other token folded into one
 * type, so each step is a single-token lookahead: no actions, no recovery, no tree).
 * No chevrotain parser of the language can be faster; bench-check prints it next to
 * the real figures.
 */
import { createToken, EmbeddedActionsParser, type IToken } from 'chevrotain';
import * as t from '../dsl/syntax/tokens';

const Open = createToken({ name: 'Open', pattern: /\(/ });
const Close = createToken({ name: 'Close', pattern: /\)/ });
const Other = createToken({ name: 'Other', pattern: /x/ });
const vocabulary = [Open, Close, Other];

class FloorParser extends EmbeddedActionsParser {
  constructor() {
    super(vocabulary, { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => { this.CONSUME(Open); this.MANY(() => this.SUBRULE(this.item)); this.CONSUME(Close); } },
      { ALT: () => { this.CONSUME(Other); } },
    ]);
  });
}

const opens = new Set([t.LCurly, t.LParen, t.LBracket]);
const closes = new Set([t.RCurly, t.RParen, t.RBracket]);

/** The same stream in the floor grammar's three token types (not timed). */
export function floorTokens(tokens: IToken[]): IToken[] {
  return tokens.map((tok) => {
    const type = opens.has(tok.tokenType) ? Open : closes.has(tok.tokenType) ? Close : Other;
    return { ...tok, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
  });
}

let parser: FloorParser | undefined;

/** Milliseconds for the floor grammar to consume the tokens once. */
export function chevrotainFloor(tokens: IToken[]): number {
  parser ??= new FloorParser();
  const t0 = performance.now();
  parser.input = tokens;
  parser.file();
  const ms = performance.now() - t0;
  if (parser.errors.length) throw new Error(`floor grammar: ${parser.errors[0].message}`);
  return ms;
}
