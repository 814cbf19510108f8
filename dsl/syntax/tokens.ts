/**
 * Tokens of the .dlnet language and the lexer. Newlines are significant (they end
 * statements), so the lexer keeps them and `significantTokens` drops the ones that
 * cannot end anything: inside brackets, after `->`, `,`, `=`, `:` or `{`, and before
 * `->`, `{` or `shortcut` (so chains and bodies may be split over lines).
 */
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

function keyword(word: string): TokenType {
  return createToken({ name: word[0].toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}

export const Dataset = keyword('dataset');
export const Model = keyword('model');
export const Block = keyword('block');
export const Train = keyword('train');
export const Vs = keyword('vs');
export const On = keyword('on');
export const Input = keyword('input');
export const Output = keyword('output');
export const Residual = keyword('residual');
export const Shortcut = keyword('shortcut');
export const Repeat = keyword('repeat');
export const True = keyword('true');
export const False = keyword('false');

export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/, label: 'a string' });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Question = createToken({ name: 'Question', pattern: /\?/, label: "'?'" });
export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true, label: 'end of line' });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\uFEFF]+/, group: Lexer.SKIPPED });

export const keywords = [Dataset, Model, Block, Train, Vs, On, Input, Output, Residual, Shortcut, Repeat, True, False];
export const keywordNames = ['dataset', 'model', 'block', 'train', 'vs', 'on', 'input', 'output', 'residual', 'shortcut', 'repeat', 'true', 'false'];

export const allTokens: TokenType[] = [
  WhiteSpace, Newline, Comment, Arrow, NumberLiteral, StringLiteral,
  ...keywords, Identifier,
  LCurly, RCurly, LParen, RParen, LBracket, RBracket, Comma, Colon, Semicolon, Equals, Question,
];

/** Tokens that start a top-level declaration; the parser splits the file at them. */
export const declarationKeywords = new Set<TokenType>([Dataset, Model, Block, Train]);

export const lexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });

const dropAfter = new Set<TokenType>([Newline, Semicolon, LCurly, Arrow, Comma, Equals, Colon]);
const dropBefore = new Set<TokenType>([Arrow, LCurly, Shortcut]);

/**
 * Keeps only the newlines that can end a statement. A bracket left open at the end
 * of a line counts as unclosed when the next line starts at or left of the line
 * that opened it (and is no closing bracket): the newline then ends the statement,
 * so one missing `)` or `]` costs one error, not the rest of the model.
 */
export function significantTokens(tokens: IToken[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  let openIndent = 0;
  let lineIndent = 0;
  let atLineStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const type = t.tokenType;
    if (atLineStart && type !== Newline) {
      lineIndent = t.startColumn ?? 1;
      atLineStart = false;
    }
    if (type === LParen || type === LBracket) {
      if (depth === 0) openIndent = lineIndent;
      depth++;
    } else if ((type === RParen || type === RBracket) && depth > 0) depth--;
    else if (type === LCurly || type === RCurly || declarationKeywords.has(type)) depth = 0;
    if (type === Newline) {
      atLineStart = true;
      let j = i + 1;
      while (j < tokens.length && tokens[j].tokenType === Newline) j++;
      const next = tokens[j];
      if (depth > 0) {
        const unclosed = next && next.tokenType !== RParen && next.tokenType !== RBracket && (next.startColumn ?? 1) <= openIndent;
        if (!unclosed) continue;
        depth = 0;
      }
      if (out.length === 0) continue;
      if (dropAfter.has(out[out.length - 1].tokenType)) continue;
      if (next && dropBefore.has(next.tokenType)) continue;
    }
    out.push(t);
  }
  return out;
}
