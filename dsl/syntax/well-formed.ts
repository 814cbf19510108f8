/**
 * The fast path for a declaration written without a mistake: a plain recursive-descent
 * reading of the grammar in parser.ts that builds the very same tree (the same objects,
 * fields in the same order, ranges sharing the same positions, the same list of positions
 * made: range-builder.ts). It gives up at the first token the grammar does not expect
 * there, or at anything the chevrotain parser would report or read with a repair (a
 * tuple, `=` for `:`, a comma between settings, two statements on a line), and the
 * declaration is then parsed by chevrotain, with its error recovery, as before.
 *
 * Why two readers of one grammar: chevrotain's embedded actions cost three quarters of a
 * parse in closures, option objects and the garbage they leave (docs/performance.md);
 * almost every declaration an analysis reads is well formed. parser.ts stays the
 * grammar's definition and the only reader of broken code; a test holds this one to
 * building what that one builds, over every sample and fixture and random edits of them.
 */
import type { IToken, TokenType } from 'chevrotain';
import { fitted } from '../fitted';
import type * as ast from './ast';
import { unquote } from './parser';
import { RangeBuilder } from './range-builder';
import type { Position, Range } from './range';
import * as t from './tokens';

/** Thrown at the first token this reader does not take; never leaves this file. */
const GIVE_UP = { giveUp: true };

/**
 * Brackets nested deeper than this are left to chevrotain, which says how deep they go
 * where its recursion cannot follow them (parse.ts): no network nests a tenth as deep.
 */
const MAX_DEPTH = 200;

class WellFormedReader {
  private pos = 0;
  /** Brackets open around the token being read. */
  private depth = 0;
  /** The tree's ranges and their positions, made as parser.ts makes them. */
  readonly ranges = new RangeBuilder();

  constructor(private readonly tokens: IToken[]) {}

  private peek(): TokenType | undefined {
    return this.tokens[this.pos]?.tokenType;
  }

  private is(type: TokenType, ahead = 0): boolean {
    return this.tokens[this.pos + ahead]?.tokenType === type;
  }

  private take(type: TokenType): IToken {
    const tok = this.tokens[this.pos];
    if (tok === undefined || tok.tokenType !== type) throw GIVE_UP;
    this.pos++;
    return tok;
  }

  private at(tok: IToken): Range {
    return this.ranges.at(tok);
  }

