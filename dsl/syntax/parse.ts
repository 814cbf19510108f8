/**
 * Text → SourceFile plus syntax errors. Never throws: any input gives a tree (maybe
 * with gaps) and every error found, not only the first.
 */
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import { fitted } from '../fitted';
import type * as ast from './ast';
import { parserInstance, tokenRange, type SyntaxError } from './parser';
import { lexDeclarations, startsDeclaration, type TextStart } from './lexer';
import { Block, Dataset, declarationKeywords, Equals, Identifier, LBracket, LCurly, LParen, Model, Newline, NumberLiteral, On, RBracket, RCurly, Repeat, Residual, RParen, Semicolon, Shortcut, Train, Vs } from './tokens';
import type { Position, Range } from './range';
export type { SyntaxError };

export interface ParseResult {
  file: ast.SourceFile;
  errors: SyntaxError[];
}

/**
 * @param document who holds the result: the editor's name for the document (its URI).
 * A piece that only this document has parsed may then be moved when lines are added or
 * removed above it (see `cachedPiece`), keeping its tree. Without one, pieces are only
 * ever shared at the line they were parsed at.
 */
export function parse(text: string, document?: string): ParseResult {
  parses++;
  const starts = piecesOf(text);
  return assemble(starts.map((from, i) => cachedPiece(text, from, i + 1 < starts.length ? starts[i + 1].offset : text.length, document)));
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
export interface Piece {
  decls: ast.Decl[];
  comments: ast.Comment[];
  lexErrors: SyntaxError[];
  syntaxErrors: SyntaxError[];
  end: Position;
  /** The ranges the parser made for each declaration's tree, whose positions are all the tree's (see `Parser.ranges`). */
  treeRanges: Range[][];
}

/** A piece parsed before: where it is now, and who has it. */
interface Entry {
  piece: Piece;
  /** The line it starts on; its positions say the same. */
  line: number;
  /** The parse that last used it. */
  used: number;
  /** The one document that has it, or SHARED (also when a parse named none). */
  holder: string | typeof SHARED;
  /** Every position in its tree and errors, once it has moved. */
  positions?: Position[];
  /** What it holds, in characters' worth: its text, and the checks remembered for its trees (`weighChecks`). */
  weight: number;
}

const SHARED = Symbol('shared');

/**
 * Pieces parsed before, by their exact text. An edit leaves the other pieces' text
 * alone, so the editor re-lexes and re-parses only the piece it touched; the trees of
 * the others are the same objects as before (the checks remembered for them stay
 * valid, see semantics/memo.ts). A piece found at its line is shared as it is: trees are
 * not changed after parsing. A piece found at another line (lines were added or
 * removed above it) is moved there, its positions shifted in place, if the document
 * being parsed is the only one that has it: nobody else holds those positions.
 */
const cache = new Map<string, Entry[]>();
/**
 * What the cached pieces hold, in characters' worth: a tree and its checks keep some 60
 * bytes a character of its text, except where the checks expand it (see `weighChecks`).
 */
let cachedChars = 0;
/** The cache entry of each cached declaration, while it is cached. */
let entryOf = new WeakMap<ast.Decl, Entry>();
/** What the checks remembered for a declaration add to its entry's weight. */
const checksWeight = new WeakMap<ast.Decl, number>();
/** Counts parse calls: a piece remembers the last one that used it. */
let parses = 0;
/**
 * Once the cache holds more than this many characters' worth (~120 MB), or than twice the
 * text being parsed, the pieces this parse did not use go, oldest first: an edit that
 * shifts every line below it re-parses all of those, and old versions must not pile up.
 */
const CACHE_CHARS = 2_000_000;

/**
 * The checks remembered for `decl` (semantics/memo.ts) hold as much as `chars` characters
 * of text would. Most hold less than their text's tree, but a model whose repeats and
 * blocks expand to thousands of layers records every one of them: ~50 MB for a 1 KB
 * declaration (blocks/too-large.dlnet), and the cache, counting text alone, would keep one such recording for
 * every version of the declaration typed.
 */
export function weighChecks(decl: ast.Decl, chars: number): void {
  const entry = entryOf.get(decl);
  if (!entry) return;
  const change = chars - (checksWeight.get(decl) ?? 0);
  checksWeight.set(decl, chars);
  entry.weight += change;
  cachedChars += change;
}

/** How much the cache holds, in characters' worth (tests watch that old versions do not pile up). */
export function parseCacheChars(): number {
  return cachedChars;
}

/** Forgets every cached piece (benchmarks measure cold parses with it). */
export function clearParseCache(): void {
  cache.clear();
  entryOf = new WeakMap();
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

function cachedPiece(text: string, from: TextStart, to: number, document: string | undefined): Piece {
  const body = text.slice(from.offset, to);
  const holder = document ?? SHARED;
  const entries = cache.get(body);
  const hit = entries && (entries.find((e) => e.line === from.line) ?? movable(entries, from.line, holder));
  if (hit) {
    if (hit.holder !== holder) hit.holder = SHARED;
    if (hit.line !== from.line) move(hit, from.line);
    hit.used = parses;
    return hit.piece;
  }
  const piece = parsePiece(text, from, to);
  const entry: Entry = { piece, line: from.line, used: parses, holder, weight: body.length };
  for (const decl of piece.decls) entryOf.set(decl, entry);
  if (entries) entries.push(entry);
  else cache.set(body, [entry]);
  cachedChars += body.length;
  const budget = Math.max(CACHE_CHARS, 2 * text.length);
  if (cachedChars > budget) evictUnused(budget);
  return piece;
}

/** Of the pieces with this text, the one nearest `line` that `holder` alone has and this parse has not taken. */
function movable(entries: Entry[], line: number, holder: string | typeof SHARED): Entry | undefined {
  if (holder === SHARED) return undefined;
  let best: Entry | undefined;
  for (const e of entries) {
    if (e.holder !== holder || e.used === parses) continue;
    if (!best || Math.abs(e.line - line) < Math.abs(best.line - line)) best = e;
  }
  return best;
}

/** Moves a piece to start at `line`: every position in it shifts by the same number of lines. */
function move(entry: Entry, line: number): void {
  const delta = line - entry.line;
  for (const p of (entry.positions ??= positionsIn(entry.piece))) p.line += delta;
  entry.line = line;
}

/**
 * Every position in the piece, each once. Without errors these are the positions of the
 * ranges the parser made, of the comments and the end, none shared between them; an error
 * may share a position with the tree (a fix's range does), so a piece with errors is
 * walked through, each position found once.
 */
export function positionsIn(piece: Piece): Position[] {
  if (piece.syntaxErrors.length > 0 || piece.lexErrors.length > 0) return positionsReachable(piece);
  const out: Position[] = [piece.end];
  for (const ranges of piece.treeRanges) for (const r of ranges) out.push(r.start, r.end);
  for (const c of piece.comments) out.push(c.range.start, c.range.end);
  return out;
}

/** Every position object reachable from the piece, each once (ranges share them). */
export function positionsReachable(piece: Piece): Position[] {
  const found = new Set<Position>();
  const stack: unknown[] = [piece.decls, piece.comments, piece.lexErrors, piece.syntaxErrors, piece.end];
  while (stack.length) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null) continue;
    if (isPosition(o)) {
      found.add(o);
      continue;
    }
    // One at a time: a list literal of a million items must not become a million arguments.
    if (Array.isArray(o)) for (const item of o) stack.push(item);
    else for (const key in o) stack.push((o as Record<string, unknown>)[key]);
  }
  return [...found];
}

