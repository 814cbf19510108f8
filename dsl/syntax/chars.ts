/** Character classes of the lexer, by character code (names are ASCII letters, digits and `_`). */
export const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
export const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57);
export const isDigit = (c: number) => c >= 48 && c <= 57;
