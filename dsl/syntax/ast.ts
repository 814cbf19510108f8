/**
 * The syntax tree. Every node has the exact source range it came from. The tree is
 * built by the parser even for broken input: missing pieces are absent (optional
 * fields) or identifiers with empty text, never exceptions. Nothing changes a tree
 * after parsing, except that its positions' lines move when an analysis of its
 * document finds it further up or down (syntax/parse.ts): a line read from a tree holds
 * for the analysis it was read from, not for later ones.
 */
import type { Range } from './range';

export interface Ident {
  kind: 'ident';
  text: string;
  range: Range;
}

export interface NumberLit {
  kind: 'number';
  value: number;
  text: string;
  range: Range;
}

export interface StringLit {
  kind: 'string';
  value: string;
  range: Range;
}

export interface BoolLit {
  kind: 'bool';
  value: boolean;
  range: Range;
}

/** `?` — an unknown size inside a shape. */
export interface UnknownDim {
  kind: 'unknown';
  range: Range;
}

export interface ListLit {
  kind: 'list';
  items: Value[];
  range: Range;
}

/** `name` or `name(args)`: a layer, a block, a tensor, an enum value or a function. */
export interface Call {
  kind: 'call';
  callee: Ident;
  /** Present when the call has parentheses; its range covers `(` to `)`. */
  args?: Arg[];
  argsRange?: Range;
  range: Range;
}

export interface Arg {
  kind: 'arg';
  name?: Ident;
  value: Value;
  range: Range;
}

export type ArithOp = '+' | '-' | '*' | '/' | '//';

/**
 * `filters * 4`, `units // 2`, `(a + b) * 2`: arithmetic on numbers and sizes, worked out
 * where the value is used (a block's parameters at each use, symbolic sizes in a shape).
 * Parentheses around it widen its range to them; they make no node of their own.
 */
export interface Arith {
  kind: 'arith';
  op: ArithOp;
  left: Value;
  right: Value;
  range: Range;
}

export type Value = NumberLit | StringLit | BoolLit | UnknownDim | ListLit | Call | Arith;

export interface InputStmt {
  kind: 'input';
  name?: Ident;
  shape: ListLit;
  dtype?: Ident;
  keyword: Range;
  range: Range;
}

export interface OutputStmt {
  kind: 'output';
  names: Ident[];
  keyword: Range;
  range: Range;
}

export interface Residual {
  kind: 'residual';
  keyword: Range;
  body: Body;
  shortcut?: Body;
  shortcutKeyword?: Range;
  range: Range;
}

export interface Repeat {
  kind: 'repeat';
  keyword: Range;
  /** A number, a block's parameter, or arithmetic on them (`repeat depth - 1 { ... }`). */
  count: Value;
  body: Body;
  range: Range;
}

export type Step = Call | Residual | Repeat;

export interface ChainStmt {
  kind: 'chain';
  target?: Ident;
  steps: Step[];
  /** Names the statement reads again, besides its first step (Keras's `MultiHeadAttention(...)(x, x)`): uses of that tensor, for rename and references. */
  readsAgain?: Ident[];
  range: Range;
}

export type Stmt = InputStmt | OutputStmt | ChainStmt;

export interface Body {
  kind: 'body';
  stmts: Stmt[];
  range: Range;
}

export interface DatasetDecl {
  kind: 'dataset';
  keyword: Range;
  name: Ident;
  source?: Call;
  range: Range;
}

export interface ModelDecl {
  kind: 'model';
  keyword: Range;
  name: Ident;
  body: Body;
  range: Range;
}

export interface BlockParam {
  kind: 'param';
  name: Ident;
  default?: Value;
  range: Range;
}

export interface BlockDecl {
  kind: 'block';
  keyword: Range;
  name: Ident;
  params: BlockParam[];
  body: Body;
  range: Range;
}

export interface Setting {
  kind: 'setting';
  key: Ident;
  value: Value;
  range: Range;
}

export interface TrainDecl {
  kind: 'train';
  keyword: Range;
  model: Ident;
  /** `train G vs D on data`: D, the discriminator. */
  versus?: Ident;
  data: Ident;
  /** `on mnist(flat: true)`: a source called in place of a dataset's name (an error, whose fix declares it). */
  dataCall?: Call;
  settings: Setting[];
  settingsRange?: Range;
  range: Range;
}

export type Decl = DatasetDecl | ModelDecl | BlockDecl | TrainDecl;

export interface Comment {
  text: string;
  range: Range;
}

export interface SourceFile {
  kind: 'file';
  decls: Decl[];
  comments: Comment[];
  range: Range;
}
