/**
 * Text → SourceFile plus syntax errors. Never throws: any input gives a tree (maybe
 * with gaps) and every error found, not only the first.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type * as ast from './ast';
import { parserInstance, tokenRange, type SyntaxError } from './parser';
import { lexDeclarations } from './lexer';
import { declarationKeywords, Newline, Semicolon } from './tokens';
export type { SyntaxError };

export interface ParseResult {
  file: ast.SourceFile;
  errors: SyntaxError[];
}

export function parse(text: string): ParseResult {
  const errors: SyntaxError[] = [];
  const decls: ast.Decl[] = [];
  const syntaxErrors: SyntaxError[] = [];
  // Each declaration is parsed as soon as it is lexed, so its tokens die young.
  const lexed = lexDeclarations(text, (tokens) => {
    if (!declarationKeywords.has(tokens[0].tokenType)) {
      const stray = tokens.find((tok) => tok.tokenType !== Newline && tok.tokenType !== Semicolon);
      if (stray) syntaxErrors.push({ message: `expected a declaration (dataset, model, block or train), found '${stray.image}'`, range: tokenRange(stray) });
      return;
    }
    const decl = cachedDeclaration(text, tokens, syntaxErrors);
    if (decl) decls.push(decl);
  });
  for (const e of lexed.errors) {
    errors.push({ message: e.message, range: { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + e.length } } });
  }
  const comments: ast.Comment[] = lexed.comments.map((tok) => ({ text: tok.image, range: tokenRange(tok) }));
  errors.push(...firstPerLine(syntaxErrors));
  return { file: { kind: 'file', decls, comments, range: { start: { line: 0, character: 0 }, end: lexed.end } }, errors };
}

/**
 * Declarations parsed before, by their exact text and position. An edit inside one
 * declaration leaves the others' text and position alone, so the editor re-parses
 * only what changed. Trees are never mutated after parsing, so sharing is safe.
 */
const cache = new Map<string, { decl: ast.Decl | undefined; errors: SyntaxError[] }>();
const CACHE_LIMIT = 20_000;

/** Forgets every cached declaration (benchmarks measure cold parses with it). */
export function clearParseCache(): void {
  cache.clear();
}

function cachedDeclaration(text: string, segment: IToken[], errors: SyntaxError[]): ast.Decl | undefined {
  const first = segment[0];
  const last = segment[segment.length - 1];
  const key = `${first.startLine}:${first.startColumn}:${text.slice(first.startOffset, last.startOffset + last.image.length)}`;
  const hit = cache.get(key);
  if (hit) {
    errors.push(...hit.errors);
    return hit.decl;
  }
  const own: SyntaxError[] = [];
  const decl = parseDeclaration(segment, own);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, { decl, errors: own });
  errors.push(...own);
  return decl;
}

/** Later errors on a line are almost always echoes of its first one. */
function firstPerLine(errors: SyntaxError[]): SyntaxError[] {
  const seen = new Set<number>();
  const sorted = [...errors].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return sorted.filter((e) => !seen.has(e.range.start.line) && seen.add(e.range.start.line));
}

function isSeparator(tok: IToken): boolean {
  return tok.tokenType === Newline || tok.tokenType === Semicolon;
}

function parseDeclaration(segment: IToken[], errors: SyntaxError[]): ast.Decl | undefined {
  let end = segment.length;
  while (end > 1 && isSeparator(segment[end - 1])) end--;
  const tokens = end === segment.length ? segment : segment.slice(0, end);
  const parser = parserInstance();
  parser.begin(tokens);
  let decl: ast.Decl | undefined;
  try {
    decl = parser.declaration();
  } catch (e) {
    // Chevrotain recovers from recognition errors; anything else is a parser bug,
    // reported as a syntax error on the declaration rather than a crash.
    errors.push({ message: `internal parser error: ${(e as Error).message}`, range: tokenRange(tokens[0]) });
    return undefined;
  }
  for (const e of parser.errors) errors.push(fromRecognition(e, tokens));
  errors.push(...parser.extraErrors);
  return decl;
}

function fromRecognition(e: IRecognitionException, tokens: IToken[]): SyntaxError {
  let tok = e.token;
  if (tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset)) {
    // At the end of a declaration: point just past its last token.
    const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    tok = previous && !Number.isNaN(previous.startOffset) ? previous : tokens[tokens.length - 1];
    const r = tokenRange(tok);
    return { message: e.message, range: { start: r.end, end: r.end } };
  }
  if (tok.tokenType === Newline) {
    // A newline token spans into the next line; point at the end of the line instead.
    const r = tokenRange(tok);
    return { message: e.message, range: { start: r.start, end: r.start } };
  }
  return { message: e.message, range: tokenRange(tok) };
}
