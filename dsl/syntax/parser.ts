/**
 * The chevrotain parser. It builds the AST directly (embedded actions: no CST pass)
 * and recovers from errors. The file is cut into declarations at the declaration
 * keywords first, so a broken declaration can never swallow the next one.
 */
import { EmbeddedActionsParser, type IOrAlt, type IParserErrorMessageProvider, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import type { Fix } from '../diagnostics';
import { fitted } from '../fitted';
import type * as ast from './ast';
import { contains, type Range } from './range';
import { RangeBuilder, tokenRange } from './range-builder';
import { valueText } from './value-text';
import * as t from './tokens';

export interface SyntaxError {
  message: string;
  range: Range;
  /** Where the mistake has one obvious repair (two statements on a line: a ';' between them). */
  fixes?: Fix[];
  /** The line was still read as written (a body left open after it): other findings on it stand. */
  lineReadAsWritten?: true;
  /** The model that Python code says (a PyTorch class, a Keras functional model), which only the fix declares in dlnet. */
  declares?: string;
  /** A call where a train setting's name goes (`adam(learningRate: 0.01)` on a line of its own): the analysis, which knows the settings, names the one it sets. */
  settingCall?: string;
}

const TUPLE = 'a list is written in brackets [ ], not parentheses ( )';

/** A layer's functional call's tensors: the first, the others (`(x, x)`), and where the parentheses stand. */
interface Applied {
  value: ast.Value;
  more: ast.Value[];
  range: Range;
}

/** What each rule is, in words, for "expected X but found Y". */
const ruleWords: Record<string, string> = {
  declaration: 'a declaration (dataset, model, block or train)',
  statement: 'a statement (input, output, or a chain of layers)',
  step: 'a layer, block, residual or repeat',
  value: 'a value (a number, string, name, call or list)',
  product: 'a value (a number, string, name, call or list)',
  operand: 'a value (a number, string, name, call or list)',
  shape: 'a shape such as [28, 28, 1]',
  outputStmt: 'the names of the outputs (output a, b)',
  chainStmt: 'a layer, block, residual or repeat',
  repeat: 'a repeat count',
};

export function describeToken(tok: IToken): string {
  if (tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset) || tok.isInsertedInRecovery) return 'the end of the declaration';
  if (tok.tokenType === t.Newline) return 'the end of the line';
  // A string shows its own quotes.
  if (tok.tokenType === t.StringLiteral) return `the string ${tok.image}`;
  return `'${tok.image}'`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${expected.LABEL ?? expected.name} but found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `expected the end of the declaration but found ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `expected ${ruleWords[ruleName] ?? ruleName} but found ${describeToken(actual[0])}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `expected ${ruleWords[ruleName] ?? ruleName} but found ${describeToken(actual[0])}`,
};

class DlnetParser extends EmbeddedActionsParser {
  /** The tree's ranges, and every position in them (see range-builder.ts). */
  readonly ranges = new RangeBuilder();
  /** Alternatives built once: chevrotain's OR would otherwise allocate them on every call. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private alts: Record<string, IOrAlt<any>[]> = {};
  extraErrors: SyntaxError[] = [];
  /** The errors of the tuples read so far in this declaration: a tuple around them takes them into its own. */
  private tuples = new Set<SyntaxError>();
  /** The commas between the settings of the train block being parsed (see `commasBetweenSettings`). */
  private settingCommas: { comma: IToken; lineEnds: boolean }[] = [];