function isPosition(o: object): o is Position {
  return typeof (o as Position).line === 'number' && typeof (o as Position).character === 'number';
}

/** Drops pieces that this parse did not use, oldest text first, until the cache is within `budget`. */
function evictUnused(budget: number): void {
  for (const [body, entries] of cache) {
    if (cachedChars <= budget) break;
    const kept = entries.filter((e) => e.used === parses);
    for (const e of entries) {
      if (e.used === parses) continue;
      cachedChars -= e.weight;
      for (const decl of e.piece.decls) entryOf.delete(decl);
    }
    if (kept.length) cache.set(body, kept);
    else cache.delete(body);
  }
}

/** The whole text as one piece, cache untouched: what `parse` must always agree with (tests compare them). */
export function parseWhole(text: string): ParseResult {
  return assemble([parsePiece(text, { offset: 0, line: 0 }, text.length)]);
}

/** One piece of the text, cache untouched (exported for the tests of `positionsIn`). */
export function parsePiece(text: string, from: TextStart, to: number): Piece {
  const decls: ast.Decl[] = [];
  const syntaxErrors: SyntaxError[] = [];
  const treeRanges: Range[][] = [];
  // Each declaration is parsed as soon as it is lexed, so its tokens die young.
  const lexed = lexDeclarations(text, (tokens) => {
    if (!declarationKeywords.has(tokens[0].tokenType)) {
      const stray = tokens.find((tok) => tok.tokenType !== Newline && tok.tokenType !== Semicolon);
      if (stray) syntaxErrors.push(strayDeclaration(stray));
      return;
    }
    const decl = parseDeclaration(text, tokens, syntaxErrors);
    if (decl) decls.push(decl);
    treeRanges.push(parserInstance().ranges);
  }, from, to);
  const lexErrors = firstPerLine(lexed.errors.map((e): SyntaxError => {
    const range = { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + e.length } };
    return { message: e.message, range, fixes: e.repair === undefined ? undefined : [{ title: e.repairTitle!, edits: [{ range, newText: e.repair }], preferred: true }] };
  }));
  const comments = lexed.comments.map((tok): ast.Comment => ({ text: tok.image, range: tokenRange(tok) }));
  // Characters the lexer could not read leave the parser a line it misreads: its errors there are echoes.
  const lexLines = new Set(lexErrors.map((e) => e.range.start.line));
  return { decls: fitted(decls), comments, lexErrors, syntaxErrors: firstPerLine(syntaxErrors).filter((e) => !lexLines.has(e.range.start.line)), end: lexed.end, treeRanges };
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

