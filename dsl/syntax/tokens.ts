/**
 * Token types of the .dlnet language (the parser's vocabulary; `lexer.ts` makes the
 * tokens). Newlines are significant: they end statements. The lexer drops those that
 * cannot end anything: inside brackets, after `->`, `,`, `=`, `:` or `{`, and before
 * `->`, `{` or `shortcut` (so chains and bodies may be split over lines). A bracket
 * left open at the end of a line counts as unclosed when the next line starts at or
 * left of the line that opened it (and is no closing bracket): the newline then ends
 * the statement, so one missing `)` costs one error, not the rest of the model.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

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
/** Arithmetic on sizes (`filters * 4`, `units // 2`); the lexer makes a `-` after a value a minus, else the sign of a number. */
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const DoubleSlash = createToken({ name: 'DoubleSlash', pattern: /\/\//, label: "'//'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true, label: 'end of line' });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\uFEFF]+/, group: Lexer.SKIPPED });

export const keywords = [Dataset, Model, Block, Train, Vs, On, Input, Output, Residual, Shortcut, Repeat, True, False];
export const keywordNames = ['dataset', 'model', 'block', 'train', 'vs', 'on', 'input', 'output', 'residual', 'shortcut', 'repeat', 'true', 'false'];

export const allTokens: TokenType[] = [
  WhiteSpace, Newline, Comment, Arrow, NumberLiteral, StringLiteral,
  ...keywords, Identifier,
  LCurly, RCurly, LParen, RParen, LBracket, RBracket, Comma, Colon, Semicolon, Equals, Question,
  Plus, Minus, Star, DoubleSlash, Slash,
];

/** Tokens that start a top-level declaration; the parser splits the file at them. */
export const declarationKeywords = new Set<TokenType>([Dataset, Model, Block, Train]);
