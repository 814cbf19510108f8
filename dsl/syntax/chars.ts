/** Characters and lines as the lexer reads them: character classes by code (names are ASCII letters, digits and `_`), and where declarations start. */
export const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
export const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
export const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Whether a line starting at `offset` starts with a declaration keyword: the lexer keeps no
 * state across such a line, and the parse cache cuts the text there (parse.ts). Not
 * `model.add(...)`, Keras's method, which the lexer reads past as one (habits.ts): the lines
 * of `model = Sequential()` and its `model.add` calls are one piece, read together.
 */
const DECLARATION_START = /(?:dataset|model|block|train)(?![A-Za-z0-9_.])/y;
export function startsDeclaration(text: string, offset: number): boolean {
  // d, m, b or t: most lines start with none of them, and skip the expression.
  const c = text.charCodeAt(offset);
  if (c !== 0x64 && c !== 0x6d && c !== 0x62 && c !== 0x74) return false;
  DECLARATION_START.lastIndex = offset;
  return DECLARATION_START.test(text);
}