function parseDeclaration(text: string, segment: IToken[], errors: SyntaxError[]): ast.Decl | undefined {
  let end = segment.length;
  while (end > 1 && isSeparator(segment[end - 1])) end--;
  const tokens = end === segment.length ? segment : segment.slice(0, end);
  const unclosed = unclosedBrackets(tokens);
  const opening = bodyCutShort(tokens, unclosed) ? [LCurly, RCurly] : [];
  const unfinished = unfinishedHeader(tokens);
  const missing = [...opening, ...unclosed, ...unfinished];
  const parser = parserInstance();
  let decl: ast.Decl | undefined;
  let handed = missing;
  try {
    for (;;) {
      parser.begin(handed.length === 0 ? tokens : [...tokens, ...handed.map((type) => inserted(type, tokens[tokens.length - 1]))]);
      decl = parser.declaration();
      // Where the parser recovered from a misplaced brace by other means, it leaves closers handed to it unread: hand it fewer.
      if (handed.length === 0 || !parser.errors.some((e) => e.name === 'NotAllInputParsedException' && e.token.isInsertedInRecovery)) break;
      handed = handed.slice(0, -1);
    }
  } catch (e) {
    // Chevrotain recovers from recognition errors; anything else is a parser bug,
    // reported as a syntax error on the declaration rather than a crash. Brackets
    // nested past what the parser's recursion can follow are the one input that does it.
    const message = e instanceof RangeError && /call stack/i.test(e.message) ? tooDeep(tokens) : `internal parser error: ${(e as Error).message}`;
    errors.push({ message, range: tokenRange(tokens[0]) });
    return undefined;
  }
  for (const e of parser.errors) errors.push(strayAfter(e, tokens) ?? fromRecognition(e, tokens));
  errors.push(...parser.extraErrors);
  const complete = handed.length === missing.length;
  const closed = unclosed.slice(0, Math.max(0, handed.length - opening.length));
  // Said of the first thing the declaration lacks. What the last line would say of what is missing after it (a body with no input, no data) is not worth saying before it is written.
  if (opening.length > 0 && complete) errors.push(expectedAtEnd(LCurly, tokens));
  else if (closed.length > 0) errors.push(missingClosers(text, tokens, closed));
  else if (unfinished.length > 0 && complete) errors.push(expectedAtEnd(unfinished[0], tokens));
  return decl;
}