  constructor() {
    super(t.allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  begin(tokens: IToken[]): void {
    this.input = tokens;
    this.extraErrors = [];
    this.tuples.clear();
    this.ranges.begin();
  }

  private at(tok: IToken): Range {
    return this.ranges.at(tok);
  }

  /** Stand-ins returned by rules that failed and were recovered, so the tree has no holes. */
  private here(): Range {
    return this.ranges.here();
  }
  private missingCall = (): ast.Call => ({ kind: 'call', callee: { kind: 'ident', text: '', range: this.here() }, range: this.here() });
  private missingList = (): ast.ListLit => ({ kind: 'list', items: [], range: this.here() });
  private missingBody = (): ast.Body => ({ kind: 'body', stmts: [], range: this.here() });

  private ident(tok: IToken): ast.Ident {
    const range = this.at(tok);
    return { kind: 'ident', text: tok.isInsertedInRecovery ? '' : tok.image, range };
  }

  private span(from: Range): Range {
    return this.ranges.span(from);
  }

  /**
   * Statements end at a newline, `;`, or the `}` that closes their body; a train setting
   * also at a `,`, which `commasBetweenSettings` reports.
   */
  private endOfStatement(inSettings = false): void {
    const next = this.LA(1);
    const ok = [t.Newline, t.Semicolon, t.RCurly].some((type) => tokenMatcher(next, type))
      || (inSettings && tokenMatcher(next, t.Comma))
      || next.tokenType.name === 'EOF';
    if (!ok) {
      const range = tokenRange(next);
      this.extraErrors.push({
        message: `expected the end of the statement (a new line or ';'), found '${next.image}'`,
        range,
        fixes: this.startsStatement() ? [{ title: "Separate the statements with ';'", edits: [{ range: { start: range.start, end: range.start }, newText: '; ' }] }] : undefined,
      });
    }
  }

  /**
   * `{ loss: mse, epochs: 3 }`, as JSON and Python write it: the settings parse on, and one
   * error at the first comma of the block has the fix for all of them.
   */
  private commasBetweenSettings(commas: { comma: IToken; lineEnds: boolean }[]): void {
    if (commas.length === 0) return;
    // A comma that ends its line (or the block) goes: the line break already separates.
    const edits = commas.map(({ comma, lineEnds }) => ({ range: tokenRange(comma), newText: lineEnds ? '' : ';' }));
    this.extraErrors.push({
      message: "train settings are separated by ';' or a new line, not ','",
      range: edits[0].range,
      fixes: [{ title: "Separate the settings with ';' or a new line", edits, preferred: true }],
    });
  }

  /** `activation=relu`, as Python writes a named argument: an error with the `:` it means, and the call parses on. */
  private equalsForColon(name: IToken, eq: IToken, message = `a named argument takes ':' (${name.image}: ...), not '='`): void {
    const next = this.LA(1);
    const range = tokenRange(eq);
    // From the name to the value, so `units = 3` and `units=3` both become `units: 3`.
    const sameLine = next.startLine === name.startLine && !Number.isNaN(next.startOffset);
    const span = sameLine ? { start: tokenRange(name).end, end: tokenRange(next).start } : range;
    this.extraErrors.push({
      message,
      range,
      fixes: [{ title: "Replace '=' with ':'", edits: [{ range: span, newText: sameLine ? ': ' : ':' }], preferred: true }],
    });
  }

  /** `input: [2]`: the input is read without a name; the fix gives it one. */
  private colonWithoutName(keyword: Range, colon: IToken): void {
    this.extraErrors.push({
      message: "an input's ':' follows its name (input x: [...]); an input without one is written input [...]",
      range: tokenRange(colon),
      fixes: [{ title: 'Name the input x', edits: [{ range: { start: keyword.end, end: keyword.end }, newText: ' x' }], preferred: true }],
    });
  }

  /**
   * `(3, 3)`, as Python writes a tuple: an error with the list it means, read as that list.
   * `closeRange` is where the `)` is, or an empty range after the last item where it is missing.
   */
  private parenthesesForList(openRange: Range, closeRange: Range): void {
    const range = { start: openRange.start, end: closeRange.end };
    // Tuples in this one (`((0, 1), (2, 3))`) were reported first: one error, whose fix writes them all as lists.
    const inner = this.extraErrors.filter((e) => this.tuples.has(e) && contains(range, e.range.start));
    this.extraErrors = this.extraErrors.filter((e) => !inner.includes(e));
    const error: SyntaxError = {
      message: TUPLE,
      range,
      fixes: [{ title: 'Write it as a list in brackets', edits: [{ range: openRange, newText: '[' }, ...inner.flatMap((e) => e.fixes![0].edits), { range: closeRange, newText: ']' }], preferred: true }],
    };
    this.tuples.add(error);
    this.extraErrors.push(error);
  }

  /** `input x: 784` (or `(28 * 28)`, which Python reads as one number): an error with the list it means, `[784]`, read as that list. */
  private bareSize(size: ast.NumberLit | ast.Arith): ast.ListLit {
    const text = valueText(size);
    this.extraErrors.push({
      message: `an input's shape is a list of sizes, such as [${text}]`,
      range: size.range,
      fixes: [{ title: `Write it as [${text}]`, edits: [{ range: size.range, newText: `[${text}]` }], preferred: true }],
    });
    return { kind: 'list', items: [size], range: size.range };
  }

  /**
   * `output = dense(2)`: a tensor named after a statement keyword. Said at the keyword, so
   * that this, not the grammar's "expected ..." at the `=`, is the line's error.
   */
  private keywordAsName(kw: IToken, range: Range): void {
    if (!tokenMatcher(this.LA(1), t.Equals)) return;
    this.extraErrors.push({ message: `'${kw.image}' is a keyword and cannot name a tensor (${kw.image === 'output' ? 'output a, b names the outputs' : 'input x: [2] declares an input'}); choose another name`, range });
  }

  /**
   * Keras's functional call, `Dense(64)(inputs)` or `Concatenate()([a, b])`: an error whose
   * fix writes the dlnet step (`inputs -> Dense(64)`, `Concatenate(a, b)`), and the steps
   * read as that, so the model is checked on. Only where the call starts its chain and is
   * applied to names.
   */
  private functionalCall(step: ast.Step, applied: Applied, first: boolean): ast.Step[] {
    const tensors = applied.value?.kind === 'list' ? applied.value.items : [applied.value];
    const names = tensors.every((v): v is ast.Call => v?.kind === 'call' && !v.args) ? (tensors as ast.Call[]) : undefined;
    const message = "a layer applied to its input with a second '(...)' is Keras's functional call";
    if (applied.more.length) {
      // `MultiHeadAttention(...)(x, x)`: query and value the same tensor, self-attention, a layer on one input; different ones (cross-attention) have no dlnet form.
      const same = names?.length === 1 && applied.more.every((v) => v?.kind === 'call' && !v.args && v.callee.text === names[0].callee.text);
      if (!same) {
        this.extraErrors.push({ message: `${message} on several tensors, as Keras's MultiHeadAttention(...)(query, value) attends from one to another; dlnet's selfAttention attends within one tensor: x -> selfAttention(heads)`, range: applied.range });
        return step ? [step] : [];
      }
    }
    if (!first || step?.kind !== 'call' || !names?.length) {
      this.extraErrors.push({ message: `${message}; dlnet writes the input first, in a chain: x -> dense(64)`, range: applied.range });
      return step ? [step] : [];
    }
    const drop = { range: applied.range, newText: '' };
    const list = names.map((n) => n.callee.text).join(', ');
    if (names.length === 1) {
      const at = step.range.start;
      this.extraErrors.push({
        message: `${message}; dlnet writes the input first, in a chain: ${list} -> ${step.callee.text}(...)`,
        range: applied.range,
        fixes: [{ title: `Write ${list} -> ${step.callee.text}(...)`, edits: [{ range: { start: at, end: at }, newText: `${list} -> ` }, drop], preferred: true }],
        // The layer's call is read as written: its own findings (`input_dim` for `inputDim`) stand beside this one.
        lineReadAsWritten: true,
      });
      return [names[0], step];
    }
    // A merge takes its tensors as its arguments: `concat(a, b)`.
    const given = step.args ?? [];
    const after = step.argsRange && { line: step.argsRange.start.line, character: step.argsRange.start.character + 1 }; // inside its '('
    const into = after ? { start: after, end: after } : { start: step.callee.range.end, end: step.callee.range.end };
    const written = step.argsRange ? `${list}${given.length ? ', ' : ''}` : `(${list})`;
    this.extraErrors.push({
      message: `${message}; dlnet gives a merge its tensors as arguments: ${step.callee.text}(${list})`,
      range: applied.range,
      fixes: [{ title: `Write ${step.callee.text}(${list}${given.length ? ', ...' : ''})`, edits: [{ range: into, newText: written }, drop], preferred: true }],
    });
    const args = names.map((n): ast.Arg => ({ kind: 'arg', name: undefined, value: n, range: n.range }));
    return [{ ...step, args: [...args, ...given] }];
  }

  /**
   * `c = a + b`, as NumPy and PyTorch add tensors: an error whose fix writes the merge layer
   * (`add(a, b)`; `a * b * c` is `multiply(a, b, c)`), and the step read as that merge, so
   * the model is checked on. Arithmetic is on numbers and sizes; other uses get no fix.
   */
  private tensorArithmetic(steps: ast.Step[], op: IToken, right: ast.Value): ast.Step[] {
    const merge = op.image === '+' ? 'add' : op.image === '-' ? 'subtract' : op.image === '*' ? 'multiply' : undefined;
    const left = steps.length === 1 && steps[0]?.kind === 'call' && !steps[0].args ? steps[0] : undefined;
    const operands = left && right ? [left, ...joined(right, op.image)] : [];
    const names = operands.every((v): v is ast.Call => v.kind === 'call' && !v.args) ? operands : undefined;
    const range = { start: (steps[0] ?? left)?.range.start ?? tokenRange(op).start, end: right?.range.end ?? tokenRange(op).end };
    if (!merge || !left || !names || (merge === 'subtract' && names.length !== 2)) {
      this.extraErrors.push({ message: `'${op.image}' works on numbers and sizes, not on tensors: merge layers combine tensors (add, subtract, multiply, average, maximum, concat)`, range });
      return steps;
    }
    const text = `${merge}(${names.map((n) => n.callee.text).join(', ')})`;
    this.extraErrors.push({
      message: `'${op.image}' works on numbers and sizes, not on tensors; the ${merge} layer combines tensors: ${text}`,
      range,
      fixes: [{ title: `Write ${text}`, edits: [{ range, newText: text }], preferred: true }],
    });
    const args = names.map((n): ast.Arg => ({ kind: 'arg', name: undefined, value: n, range: n.range }));
    // The merge stands where the operator does: its name has no other place, and `a` keeps its own.
    return [{ kind: 'call', callee: { kind: 'ident', text: merge, range: tokenRange(op) }, args, argsRange: range, range }];
  }

  /** The next tokens begin a statement of their own (not, say, a stray `activation: relu`). */
  private startsStatement(): boolean {
    const next = this.LA(1);
    if ([t.Input, t.Output, t.Residual, t.Repeat].some((type) => tokenMatcher(next, type))) return true;
    return tokenMatcher(next, t.Identifier) && !tokenMatcher(this.LA(2), t.Colon);
  }

  separator = this.RULE('separator', () => {
    this.OR((this.alts.separator ??= [{ ALT: () => this.CONSUME(t.Newline) }, { ALT: () => this.CONSUME(t.Semicolon) }]));
  });

  declaration = this.RULE('declaration', (): ast.Decl | undefined =>
    this.OR((this.alts.declaration ??= [
      { ALT: () => this.SUBRULE(this.datasetDecl) },
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ])),
  );

  datasetDecl = this.RULE('datasetDecl', (): ast.DatasetDecl => {
    const kw = this.CONSUME(t.Dataset);
    const keyword = this.ACTION(() => this.at(kw));
    const name = this.CONSUME(t.Identifier);
    const nameNode = this.ACTION(() => this.ident(name));
    this.CONSUME(t.Equals);
    const source = this.SUBRULE(this.call);
    return this.ACTION(() => ({ kind: 'dataset', keyword, name: nameNode, source, range: this.span(keyword) }) as ast.DatasetDecl);
  });

  modelDecl = this.RULE('modelDecl', (): ast.ModelDecl => {
    const kw = this.CONSUME(t.Model);
    const name = this.CONSUME(t.Identifier);
    const keyword = this.ACTION(() => this.at(kw));
    const nameNode = this.ACTION(() => this.ident(name));
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => ({ kind: 'model', keyword, name: nameNode, body, range: this.span(keyword) }) as ast.ModelDecl);
  });

  blockDecl = this.RULE('blockDecl', (): ast.BlockDecl => {
    const kw = this.CONSUME(t.Block);
    const name = this.CONSUME(t.Identifier);
    const keyword = this.ACTION(() => this.at(kw));
    const nameNode = this.ACTION(() => this.ident(name));
    const params: ast.BlockParam[] = [];
    // A block that takes no parameters may leave out its `()`, as a model does.
    this.OPTION2(() => {
      this.CONSUME(t.LParen);
      this.MANY_SEP({
        SEP: t.Comma,
        DEF: () => {
          const p = this.SUBRULE(this.blockParam);
          // A parameter the parser made up in recovery has no name: it is left out, so that no use is told it "needs ''".
          this.ACTION(() => p?.name.text && params.push(p));
        },
      });
      this.CONSUME(t.RParen);
    });
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => ({ kind: 'block', keyword, name: nameNode, params: fitted(params), body, range: this.span(keyword) }) as ast.BlockDecl);
  });

