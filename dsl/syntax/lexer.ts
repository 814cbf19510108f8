/**
 * A hand-written lexer producing chevrotain tokens. It is several times faster than
 * chevrotain's regex lexer on large files, and it drops the newlines that cannot end
 * a statement as it goes (see `tokens.ts` for the rule), so the parser sees one
 * clean stream.
 */
import type { IToken, TokenType } from 'chevrotain';
import { visible } from '../diagnostics';
import { isDigit, isIdentPart, isIdentStart, startsDeclaration } from './chars';
export { startsDeclaration };
import { kerasModelMethod, keywordMeant, lastOfPath, nextAfter } from './habits';
import { splitLines } from './range';
import * as t from './tokens';

export interface LexError {
  message: string;
  line: number;
  character: number;
  length: number;
  /** The text that repairs the error, in place of its span (as a fix titled `repairTitle`). */
  repair?: string;
  repairTitle?: string;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: LexError[];
  /** The position after the last character (0-based, as LSP): lines end at \n, \r\n or a lone \r. */
  end: { line: number; character: number };
}

/**
 * What the lexer needs to know of a token type, in one object of one shape: chevrotain's
 * token types differ in shape (longer_alt, group, line_breaks), so reading them in the
 * hot loop would be a megamorphic property access per token.
 */
class Kind {
  readonly idx: number;
  /** A newline right after this token ends nothing (`,`, `->`, `{`, …). */
  readonly dropAfter: boolean;
  /** A newline right before this token ends nothing (`->`, `{`, `shortcut`). */
  readonly dropBefore: boolean;
  readonly opens: boolean;
  readonly closes: boolean;
  /** Resets bracket tracking: braces and declaration keywords. */
  readonly resets: boolean;
  /** Starts a top-level declaration. */
  readonly declaration: boolean;
  /** A value follows: `:`, `=`, `(`, `,`, `[`, an operator. */
  readonly beforeValue: boolean;
  /** A value may end here (a name, a number, `)`, `]`): a `-` after it is a minus, not a number's sign. */
  readonly endsOperand: boolean;

  constructor(readonly type: TokenType) {
    this.idx = type.tokenTypeIdx!;
    const operator = [t.Plus, t.Minus, t.Star, t.Slash, t.DoubleSlash].includes(type);
    this.dropAfter = operator || [t.Newline, t.Semicolon, t.LCurly, t.Arrow, t.Comma, t.Equals, t.Colon].includes(type);
    this.dropBefore = [t.Arrow, t.LCurly, t.Shortcut].includes(type);
    this.opens = type === t.LParen || type === t.LBracket;
    this.closes = type === t.RParen || type === t.RBracket;
    this.declaration = t.declarationKeywords.has(type);
    this.beforeValue = operator || [t.Colon, t.Equals, t.LParen, t.Comma, t.LBracket].includes(type);
    this.endsOperand = [t.Identifier, t.NumberLiteral, t.RParen, t.RBracket].includes(type);
    this.resets = type === t.LCurly || type === t.RCurly || this.declaration;
  }
}

const kinds = new Map<TokenType, Kind>(t.allTokens.map((type) => [type, new Kind(type)]));
const kind = (type: TokenType) => kinds.get(type)!;
const IDENTIFIER = kind(t.Identifier);
const NUMBER = kind(t.NumberLiteral);
const STRING = kind(t.StringLiteral);
const ARROW = kind(t.Arrow);
const NEWLINE = kind(t.Newline);
const COMMENT = kind(t.Comment);
const MINUS = kind(t.Minus);
const DOUBLE_SLASH = kind(t.DoubleSlash);
const keywordKinds = new Map<string, Kind>(t.keywordNames.map((k, i) => [k, kind(t.keywords[i])]));
/** Punctuation by character code (all below 128). */
const punctuation: (Kind | undefined)[] = [];
for (const [c, type] of [['{', t.LCurly], ['}', t.RCurly], ['(', t.LParen], [')', t.RParen], ['[', t.LBracket], [']', t.RBracket], [',', t.Comma], [':', t.Colon], [';', t.Semicolon], ['=', t.Equals], ['?', t.Question], ['+', t.Plus], ['*', t.Star], ['/', t.Slash]] as const) {
  punctuation[c.charCodeAt(0)] = kind(type);
}

