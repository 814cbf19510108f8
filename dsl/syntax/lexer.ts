/**
 * A hand-written lexer producing chevrotain tokens. It is several times faster than
 * chevrotain's regex lexer on large files, and it drops the newlines that cannot end
 * a statement as it goes (see `tokens.ts` for the rule), so the parser sees one
 * clean stream.
 */
import type { IToken, TokenType } from 'chevrotain';
import * as t from './tokens';

export interface LexError {
  message: string;
  line: number;
  character: number;
  length: number;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  errors: LexError[];
}

const keywordTypes = new Map<string, TokenType>(t.keywordNames.map((k, i) => [k, t.keywords[i]]));
const punctuation = new Map<number, TokenType>([
  [0x7b, t.LCurly], [0x7d, t.RCurly], [0x28, t.LParen], [0x29, t.RParen], [0x5b, t.LBracket], [0x5d, t.RBracket],
  [0x2c, t.Comma], [0x3a, t.Colon], [0x3b, t.Semicolon], [0x3d, t.Equals], [0x3f, t.Question],
]);
const dropAfter = new Set<TokenType>([t.Newline, t.Semicolon, t.LCurly, t.Arrow, t.Comma, t.Equals, t.Colon]);
const dropBefore = new Set<TokenType>([t.Arrow, t.LCurly, t.Shortcut]);

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** Tokens never span lines, so the end is derived from the image (see `tokenRange`). */
function token(tokenType: TokenType, image: string, offset: number, line: number, column: number): IToken {
  return { image, startOffset: offset, startLine: line, startColumn: column, tokenTypeIdx: tokenType.tokenTypeIdx!, tokenType } as IToken;
}

/** `keepNewlines`: every newline stays a token (for the formatter and completion, which reason about lines). */
export function lex(text: string, keepNewlines = false): LexResult {
  const tokens: IToken[] = [];
  const comments: IToken[] = [];
  const errors: LexError[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  // Newline filtering state.
  let pending: IToken | undefined;
  let depth = 0;
  let openIndent = 0;
  let lineIndent = 0;
  let firstOnLine = true;

  const emit = (tok: IToken) => {
    const type = tok.tokenType;
    if (firstOnLine) {
      lineIndent = tok.startColumn!;
      firstOnLine = false;
    }
    if (pending && keepNewlines) {
      tokens.push(pending);
      pending = undefined;
    } else if (pending) {
      let keep = true;
      if (depth > 0) {
        keep = type !== t.RParen && type !== t.RBracket && tok.startColumn! <= openIndent;
        if (keep) depth = 0;
      }
      if (keep && (tokens.length === 0 || dropAfter.has(tokens[tokens.length - 1].tokenType) || dropBefore.has(type))) keep = false;
      if (keep) tokens.push(pending);
      pending = undefined;
    }
    if (type === t.LParen || type === t.LBracket) {
      if (depth === 0) openIndent = lineIndent;
      depth++;
    } else if ((type === t.RParen || type === t.RBracket) && depth > 0) depth--;
    else if (type === t.LCurly || type === t.RCurly || t.declarationKeywords.has(type)) depth = 0;
    tokens.push(tok);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    const column = i - lineStart + 1;
    if (c === 0x20 || c === 0x09 || c === 0x0c || c === 0xfeff) {
      i++;
    } else if (c === 0x0a || c === 0x0d) {
      const len = c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      if (pending && keepNewlines) {
        tokens.push(pending);
        pending = undefined;
      }
      if (!pending) pending = token(t.Newline, text.substr(i, len), i, line, column);
      i += len;
      line++;
      lineStart = i;
      firstOnLine = true;
    } else if (c === 0x23) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 0x0a && text.charCodeAt(j) !== 0x0d) j++;
      comments.push(token(t.Comment, text.slice(i, j), i, line, column));
      i = j;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const image = text.slice(i, j);
      emit(token(keywordTypes.get(image) ?? t.Identifier, image, i, line, column));
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
      emit(token(t.NumberLiteral, text.slice(i, j), i, line, column));
      i = j;
    } else if (c === 0x2d && text.charCodeAt(i + 1) === 0x3e) {
      emit(token(t.Arrow, '->', i, line, column));
      i += 2;
    } else if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === c || d === 0x0a || d === 0x0d) break;
        else j++;
      }
      if (text.charCodeAt(j) === c) {
        emit(token(t.StringLiteral, text.slice(i, j + 1), i, line, column));
        i = j + 1;
      } else {
        errors.push({ message: 'unterminated string: add the closing quote', line: line - 1, character: column - 1, length: j - i });
        i = j;
      }
    } else {
      const type = punctuation.get(c);
      if (type) {
        emit(token(type, text[i], i, line, column));
        i++;
      } else {
        let j = i + 1;
        while (j < n && !punctuation.has(text.charCodeAt(j)) && !isIdentPart(text.charCodeAt(j)) && text.charCodeAt(j) > 0x20) j++;
        errors.push({ message: `unexpected character${j - i > 1 ? 's' : ''} '${text.slice(i, j)}'`, line: line - 1, character: column - 1, length: j - i });
        i = j;
      }
    }
  }
  if (pending && (keepNewlines || (tokens.length > 0 && !dropAfter.has(tokens[tokens.length - 1].tokenType)))) tokens.push(pending);
  return { tokens, comments, errors };
}
