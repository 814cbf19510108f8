/**
 * Text → SourceFile plus syntax errors. Never throws: any input gives a tree (maybe
 * with gaps) and every error found, not only the first.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type * as ast from './ast';
import { parserInstance, tokenRange, type SyntaxError } from './parser';
import { lexDeclarations, startsDeclaration, type TextStart } from './lexer';
import { declarationKeywords, Newline, Semicolon } from './tokens';
export type { SyntaxError };

export interface ParseResult {
  file: ast.SourceFile;
  errors: SyntaxError[];
}

export function parse(text: string): ParseResult {
  parses++;
  const starts = piecesOf(text);
  return assemble(starts.map((from, i) => cachedPiece(text, from, i + 1 < starts.length ? starts[i + 1].offset : text.length)));
}

/** The file that pieces make, in order: all lexer errors first, then the syntax errors. */
function assemble(pieces: Piece[]): ParseResult {
  const file: ast.SourceFile = { kind: 'file', decls: [], comments: [], range: { start: { line: 0, character: 0 }, end: pieces[pieces.length - 1].end } };
  const lexErrors: SyntaxError[] = [];
  const syntaxErrors: SyntaxError[] = [];
  for (const piece of pieces) {
    file.decls.push(...piece.decls);
    file.comments.push(...piece.comments);
    lexErrors.push(...piece.lexErrors);
    syntaxErrors.push(...piece.syntaxErrors);
  }
  return { file, errors: [...lexErrors, ...syntaxErrors] };
}

/** What one piece of the text parses to. */
interface Piece {
  decls: ast.Decl[];
  comments: ast.Comment[];
  lexErrors: SyntaxError[];
  syntaxErrors: SyntaxError[];
  end: { line: number; character: number };
}

/**
 * Pieces parsed before, by their exact text and first line. An edit leaves the other
 * pieces' text and position alone, so the editor re-lexes and re-parses only the piece
 * it touched; the trees of the others are the same objects as before (the checks
 * remembered for them stay valid, see semantics/memo.ts). Trees are never mutated
 * after parsing, so sharing them is safe.
 */
const cache = new Map<string, { piece: Piece; used: number }>();
/** The cached pieces' text in characters: trees and recorded checks take some 70 bytes per character. */
let cachedChars = 0;
/** Counts parse calls: a piece remembers the last one that used it. */
let parses = 0;
/**
 * Once the cache holds more text than this, or than twice the text being parsed, the
 * pieces this parse did not use go, oldest first: an edit that shifts every line below
 * it re-parses all of those, and old versions must not pile up.
 */
const CACHE_CHARS = 2_000_000;

/** How much text the cache holds, in characters (tests watch that old versions do not pile up). */
export function parseCacheChars(): number {
  return cachedChars;
}

/** Forgets every cached piece (benchmarks measure cold parses with it). */
export function clearParseCache(): void {
  cache.clear();
  cachedChars = 0;
}

/**
 * Where the pieces start: the text's start, and every line that starts with a declaration
 * keyword (the lexer cuts there anyway, and leaves no state across such a cut: see
 * `Stream.emit`). Line breaks are counted as the lexer counts them: \n, \r\n, a lone \r.
 */
function piecesOf(text: string): TextStart[] {
  const starts: TextStart[] = [{ offset: 0, line: 0 }];
  if (text.includes('\0')) return starts; // binary: one piece, so the lexer reports it once
  let line = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x0a && c !== 0x0d) continue;
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    line++;
    if (startsDeclaration(text, i + 1)) starts.push({ offset: i + 1, line });
  }
  return starts;
}

function cachedPiece(text: string, from: TextStart, to: number): Piece {
  const key = `${from.line}:${text.slice(from.offset, to)}`;
  const hit = cache.get(key);
  if (hit) {
    hit.used = parses;
    return hit.piece;
  }
  const piece = parsePiece(text, from, to);
  cache.set(key, { piece, used: parses });
  cachedChars += key.length;
  const budget = Math.max(CACHE_CHARS, 2 * text.length);
  if (cachedChars > budget) {
    for (const [old, entry] of cache) {
      if (cachedChars <= budget) break;
      if (entry.used === parses) continue;
      cache.delete(old);
      cachedChars -= old.length;
    }
  }
  return piece;
}

/** The whole text as one piece, cache untouched: what `parse` must always agree with (tests compare them). */
export function parseWhole(text: string): ParseResult {
  return assemble([parsePiece(text, { offset: 0, line: 0 }, text.length)]);
}

function parsePiece(text: string, from: TextStart, to: number): Piece {
  const decls: ast.Decl[] = [];
  const syntaxErrors: SyntaxError[] = [];
  // Each declaration is parsed as soon as it is lexed, so its tokens die young.
  const lexed = lexDeclarations(text, (tokens) => {
    if (!declarationKeywords.has(tokens[0].tokenType)) {
      const stray = tokens.find((tok) => tok.tokenType !== Newline && tok.tokenType !== Semicolon);
      if (stray) syntaxErrors.push({ message: `expected a declaration (dataset, model, block or train), found '${stray.image}'`, range: tokenRange(stray) });
      return;
    }
    const decl = parseDeclaration(tokens, syntaxErrors);
    if (decl) decls.push(decl);
  }, from, to);
  const lexErrors = lexed.errors.map((e): SyntaxError => ({ message: e.message, range: { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + e.length } } }));
  const comments = lexed.comments.map((tok): ast.Comment => ({ text: tok.image, range: tokenRange(tok) }));
  return { decls, comments, lexErrors, syntaxErrors: firstPerLine(syntaxErrors), end: lexed.end };
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