const isPunctuation = (c: number) => c < 128 && punctuation[c] !== undefined;
/** Characters that start no token and are no white space: a run of them is one error. */
const isStray = (c: number) => !isPunctuation(c) && !isIdentPart(c) && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0xfeff
  && c !== 0x23 && c !== 0x22 && c !== 0x27 && c !== 0x2d && c !== 0x2e;

/** Tokens never span lines, so the end is derived from the image (see `tokenRange`). */
function token(k: Kind, image: string, offset: number, line: number, column: number): IToken {
  return { image, startOffset: offset, startLine: line, startColumn: column, tokenTypeIdx: k.idx, tokenType: k.type } as IToken;
}

/**
 * The newline filter: holds each newline back until the next token shows whether it
 * ends anything. With `onDeclaration`, the tokens are handed over a declaration at a
 * time (cut before each declaration keyword), so they can die young once parsed.
 */
class Stream {
  tokens: IToken[] = [];
  private pending: IToken | undefined;
  /** The kind of the last token kept (undefined: none yet). */
  private last: Kind | undefined;
  private depth = 0;
  private openIndent = 0;
  private lineIndent = 0;
  firstOnLine = true;

  /** Whether a value comes next, on the line of the token before it (`split: train`). */
  get valueNext(): boolean {
    return !this.firstOnLine && this.last !== undefined && this.last.beforeValue;
  }

  /** Whether an operator may come next: a value just ended, on this line or inside brackets (`units - 1`, `units // 2`). */
  get operatorNext(): boolean {
    return this.last !== undefined && this.last.endsOperand && (!this.firstOnLine || this.depth > 0);
  }

  /** Inside brackets: a `//` there after a value divides (`filters // 2)`); elsewhere it starts a comment, as C writes one. */
  get bracketed(): boolean {
    return this.depth > 0;
  }

  constructor(private readonly keepNewlines: boolean, private readonly onDeclaration?: (tokens: IToken[]) => void) {}

  newline(tok: IToken): void {
    if (this.pending && this.keepNewlines) this.flush();
    if (!this.pending) this.pending = tok;
    this.firstOnLine = true;
  }

  emit(k: Kind, tok: IToken): void {
    if (this.firstOnLine) {
      this.lineIndent = tok.startColumn!;
      this.firstOnLine = false;
    }
    if (this.pending) {
      let keep = true;
      if (!this.keepNewlines) {
        if (this.depth > 0) {
          keep = k.type !== t.RParen && k.type !== t.RBracket && tok.startColumn! <= this.openIndent;
          if (keep) this.depth = 0;
        }
        if (keep && (this.last === undefined || this.last.dropAfter || k.dropBefore)) keep = false;
      }
      if (keep) this.flush();
      this.pending = undefined;
    }
    if (k.opens) {
      if (this.depth === 0) this.openIndent = this.lineIndent;
      this.depth++;
    } else if (k.closes && this.depth > 0) this.depth--;
    else if (k.resets) this.depth = 0;
    if (k.declaration && this.onDeclaration) this.cut();
    this.tokens.push(tok);
    this.last = k;
  }

  end(): IToken[] {
    if (this.pending && (this.keepNewlines || (this.last !== undefined && !this.last.dropAfter))) this.flush();
    if (this.onDeclaration) this.cut();
    return this.tokens;
  }

  private cut(): void {
    if (this.tokens.length) this.onDeclaration!(this.tokens);
    this.tokens = [];
  }

  private flush(): void {
    this.tokens.push(this.pending!);
    this.last = NEWLINE;
    this.pending = undefined;
  }
}

/** `keepNewlines`: every newline stays a token (for the formatter and completion, which reason about lines). */
export function lex(text: string, keepNewlines = false): LexResult {
  return scan(text, new Stream(keepNewlines));
}

/**
 * Where lexing may start to get the tokens before `offset` that matter: the last line at
 * or before it that starts with a declaration keyword (0 when there is none). What comes
 * earlier belongs to other declarations, and the lexer carries nothing across.
 */
export function declarationStartBefore(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if ((c === 0x0a || c === 0x0d) && startsDeclaration(text, i + 1)) return i + 1;
  }
  return 0;
}