/** What may follow a declaration's name, by its keyword: a header that stops short of one is completed with the rest. */
const headerEnds = new Map<TokenType, TokenType[][]>([
  [Model, [[LCurly, RCurly]]],
  [Block, [[LParen, RParen, LCurly, RCurly]]],
  [Dataset, [[Equals, Identifier]]],
  [Train, [[On, Identifier], [Vs, Identifier, On, Identifier]]],
]);

/**
 * The tokens that complete a declaration's header cut short after its name (`model
 * Classifier`, `block Unit`, `dataset more =`, `train Net`, being typed): the parser is
 * handed them, so the name is declared, the model counts as trained and the file reads as
 * before while the rest is written. A name the header lacks is handed as an empty one, which
 * the checks pass over. Only a header alone on its line with nothing below: statements on
 * the lines below, or a brace, are a body that lacks its `{`, and the parser says so.
 */
function unfinishedHeader(tokens: IToken[]): TokenType[] {
  const [keyword, name] = tokens;
  if (name?.tokenType !== Identifier || tokens.some((tok) => tok.tokenType === LCurly || tok.tokenType === RCurly || tok.tokenType === Newline)) return [];
  const rest = tokens.slice(2).map((tok) => tok.tokenType);
  // A block's parameters, however far they got (a `)` it lacks is counted with the unclosed brackets), are followed by its body.
  if (keyword.tokenType === Block && rest[0] === LParen) return [LCurly, RCurly];
  for (const end of headerEnds.get(keyword.tokenType) ?? []) {
    if (rest.length < end.length && rest.every((type, i) => type === end[i])) return end.slice(rest.length);
  }
  return [];
}

/**
 * A `residual`, `shortcut` or `repeat N` that ends a declaration still open (being typed):
 * its body is handed over empty, so the model around it is not lost.
 */
function bodyCutShort(tokens: IToken[], unclosed: TokenType[]): boolean {
  if (unclosed[0] !== RCurly) return false;
  const last = tokens[tokens.length - 1].tokenType;
  if (last === Residual || last === Shortcut) return true;
  return (last === NumberLiteral || last === Identifier) && tokens[tokens.length - 2]?.tokenType === Repeat;
}

function expectedAtEnd(type: TokenType, tokens: IToken[]): SyntaxError {
  return { message: `expected ${type.LABEL} but found the end of the declaration`, range: endOf(tokens) };
}

/** An empty range just after the declaration's last token. */
function endOf(tokens: IToken[]): Range {
  const at = tokenRange(tokens[tokens.length - 1]).end;
  return { start: at, end: at };
}

const closerOf = new Map([[LCurly, RCurly], [LParen, RParen], [LBracket, RBracket]]);
const openerOf = new Map([...closerOf].map(([opener, closer]) => [closer, opener]));

/**
 * The brackets a declaration leaves open at its end, innermost first, as the closers it
 * lacks: a model still being typed at the end of the file or above the next declaration
 * (`{`), a call cut off there (`mnist(samples: 5`). Chevrotain can only give up on such a
 * declaration, since nothing follows the closer it lacks to resynchronise on, and the
 * whole model would be gone: its name unknown to the train statements, its shapes
 * unchecked. So the parser is handed the closers, and the error is said here. A `(` or
 * `[` open at a line break or a `{` is not counted: the parser ends it there itself.
 */
function unclosedBrackets(tokens: IToken[]): TokenType[] {
  const open: TokenType[] = [];
  for (const tok of tokens) {
    const type = tok.tokenType;
    // No bracket holds a body, so a `{` ends whatever `(` or `[` is open, as a line break does.
    if (type === LCurly || type === Newline) {
      while (open.length > 0 && open[open.length - 1] !== LCurly) open.pop();
      if (type === LCurly) open.push(type);
    } else if (type === LParen || type === LBracket) open.push(type);
    else if (type === RCurly || type === RParen || type === RBracket) {
      // A closer ends what it closes and whatever was left open inside it (`dense(3 }`).
      const at = open.lastIndexOf(openerOf.get(type)!);
      if (at >= 0) open.length = at;
    }
  }
  return open.reverse().map((o) => closerOf.get(o)!);
}