  blockParam = this.RULE('blockParam', (): ast.BlockParam => {
    const name = this.CONSUME(t.Identifier);
    const nameNode = this.ACTION(() => this.ident(name));
    let def: ast.Value | undefined;
    this.OPTION(() => {
      this.CONSUME(t.Equals);
      def = this.SUBRULE(this.value);
    });
    return this.ACTION(() => ({ kind: 'param', name: nameNode, default: def, range: this.span(nameNode.range) }) as ast.BlockParam);
  });

  trainDecl = this.RULE('trainDecl', (): ast.TrainDecl => {
    const kw = this.CONSUME(t.Train);
    const keyword = this.ACTION(() => this.at(kw));
    const model = this.CONSUME1(t.Identifier);
    const modelNode = this.ACTION(() => this.ident(model));
    let versus: ast.Ident | undefined;
    this.OPTION(() => {
      this.CONSUME(t.Vs);
      const d = this.CONSUME2(t.Identifier);
      versus = this.ACTION(() => this.ident(d));
    });
    this.CONSUME(t.On);
    const data = this.CONSUME3(t.Identifier);
    const dataNode = this.ACTION(() => this.ident(data));
    // `train M on mnist(flat: true)`, a source called in place, as Keras's fit takes data: read, so the check can say how to declare it.
    let dataCall: ast.Call | undefined;
    this.OPTION3(() => {
      const given = this.SUBRULE(this.callArgs);
      // Nothing where recovery gave the arguments up (`mnist((`): the train statement is read without them.
      this.ACTION(() => given && (dataCall = { kind: 'call', callee: dataNode, args: fitted(given.args), argsRange: given.argsRange, range: this.span(dataNode.range) }));
    });
    const settings: ast.Setting[] = [];
    let settingsRange: Range | undefined;
    this.OPTION2(() => {
      const open = this.CONSUME(t.LCurly);
      const start = this.ACTION(() => this.ranges.opening(open));
      this.ACTION(() => (this.settingCommas = []));
      this.MANY(() => {
        const s = this.OR((this.alts.settingOrSeparator ??= [
          { ALT: () => { this.SUBRULE(this.separator); return undefined; } },
          {
            ALT: () => {
              const comma = this.CONSUME(t.Comma);
              // The lexer drops a line break after a comma: the next token is then on a later line.
              this.ACTION(() => {
                const next = this.LA(1);
                this.settingCommas.push({ comma, lineEnds: tokenMatcher(next, t.RCurly) || !(next.startLine! <= comma.startLine!) });
              });
              return undefined;
            },
          },
          { ALT: () => this.SUBRULE(this.setting) },
        ]));
        this.ACTION(() => s && settings.push(s));
      });
      this.ACTION(() => this.commasBetweenSettings(this.settingCommas));
      const close = this.CONSUME(t.RCurly);
      this.ACTION(() => {
        this.ranges.closing(close);
        settingsRange = this.ranges.from(start);
      });
    });
    return this.ACTION(() => ({
      kind: 'train', keyword, model: modelNode, versus, data: dataNode, ...(dataCall ? { dataCall } : {}), settings: fitted(settings), settingsRange, range: this.span(keyword),
    }) as ast.TrainDecl);
  });