/** Where a piece of the text starts: its offset and its line (0-based). */
export interface TextStart {
  offset: number;
  line: number;
}

/**
 * Lexes for the parser: hands over the tokens a declaration at a time (and those before
 * the first declaration, if any); returns the comments and errors. With `from` and `to`
 * it lexes only that piece of the text, which must start at the start of a line.
 */
export function lexDeclarations(text: string, onDeclaration: (tokens: IToken[]) => void, from: TextStart = { offset: 0, line: 0 }, to = text.length): Omit<LexResult, 'tokens'> {
  return scan(text, new Stream(false, onDeclaration), from, to);
}

/** Where a file holds a NUL character: no text format writes one, so the file is binary (or not UTF-8 text). */
function binaryAt(text: string): LexError | undefined {
  const at = text.indexOf('\0');
  if (at < 0) return undefined;
  const before = text.slice(0, at);
  const line = splitLines(before).length - 1;
  const character = at - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1;
  return { message: 'this is not dlnet source: the file holds binary data (a NUL character here)', line, character, length: 1 };
}

function scan(text: string, stream: Stream, from: TextStart = { offset: 0, line: 0 }, to = text.length): LexResult {
  const comments: IToken[] = [];
  const errors: LexError[] = [];
  const n = to;
  let i = from.offset;
  let line = from.line + 1;
  let lineStart = i;
  // One error for a binary file, rather than one for every byte that is no token.
  const binary = from.offset === 0 ? binaryAt(text) : undefined;
  if (binary) return { tokens: stream.end(), comments, errors: [binary], end: { line: 0, character: 0 } };

  while (i < n) {
    const c = text.charCodeAt(i);
    const column = i - lineStart + 1;
    if (c === 0x20 || c === 0x09 || c === 0x0c || c === 0xfeff) {
      i++;
    } else if (c === 0x0a || c === 0x0d) {
      const len = c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      stream.newline(token(NEWLINE, len === 2 ? '\r\n' : c === 0x0a ? '\n' : '\r', i, line, column));
      i += len;
      line++;
      lineStart = i;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      // `/* ... */`, as C writes a comment: read as one where it closes on its line, and said; else the characters are an error.
      let j = i + 2;
      while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d && !(text.charCodeAt(j) === 0x2a && text.charCodeAt(j + 1) === 0x2f)) j++;
      if (text.charCodeAt(j) === 0x2a) {
        comments.push(token(COMMENT, text.slice(i, j + 2), i, line, column));
        const words = text.slice(i + 2, j).trim();
        errors.push({ message: "comments start with '#', not '/*'", line: line - 1, character: column - 1, length: j + 2 - i, repair: words ? `# ${words}` : '#', repairTitle: "Write it as a '#' comment" });
        i = j + 2;
      } else {
        errors.push({ message: "unexpected characters '/*'", line: line - 1, character: column - 1, length: 2 });
        i += 2;
      }
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f && stream.bracketed && stream.operatorNext) {
      stream.emit(DOUBLE_SLASH, token(DOUBLE_SLASH, '//', i, line, column));
      i += 2;
    } else if (c === 0x2d && text.charCodeAt(i + 1) !== 0x3e && stream.operatorNext) {
      stream.emit(MINUS, token(MINUS, '-', i, line, column));
      i++;
    } else if (c === 0x23 || (c === 0x2f && text.charCodeAt(i + 1) === 0x2f)) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
      comments.push(token(COMMENT, text.slice(i, j), i, line, column));
      // `// ...`, as C, Java and JavaScript write a comment: read as one, and said.
      if (c === 0x2f) errors.push({ message: "comments start with '#', not '//'", line: line - 1, character: column - 1, length: 2, repair: '#', repairTitle: "Write '#'" });
      i = j;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 0x2e && isIdentStart(text.charCodeAt(j + 1))) {
        // `nn.Dropout`, `layers.Dense`, `tf.nn.relu`, as Python code names them: said, and read as the last name.
        const last = lastOfPath(text, j + 1, n);
        const path = text.slice(i, last);
        const method = stream.firstOnLine ? kerasModelMethod(text, last, n) : undefined;
        if (method) {
          // `model.fit(x, y, epochs=5)`: one error (on its first line) for the statement, which is left out whole, its lines counted.
          let firstLineEnd = i;
          while (firstLineEnd < method.end && text.charCodeAt(firstLineEnd) !== 0x0a && text.charCodeAt(firstLineEnd) !== 0x0d) firstLineEnd++;
          errors.push({ message: `\`${path}${method.name}(...)\` is Keras's; ${method.advice}`, line: line - 1, character: column - 1, length: firstLineEnd - i });
          for (let k = firstLineEnd; k < method.end; k++) {
            const d = text.charCodeAt(k);
            if (d === 0x0d && text.charCodeAt(k + 1) === 0x0a) k++;
            if (d === 0x0a || d === 0x0d) {
              line++;
              lineStart = k + 1;
            }
          }
          i = method.end;
          continue;
        }
        errors.push({ message: `'${path}' is a module path, as Python writes one; dlnet's names have none`, line: line - 1, character: column - 1, length: last - i, repair: '', repairTitle: `Remove '${path}'` });
        i = last;
        continue;
      }
      const image = text.slice(i, j);
      // Keywords are 2 to 8 letters, all lower case: most names skip the lookup.
      let k = j - i <= 8 && c >= 97 ? keywordKinds.get(image) ?? IDENTIFIER : IDENTIFIER;
      // A declaration keyword where a value goes (`mnist(split: train)`) is read as the name it was meant as, which the checks
      // then judge, rather than as a declaration that cuts this one off mid-line ("found the end of the declaration").
      if (k.declaration && stream.valueNext) k = IDENTIFIER;
      const meant = k === IDENTIFIER && stream.firstOnLine ? keywordMeant(image, column === 1, nextAfter(text, j, n)) : undefined;
      if (meant) {
        // Read as the keyword, so the declaration or statement is still read and checked.
        k = keywordKinds.get(meant)!;
        errors.push({ message: `'${image}' is not a keyword; did you mean '${meant}'?`, line: line - 1, character: column - 1, length: j - i, repair: meant, repairTitle: `Write '${meant}'` });
      }
      stream.emit(k, token(k, image, i, line, column));
      i = j;
    } else if (isDigit(c) || ((c === 0x2d || c === 0x2e) && (isDigit(text.charCodeAt(i + 1)) || (c === 0x2d && text.charCodeAt(i + 1) === 0x2e && isDigit(text.charCodeAt(i + 2)))))) {
      let j = i + (c === 0x2d ? 1 : 0);
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 0x2e) {
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      const e = text.charCodeAt(j);
      if (e === 0x65 || e === 0x45) {
        let k = j + 1;
        if (text.charCodeAt(k) === 0x2b || text.charCodeAt(k) === 0x2d) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (k < n && isDigit(text.charCodeAt(k))) k++;
          j = k;
        }
      }
      stream.emit(NUMBER, token(NUMBER, text.slice(i, j), i, line, column));
      i = j;
    } else if (c === 0x2d) {
      const arrow = text.charCodeAt(i + 1) === 0x3e;
      const k = arrow ? ARROW : MINUS;
      stream.emit(k, token(k, arrow ? '->' : '-', i, line, column));
      i += arrow ? 2 : 1;
    } else if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === c || d === 0x0a || d === 0x0d) break;
        else j++;
      }
      if (text.charCodeAt(j) === c) {
        stream.emit(STRING, token(STRING, text.slice(i, j + 1), i, line, column));
        i = j + 1;
      } else {
        errors.push({ message: 'unterminated string: add the closing quote', line: line - 1, character: column - 1, length: j - i });
        i = j;
      }
    } else if (isPunctuation(c)) {
      const k = punctuation[c]!;
      stream.emit(k, token(k, text[i], i, line, column));
      i++;
    } else {
      let j = i + 1;
      while (j < n && isStray(text.charCodeAt(j))) j++;
      errors.push({ message: `unexpected character${j - i > 1 ? 's' : ''} '${visible(text.slice(i, j))}'`, line: line - 1, character: column - 1, length: j - i });
      i = j;
    }
  }
  return { tokens: stream.end(), comments, errors, end: { line: line - 1, character: n - lineStart } };
}