/**
 * A closer the text lacks: no text, just after the declaration's `last` token (the parser's
 * `at` puts it after the last token read, as it does chevrotain's own stand-ins).
 */
function inserted(type: TokenType, last: IToken): IToken {
  const column = last.startColumn! + last.image.length;
  const offset = last.startOffset + last.image.length;
  return { image: '', startOffset: offset, endOffset: offset - 1, startLine: last.startLine, endLine: last.startLine, startColumn: column, endColumn: column - 1, tokenType: type, tokenTypeIdx: type.tokenTypeIdx!, isInsertedInRecovery: true };
}

/**
 * The error for brackets left open, at the end of the declaration, with the fix that closes
 * them: `)` and `]` where the code stops, each `}` on a line of its own after the line's
 * comment, if it has one.
 */
function missingClosers(text: string, tokens: IToken[], closers: TokenType[]): SyntaxError {
  const range = endOf(tokens);
  const last = tokens[tokens.length - 1];
  const rest = /^[^\r\n]*/.exec(text.slice(last.startOffset + last.image.length))![0];
  const lineEnd = { line: range.end.line, character: range.end.character + rest.length };
  let braces = closers.filter((c) => c === RCurly).length;
  const inline = closers.filter((c) => c !== RCurly).map((c) => c.LABEL!.slice(1, -1)).join('');
  const lines = closers.filter((c) => c === RCurly).map(() => `\n${'  '.repeat(--braces)}}`).join('');
  const commented = rest.trimStart().startsWith('#');
  const edits = !commented ? [{ range, newText: inline + lines }] : [
    ...(inline ? [{ range, newText: inline }] : []),
    ...(lines ? [{ range: { start: lineEnd, end: lineEnd }, newText: lines }] : []),
  ];
  const labels = closers.map((c) => c.LABEL!);
  const all = labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
  return {
    message: `expected ${labels[0]} but found the end of the declaration`,
    range,
    fixes: [{ title: `Add the missing ${all}`, edits, preferred: true }],
    lineReadAsWritten: true,
  };
}

/** What to say of a declaration whose brackets nest deeper than the parser can follow. */
function tooDeep(tokens: IToken[]): string {
  let depth = 0;
  let deepest = 0;
  for (const tok of tokens) {
    if (tok.tokenType === LParen || tok.tokenType === LBracket || tok.tokenType === LCurly) deepest = Math.max(deepest, ++depth);
    else if (tok.tokenType === RParen || tok.tokenType === RBracket || tok.tokenType === RCurly) depth--;
  }
  return `this declaration nests brackets ${deepest.toLocaleString('en')} levels deep, more than the parser can follow; no network needs that many (\`repeat N { }\` writes a deep stack)`;
}

/**
 * A declaration followed by lines that start with no declaration keyword (`mod`, half
 * typed): the parser stops at the line break before them, which is no mistake. Said at
 * what follows, as a stray line before any declaration is.
 */
function strayAfter(e: IRecognitionException, tokens: IToken[]): SyntaxError | undefined {
  if (e.name !== 'NotAllInputParsedException' || !isSeparator(e.token)) return undefined;
  const stray = tokens.slice(tokens.indexOf(e.token)).find((tok) => !isSeparator(tok));
  return stray && strayDeclaration(stray);
}

function strayDeclaration(stray: IToken): SyntaxError {
  return { message: `expected a declaration (dataset, model, block or train), found '${stray.image}'`, range: tokenRange(stray) };
}

function fromRecognition(e: IRecognitionException, tokens: IToken[]): SyntaxError {
  let tok = e.token;
  if (tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset) || tok.isInsertedInRecovery) {
    // At the end of a declaration: point just past its last token.
    const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    tok = previous && !Number.isNaN(previous.startOffset) && !previous.isInsertedInRecovery ? previous : tokens[tokens.length - 1];
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