  setting = this.RULE('setting', (): ast.Setting => {
    const key = this.CONSUME(t.Identifier);
    const keyNode = this.ACTION(() => this.ident(key));
    this.CONSUME(t.Colon);
    const value = this.SUBRULE(this.value);
    this.ACTION(() => this.endOfStatement(true));
    return this.ACTION(() => ({ kind: 'setting', key: keyNode, value, range: this.span(keyNode.range) }) as ast.Setting);
  });

  body = this.RULE('body', (): ast.Body => {
    const open = this.CONSUME(t.LCurly);
    const start = this.ACTION(() => this.ranges.opening(open));
    const stmts: ast.Stmt[] = [];
    this.MANY(() => {
      const s = this.OR((this.alts.statementOrSeparator ??= [
        { ALT: () => { this.SUBRULE(this.separator); return undefined; } },
        { ALT: () => this.SUBRULE(this.statement) },
      ]));
      this.ACTION(() => s && stmts.push(s));
    });
    const close = this.CONSUME(t.RCurly);
    return this.ACTION(() => {
      this.ranges.closing(close);
      return { kind: 'body', stmts: fitted(stmts), range: this.ranges.from(start) } as ast.Body;
    });
  }, { recoveryValueFunc: this.missingBody });

  statement = this.RULE('statement', (): ast.Stmt => {
    const stmt = this.OR((this.alts.statement ??= [
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.outputStmt) },
      { ALT: () => this.SUBRULE(this.chainStmt) },
    ]));
    this.ACTION(() => this.endOfStatement());
    return stmt;
  });

  inputStmt = this.RULE('inputStmt', (): ast.InputStmt => {
    const kw = this.CONSUME(t.Input);
    const keyword = this.ACTION(() => this.at(kw));
    this.ACTION(() => this.keywordAsName(kw, keyword));
    let name: ast.Ident | undefined;
    // `input x = [2]`, as an assignment: read as the `:` it means.
    this.OPTION4({
      GATE: () => tokenMatcher(this.LA(2), t.Equals),
      DEF: () => {
        const n = this.CONSUME3(t.Identifier);
        const eq = this.CONSUME(t.Equals);
        name = this.ACTION(() => this.ident(n));
        this.ACTION(() => this.equalsForColon(n, eq, `an input's name takes ':' (input ${n.image}: [...]), not '='`));
      },
    });
    this.OPTION(() => {
      const n = this.CONSUME(t.Identifier);
      name = this.ACTION(() => this.ident(n));
      this.CONSUME(t.Colon);
    });
    // `input: [2]`: a name left out, not the colon put in.
    this.OPTION3(() => {
      const colon = this.CONSUME2(t.Colon);
      this.ACTION(() => this.colonWithoutName(keyword, colon));
    });
    const shape = this.SUBRULE(this.shape);
    let dtype: ast.Ident | undefined;
    this.OPTION2(() => {
      const d = this.CONSUME2(t.Identifier);
      dtype = this.ACTION(() => this.ident(d));
    });
    return this.ACTION(() => ({ kind: 'input', name, shape, dtype, keyword, range: this.span(keyword) }) as ast.InputStmt);
  });

  outputStmt = this.RULE('outputStmt', (): ast.OutputStmt => {
    const kw = this.CONSUME(t.Output);
    const keyword = this.ACTION(() => this.at(kw));
    this.ACTION(() => this.keywordAsName(kw, keyword));
    const names: ast.Ident[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: t.Comma,
      DEF: () => {
        const n = this.CONSUME(t.Identifier);
        this.ACTION(() => names.push(this.ident(n)));
      },
    });
    return this.ACTION(() => ({ kind: 'output', names: fitted(names), keyword, range: this.span(keyword) }) as ast.OutputStmt);
  });

  chainStmt = this.RULE('chainStmt', (): ast.ChainStmt => {
    let target: ast.Ident | undefined;
    this.OPTION({
      GATE: () => tokenMatcher(this.LA(2), t.Equals),
      DEF: () => {
        const n = this.CONSUME(t.Identifier);
        target = this.ACTION(() => this.ident(n));
        this.CONSUME(t.Equals);
      },
    });
    const steps: ast.Step[] = [];
    let readsAgain: ast.Ident[] | undefined;
    const errorsBefore = this.ACTION(() => this.errors.length);
    this.AT_LEAST_ONE_SEP({
      SEP: t.Arrow,
      DEF: () => {
        const s = this.SUBRULE(this.step);
        // `Dense(64)(inputs)`: a layer applied to its input, as Keras's functional API writes it.
        const applied = this.OPTION2(() => this.SUBRULE2(this.appliedTo));
        this.ACTION(() => {
          if (applied) {
            const read = this.functionalCall(s, applied, steps.length === 0);
            steps.push(...read);
            // `(x, x)`: the second x is a use of x too; in `(x, y)`, read as no chain, both are.
            const given = applied.more.length ? [applied.value, ...applied.more] : [];
            const again = given.filter((v): v is ast.Call => v?.kind === 'call' && !v.args && !read.includes(v)).map((v) => v.callee);
            if (again.length) readsAgain = [...(readsAgain ?? []), ...again];
          }
          else if (s) steps.push(s);
        });
      },
    });
    // `c = a + b`, as NumPy and PyTorch combine tensors.
    this.OPTION3(() => {
      const op = this.OR((this.alts.tensorOperator ??= [t.Plus, t.Minus, t.Star, t.Slash, t.DoubleSlash].map((type) => ({ ALT: () => this.CONSUME(type) }))));
      const right = this.SUBRULE3(this.value);
      // Not after a step the parser had to repair (`dense(+2)`): its error says what is wrong there.
      this.ACTION(() => this.errors.length === errorsBefore && steps.splice(0, steps.length, ...this.tensorArithmetic(steps, op, right)));
    });
    return this.ACTION(() => {
      const start = target?.range ?? steps[0]?.range ?? this.here();
      return { kind: 'chain', target, steps: fitted(steps), ...(readsAgain ? { readsAgain } : {}), range: this.span(start) } as ast.ChainStmt;
    });
  });

  /** The `(inputs)` of `Dense(64)(inputs)` (or `(x, x)`, as Keras's MultiHeadAttention takes its query and value), and where its parentheses stand. */
  appliedTo = this.RULE('appliedTo', (): Applied => {
    const open = this.CONSUME(t.LParen);
    const start = this.ACTION(() => this.ranges.opening(open));
    const value = this.SUBRULE(this.value);
    const more: ast.Value[] = [];
    this.MANY(() => {
      this.CONSUME(t.Comma);
      const next = this.SUBRULE2(this.value);
      this.ACTION(() => more.push(next));
    });
    const close = this.CONSUME(t.RParen);
    return this.ACTION(() => {
      this.ranges.closing(close);
      return { value, more, range: this.ranges.from(start) };
    });
  });

  step = this.RULE('step', (): ast.Step =>
    this.OR((this.alts.step ??= [
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.residual) },
      { ALT: () => this.SUBRULE(this.repeat) },
    ])),
  { recoveryValueFunc: this.missingCall });

  residual = this.RULE('residual', (): ast.Residual => {
    const kw = this.CONSUME(t.Residual);
    const keyword = this.ACTION(() => this.at(kw));
    const body = this.SUBRULE(this.body);
    let shortcut: ast.Body | undefined;
    let shortcutKeyword: Range | undefined;
    this.OPTION(() => {
      const s = this.CONSUME(t.Shortcut);
      shortcutKeyword = this.ACTION(() => this.at(s));
      shortcut = this.SUBRULE2(this.body);
    });
    return this.ACTION(() => ({ kind: 'residual', keyword, body, shortcut, shortcutKeyword, range: this.span(keyword) }) as ast.Residual);
  });

  repeat = this.RULE('repeat', (): ast.Repeat => {
    const kw = this.CONSUME(t.Repeat);
    const keyword = this.ACTION(() => this.at(kw));
    const count = this.SUBRULE(this.value);
    const body = this.SUBRULE(this.body);
    return this.ACTION(() => ({ kind: 'repeat', keyword, count, body, range: this.span(keyword) }) as ast.Repeat);
  });

  call = this.RULE('call', (): ast.Call => {
    const callee = this.CONSUME(t.Identifier);
    const calleeNode = this.ACTION(() => this.ident(callee));
    let given: { args: ast.Arg[]; argsRange: Range } | undefined;
    this.OPTION(() => (given = this.SUBRULE(this.callArgs)));
    return this.ACTION(() => ({ kind: 'call', callee: calleeNode, args: given && fitted(given.args), argsRange: given?.argsRange, range: this.span(calleeNode.range) }) as ast.Call);
  }, { recoveryValueFunc: this.missingCall });

  /** A call's parentheses and what they hold. */
  callArgs = this.RULE('callArgs', (): { args: ast.Arg[]; argsRange: Range } => {
    const open = this.CONSUME(t.LParen);
    const start = this.ACTION(() => this.ranges.opening(open));
    const args: ast.Arg[] = [];
    let argsRange: Range | undefined;
    this.OPTION(() => {
      const first = this.SUBRULE(this.arg);
      this.ACTION(() => first && args.push(first));
      this.MANY({
        GATE: () => !tokenMatcher(this.LA(2), t.RParen),
        DEF: () => {
          this.CONSUME(t.Comma);
          const a = this.SUBRULE2(this.arg);
          this.ACTION(() => a && args.push(a));
        },
      });
      this.OPTION2(() => this.CONSUME2(t.Comma));
    });
    const close = this.CONSUME(t.RParen);
    this.ACTION(() => {
      this.ranges.closing(close);
      argsRange = this.ranges.from(start);
    });
    return { args, argsRange: argsRange! };
  });

  arg = this.RULE('arg', (): ast.Arg => {
    let name: ast.Ident | undefined;
    this.OPTION({
      GATE: () => tokenMatcher(this.LA(2), t.Colon) || tokenMatcher(this.LA(2), t.Equals),
      DEF: () => {
        const n = this.CONSUME(t.Identifier);
        name = this.ACTION(() => this.ident(n));
        // The alternatives are built once, so they must not close over `n`: the caller looks at what they consumed.
        const separator = this.OR1((this.alts.argColon ??= [{ ALT: () => this.CONSUME(t.Colon) }, { ALT: () => this.CONSUME(t.Equals) }]));
        this.ACTION(() => tokenMatcher(separator, t.Equals) && this.equalsForColon(n, separator));
      },
    });
    const value = this.SUBRULE(this.value);
    return this.ACTION(() => {
      const start = name?.range ?? value?.range ?? this.here();
      return { kind: 'arg', name, value, range: this.span(start) } as ast.Arg;
    });
  });

  /** A value: operands joined by operators, `*`, `/` and `//` binding tighter than `+` and `-`, each from the left. */
  value = this.RULE('value', (): ast.Value => {
    let sum = this.SUBRULE(this.product);
    this.MANY(() => {
      const op = this.OR((this.alts.sum ??= [{ ALT: () => this.CONSUME(t.Plus) }, { ALT: () => this.CONSUME(t.Minus) }]));
      const right = this.SUBRULE2(this.product);
      this.ACTION(() => (sum = this.arith(sum, op, right)));
    });
    return sum;
  }, { recoveryValueFunc: this.missingCall });

  product = this.RULE('product', (): ast.Value => {
    let product = this.SUBRULE(this.operand);
    this.MANY(() => {
      const op = this.OR((this.alts.product ??= [{ ALT: () => this.CONSUME(t.Star) }, { ALT: () => this.CONSUME(t.Slash) }, { ALT: () => this.CONSUME(t.DoubleSlash) }]));
      const right = this.SUBRULE2(this.operand);
      this.ACTION(() => (product = this.arith(product, op, right)));
    });
    return product;
  }, { recoveryValueFunc: this.missingCall });

  /** The operator makes no range: the node's range runs from its left operand's start to the right one's end. */
  private arith(left: ast.Value, op: IToken, right: ast.Value): ast.Arith {
    return { kind: 'arith', op: op.image as ast.ArithOp, left, right, range: this.span(left.range) };
  }

  operand = this.RULE('operand', (): ast.Value =>
    this.OR((this.alts.value ??= [
      { ALT: () => this.SUBRULE(this.numberLit) },
      {
        ALT: () => {
          const s = this.CONSUME(t.StringLiteral);
          return this.ACTION(() => ({ kind: 'string', value: unquote(s.image), range: this.at(s) }) as ast.StringLit);
        },
      },
      {
        ALT: () => {
          const b = this.CONSUME(t.True);
          return this.ACTION(() => ({ kind: 'bool', value: true, range: this.at(b) }) as ast.BoolLit);
        },
      },
      {
        ALT: () => {
          const b = this.CONSUME(t.False);
          return this.ACTION(() => ({ kind: 'bool', value: false, range: this.at(b) }) as ast.BoolLit);
        },
      },
      {
        ALT: () => {
          const q = this.CONSUME(t.Question);
          return this.ACTION(() => ({ kind: 'unknown', range: this.at(q) }) as ast.UnknownDim);
        },
      },
      { ALT: () => this.SUBRULE(this.call) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.tuple) },
    ])),
  { recoveryValueFunc: this.missingCall });

  numberLit = this.RULE('numberLit', (): ast.NumberLit => {
    const n = this.CONSUME(t.NumberLiteral);
    return this.ACTION(() => ({ kind: 'number', value: Number(n.image), text: n.image, range: this.at(n) }) as ast.NumberLit);
  }, { recoveryValueFunc: () => ({ kind: 'number', value: NaN, text: '', range: this.here() }) as ast.NumberLit });

  /** The values of a list up to its closing bracket (`close`), a trailing comma allowed. */
  listItems = this.RULE('listItems', (close: TokenType): ast.Value[] => {
    const items: ast.Value[] = [];
    this.OPTION(() => {
      const first = this.SUBRULE(this.value);
      this.ACTION(() => first && items.push(first));
      this.MANY({
        GATE: () => !tokenMatcher(this.LA(2), close),
        DEF: () => {
          this.CONSUME(t.Comma);
          const v = this.SUBRULE2(this.value);
          this.ACTION(() => v && items.push(v));
        },
      });
      this.OPTION2(() => this.CONSUME2(t.Comma));
    });
    return fitted(items);
  }, { recoveryValueFunc: () => [] });

  list = this.RULE('list', (): ast.ListLit => {
    const open = this.CONSUME(t.LBracket);
    const start = this.ACTION(() => this.ranges.opening(open));
    const items = this.SUBRULE(this.listItems, { ARGS: [t.RBracket] });
    const close = this.CONSUME(t.RBracket);
    return this.ACTION(() => {
      this.ranges.closing(close);
      return { kind: 'list', items, range: this.ranges.from(start) } as ast.ListLit;
    });
  }, { recoveryValueFunc: this.missingList });

  /** An input's shape: a list; a tuple or one bare size is reported and read as the list it means. */
  shape = this.RULE('shape', (): ast.ListLit =>
    this.OR((this.alts.shape ??= [
      { ALT: () => this.SUBRULE(this.list) },
      {
        ALT: () => {
          const v = this.SUBRULE(this.tuple);
          return this.ACTION(() => (v.kind === 'list' ? v : this.bareSize(v)));
        },
      },
      {
        ALT: () => {
          const size = this.SUBRULE(this.numberLit);
          return this.ACTION(() => this.bareSize(size));
        },
      },
    ])),
  { recoveryValueFunc: this.missingList });

  /**
   * A list in parentheses, as Python writes a tuple: reported (see `parenthesesForList`) and
   * read as the list. Around one arithmetic value and no comma, parentheses group it
   * (`(a + b) * 2`): that value, its range widened to them.
   */
  tuple = this.RULE('tuple', (): ast.ListLit | ast.Arith => {
    const open = this.CONSUME(t.LParen);
    const openRange = this.ACTION(() => this.at(open));
    const items = this.SUBRULE(this.listItems, { ARGS: [t.RParen] });
    const last = this.ACTION(() => this.LA(0));
    const close = this.CONSUME(t.RParen);
    return this.ACTION(() => {
      const closeRange = this.at(close);
      const group = items.length === 1 && items[0].kind === 'arith' && !tokenMatcher(last, t.Comma) && !close.isInsertedInRecovery ? items[0] : undefined;
      if (group) return { kind: 'arith', op: group.op, left: group.left, right: group.right, range: this.span(openRange) } as ast.Arith;
      this.parenthesesForList(openRange, closeRange);
      return { kind: 'list', items, range: this.span(openRange) } as ast.ListLit;
    });
  }, { recoveryValueFunc: this.missingList });
}

/** The operands of `b + c + d` joined by `op` alone (operators group from the left); else the value itself. */
function joined(v: ast.Value, op: string): ast.Value[] {
  return v.kind === 'arith' && v.op === op && (op === '+' || op === '*') ? [...joined(v.left, op), ...joined(v.right, op)] : [v];
}

/** A string literal's value: its quotes off, `\n`, `\t` and escaped characters read. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

let instance: DlnetParser | undefined;

/** One parser for the process: chevrotain's self-analysis is the expensive part. */
export function parserInstance(): DlnetParser {
  return (instance ??= new DlnetParser());
}

export type { DlnetParser };