  private deeper(): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
  }

  private ident(tok: IToken): ast.Ident {
    const range = this.at(tok);
    return { kind: 'ident', text: tok.image, range };
  }

  private span(from: Range): Range {
    return this.ranges.span(from);
  }

  declaration(): ast.Decl {
    const type = this.peek();
    const decl = type === t.Dataset ? this.dataset() : type === t.Model ? this.model() : type === t.Block ? this.block() : type === t.Train ? this.train() : undefined;
    if (decl === undefined || this.pos !== this.tokens.length) throw GIVE_UP;
    return decl;
  }

  private dataset(): ast.DatasetDecl {
    const keyword = this.at(this.take(t.Dataset));
    const name = this.ident(this.take(t.Identifier));
    this.take(t.Equals);
    const source = this.call();
    return { kind: 'dataset', keyword, name, source, range: this.span(keyword) };
  }

  private model(): ast.ModelDecl {
    const keyword = this.at(this.take(t.Model));
    const name = this.ident(this.take(t.Identifier));
    const body = this.body();
    return { kind: 'model', keyword, name, body, range: this.span(keyword) };
  }

  private block(): ast.BlockDecl {
    const keyword = this.at(this.take(t.Block));
    const name = this.ident(this.take(t.Identifier));
    const params: ast.BlockParam[] = [];
    // The parentheses make no range (as in parser.ts).
    if (this.is(t.LParen)) {
      this.pos++;
      if (this.is(t.Identifier)) {
        params.push(this.param());
        while (this.is(t.Comma)) {
          this.pos++;
          params.push(this.param());
        }
      }
      this.take(t.RParen);
    }
    const body = this.body();
    return { kind: 'block', keyword, name, params: fitted(params), body, range: this.span(keyword) };
  }

  private param(): ast.BlockParam {
    const name = this.ident(this.take(t.Identifier));
    let def: ast.Value | undefined;
    if (this.is(t.Equals)) {
      this.pos++;
      def = this.value();
    }
    return { kind: 'param', name, default: def, range: this.span(name.range) };
  }

  private train(): ast.TrainDecl {
    const keyword = this.at(this.take(t.Train));
    const model = this.ident(this.take(t.Identifier));
    let versus: ast.Ident | undefined;
    if (this.is(t.Vs)) {
      this.pos++;
      versus = this.ident(this.take(t.Identifier));
    }
    this.take(t.On);
    const data = this.ident(this.take(t.Identifier));
    // `on mnist(flat: true)`: a source called in place, which the check says how to declare (as in parser.ts).
    const dataCall = this.is(t.LParen) ? this.callOf(data) : undefined;
    const settings: ast.Setting[] = [];
    let settingsRange: Range | undefined;
    if (this.is(t.LCurly)) {
      const open = this.ranges.opening(this.take(t.LCurly));
      for (;;) {
        const next = this.peek();
        if (next === t.Newline || next === t.Semicolon) this.pos++;
        else if (next === t.Identifier) settings.push(this.setting());
        else break; // a `,` between settings is reported by chevrotain
      }
      this.ranges.closing(this.take(t.RCurly));
      settingsRange = this.ranges.from(open);
    }
    return { kind: 'train', keyword, model, versus, data, ...(dataCall ? { dataCall } : {}), settings: fitted(settings), settingsRange, range: this.span(keyword) };
  }

  private setting(): ast.Setting {
    const key = this.ident(this.take(t.Identifier));
    this.take(t.Colon);
    const value = this.value();
    this.endOfStatement();
    return { kind: 'setting', key, value, range: this.span(key.range) };
  }

  /** A statement ends at a line break, a `;` or its body's `}`; anything else is chevrotain's to report. */
  private endOfStatement(): void {
    const next = this.peek();
    if (next !== t.Newline && next !== t.Semicolon && next !== t.RCurly) throw GIVE_UP;
  }

  private body(): ast.Body {
    const open = this.ranges.opening(this.take(t.LCurly));
    this.deeper();
    const stmts: ast.Stmt[] = [];
    for (;;) {
      const next = this.peek();
      if (next === t.Newline || next === t.Semicolon) this.pos++;
      else if (next === t.RCurly || next === undefined) break;
      else {
        stmts.push(next === t.Input ? this.input() : next === t.Output ? this.output() : this.chain());
        this.endOfStatement();
      }
    }
    this.ranges.closing(this.take(t.RCurly));
    this.depth--;
    return { kind: 'body', stmts: fitted(stmts), range: this.ranges.from(open) };
  }

  private input(): ast.InputStmt {
    const keyword = this.at(this.take(t.Input));
    let name: ast.Ident | undefined;
    if (this.is(t.Identifier)) {
      name = this.ident(this.take(t.Identifier));
      this.take(t.Colon);
    }
    // A tuple, a bare size, `input x = ...` or `input: ...` is read with a repair: chevrotain's.
    const shape = this.list();
    let dtype: ast.Ident | undefined;
    if (this.is(t.Identifier)) dtype = this.ident(this.take(t.Identifier));
    return { kind: 'input', name, shape, dtype, keyword, range: this.span(keyword) };
  }

  private output(): ast.OutputStmt {
    const keyword = this.at(this.take(t.Output));
    const names: ast.Ident[] = [this.ident(this.take(t.Identifier))];
    while (this.is(t.Comma)) {
      this.pos++;
      names.push(this.ident(this.take(t.Identifier)));
    }
    return { kind: 'output', names: fitted(names), keyword, range: this.span(keyword) };
  }

  private chain(): ast.ChainStmt {
    let target: ast.Ident | undefined;
    if (this.is(t.Identifier) && this.is(t.Equals, 1)) {
      target = this.ident(this.take(t.Identifier));
      this.pos++;
    }
    const steps: ast.Step[] = [this.step()];
    while (this.is(t.Arrow)) {
      this.pos++;
      steps.push(this.step());
    }
    return { kind: 'chain', target, steps: fitted(steps), range: this.span(target?.range ?? steps[0].range) };
  }

  private step(): ast.Step {
    const next = this.peek();
    return next === t.Residual ? this.residual() : next === t.Repeat ? this.repeat() : this.call();
  }

  private residual(): ast.Residual {
    const keyword = this.at(this.take(t.Residual));
    const body = this.body();
    let shortcut: ast.Body | undefined;
    let shortcutKeyword: Range | undefined;
    if (this.is(t.Shortcut)) {
      shortcutKeyword = this.at(this.take(t.Shortcut));
      shortcut = this.body();
    }
    return { kind: 'residual', keyword, body, shortcut, shortcutKeyword, range: this.span(keyword) };
  }

  private repeat(): ast.Repeat {
    const keyword = this.at(this.take(t.Repeat));
    const count = this.value();
    const body = this.body();
    return { kind: 'repeat', keyword, count, body, range: this.span(keyword) };
  }

  private call(): ast.Call {
    return this.callOf(this.ident(this.take(t.Identifier)));
  }

  /** The call of a name just read: its parentheses, if any. */
  private callOf(callee: ast.Ident): ast.Call {
    let args: ast.Arg[] | undefined;
    let argsRange: Range | undefined;
    if (this.is(t.LParen)) {
      const open = this.ranges.opening(this.take(t.LParen));
      this.deeper();
      args = [];
      if (!this.is(t.RParen)) {
        args.push(this.arg());
        while (this.is(t.Comma) && !this.is(t.RParen, 1)) {
          this.pos++;
          args.push(this.arg());
        }
        if (this.is(t.Comma)) this.pos++; // a trailing comma
      }
      this.ranges.closing(this.take(t.RParen));
      this.depth--;
      argsRange = this.ranges.from(open);
    }
    return { kind: 'call', callee, args: args && fitted(args), argsRange, range: this.span(callee.range) };
  }

  private arg(): ast.Arg {
    let name: ast.Ident | undefined;
    // `name = value` is read with a repair: chevrotain's.
    if (this.is(t.Identifier) && this.is(t.Colon, 1)) {
      name = this.ident(this.take(t.Identifier));
      this.pos++;
    }
    const value = this.value();
    return { kind: 'arg', name, value, range: this.span(name?.range ?? value.range) };
  }

  /** Operands joined by operators, as parser.ts's `value` and `product` read them. */
  private value(): ast.Value {
    let sum = this.product();
    for (let type = this.peek(); type === t.Plus || type === t.Minus; type = this.peek()) {
      const op = this.tokens[this.pos++];
      sum = this.arith(sum, op, this.product());
    }
    return sum;
  }

  private product(): ast.Value {
    let product = this.operand();
    for (let type = this.peek(); type === t.Star || type === t.Slash || type === t.DoubleSlash; type = this.peek()) {
      const op = this.tokens[this.pos++];
      product = this.arith(product, op, this.operand());
    }
    return product;
  }

  private arith(left: ast.Value, op: IToken, right: ast.Value): ast.Arith {
    return { kind: 'arith', op: op.image as ast.ArithOp, left, right, range: this.span(left.range) };
  }

  /** `(a + b)`: parentheses around one arithmetic value group it (any other tuple is chevrotain's to report). */
  private group(): ast.Arith {
    const open = this.at(this.take(t.LParen));
    this.deeper();
    const inner = this.value();
    if (inner.kind !== 'arith') throw GIVE_UP;
    this.at(this.take(t.RParen));
    this.depth--;
    return { kind: 'arith', op: inner.op, left: inner.left, right: inner.right, range: this.span(open) };
  }

  private operand(): ast.Value {
    const tok = this.tokens[this.pos];
    switch (tok?.tokenType) {
      case t.NumberLiteral:
        return this.number();
      case t.StringLiteral:
        this.pos++;
        return { kind: 'string', value: unquote(tok.image), range: this.at(tok) };
      case t.True:
        this.pos++;
        return { kind: 'bool', value: true, range: this.at(tok) };
      case t.False:
        this.pos++;
        return { kind: 'bool', value: false, range: this.at(tok) };
      case t.Question:
        this.pos++;
        return { kind: 'unknown', range: this.at(tok) };
      case t.Identifier:
        return this.call();
      case t.LParen:
        return this.group();
      default:
        return this.list();
    }
  }

  private number(): ast.NumberLit {
    const n = this.take(t.NumberLiteral);
    return { kind: 'number', value: Number(n.image), text: n.image, range: this.at(n) };
  }

  private list(): ast.ListLit {
    const open = this.ranges.opening(this.take(t.LBracket));
    this.deeper();
    const items: ast.Value[] = [];
    if (!this.is(t.RBracket)) {
      items.push(this.value());
      while (this.is(t.Comma) && !this.is(t.RBracket, 1)) {
        this.pos++;
        items.push(this.value());
      }
      if (this.is(t.Comma)) this.pos++;
    }
    this.ranges.closing(this.take(t.RBracket));
    this.depth--;
    return { kind: 'list', items: fitted(items), range: this.ranges.from(open) };
  }
}

export interface WellFormed {
  decl: ast.Decl;
  /** Every position in the tree, each once, as the chevrotain parser lists them (range-builder.ts). */
  positions: Position[];
}

/** The declaration's tree, if its tokens (trailing separators left off) are well formed; otherwise undefined. */
export function readWellFormed(tokens: IToken[]): WellFormed | undefined {
  const reader = new WellFormedReader(tokens);
  try {
    return { decl: reader.declaration(), positions: reader.ranges.positions };
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}
