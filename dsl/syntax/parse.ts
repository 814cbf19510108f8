/**
 * Text → SourceFile plus syntax errors. Never throws: any input gives a tree (maybe
 * with gaps) and every error found, not only the first.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import { fitted } from '../fitted';
import type * as ast from './ast';
import { parserInstance, type SyntaxError } from './parser';
import { tokenRange } from './range-builder';
import { lexDeclarations, startsDeclaration, type TextStart } from './lexer';
import { declarationKeywords, Identifier, LBracket, LCurly, LParen, Newline, RBracket, RCurly, RParen, Semicolon, Train } from './tokens';
import { closest } from '../suggest';
import { unfinished } from './unfinished';
import { sequentialModel } from './sequential';
import { readWellFormed } from './well-formed';
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
  /** Every position in each declaration's tree, each once (see range-builder.ts). */
  treePositions: Position[][];
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

/**
 * Builds the parser that reads declarations with mistakes (chevrotain's self-analysis,
 * 40–60 ms): well-formed code never needs it, so it is otherwise built at the first
 * mistake typed. A language server calls this soon after it starts (server/main.ts), so
 * that keystroke does not pay for it.
 */
export function prepareErrorRecovery(): void {
  parserInstance();
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
  const returns = text.includes('\r');
  let line = 0;
  for (let i = nextLineBreak(text, 0, returns); i >= 0; i = nextLineBreak(text, i + 1, returns)) {
    if (text.charCodeAt(i) === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    line++;
    if (startsDeclaration(text, i + 1)) starts.push({ offset: i + 1, line });
  }
  return starts;
}

/** Where the next line break is from `from` (-1: none); a text without `\r` has only `\n`, found by the native search. */
function nextLineBreak(text: string, from: number, returns: boolean): number {
  if (!returns) return text.indexOf('\n', from);
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return i;
  }
  return -1;
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
 * Every position in the piece, each once. Without errors these are the positions the
 * parser made (range-builder.ts), those of the comments and the end; an error
 * may share a position with the tree (a fix's range does), so a piece with errors is
 * walked through, each position found once.
 */
export function positionsIn(piece: Piece): Position[] {
  if (piece.syntaxErrors.length > 0 || piece.lexErrors.length > 0) return positionsReachable(piece);
  const out: Position[] = [piece.end];
  for (const positions of piece.treePositions) for (const p of positions) out.push(p);
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
  const treePositions: Position[][] = [];
  // Each declaration is parsed as soon as it is lexed, so its tokens die young.
  const lexed = lexDeclarations(text, (tokens) => {
    // Only what comes before the first declaration can start with a line break.
    const start = tokens.findIndex((tok) => !isSeparator(tok));
    if (start < 0) return;
    const written = declarationTokens(start === 0 ? tokens : tokens.slice(start));
    // `model = keras.Sequential([...])`, or `net = nn.Sequential(...)` before any declaration: the model it means.
    const sequential = sequentialModel(written, text, to);
    if (sequential) syntaxErrors.push(sequential.error);
    else if (!declarationKeywords.has(written[0].tokenType)) {
      syntaxErrors.push(strayDeclaration(written[0]));
      return;
    }
    const { decl, positions } = parseDeclaration(text, sequential?.tokens ?? written, syntaxErrors);
    if (decl) decls.push(decl);
    treePositions.push(positions);
  }, from, to);
  const lexErrors = firstPerLine(lexed.errors.map((e): SyntaxError => {
    const range = { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + e.length } };
    if (e.repair === undefined) return { message: e.message, range };
    // Read as its repair writes it: what the checks find on the line stands (`nn.Linear(784, 10)` is also a layer to rename).
    return { message: e.message, range, fixes: [{ title: e.repairTitle!, edits: [{ range, newText: e.repair }], preferred: true }], lineReadAsWritten: true };
  }));
  const comments = lexed.comments.map((tok): ast.Comment => ({ text: tok.image, range: tokenRange(tok) }));
  // Characters the lexer could not read leave the parser a line it misreads: its errors there are echoes.
  // (Not where the lexer read the text as its repair writes it: a module path, a misspelt keyword, a `//` comment.)
  const lexLines = new Set(lexErrors.filter((e) => !e.fixes).map((e) => e.range.start.line));
  return { decls: fitted(decls), comments, lexErrors, syntaxErrors: firstPerLine(syntaxErrors).filter((e) => !lexLines.has(e.range.start.line)), end: lexed.end, treePositions };
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

/** A declaration's tree, and every position in it (range-builder.ts). */
interface ParsedDeclaration {
  decl: ast.Decl | undefined;
  positions: Position[];
}

/** A declaration's tokens without the line breaks and `;` after its end: what the parsers read. */
export function declarationTokens(segment: IToken[]): IToken[] {
  let end = segment.length;
  while (end > 1 && isSeparator(segment[end - 1])) end--;
  return end === segment.length ? segment : segment.slice(0, end);
}

/** `written`: the declaration's tokens, without the separators after it (`declarationTokens`). */
function parseDeclaration(text: string, written: IToken[], errors: SyntaxError[]): ParsedDeclaration {
  // Almost every declaration is well formed: read those without chevrotain's machinery.
  const plain = readWellFormed(written);
  if (plain) return plain;
  const parser = parserInstance();
  return { decl: parseWithRecovery(text, written, errors), positions: parser.ranges.positions };
}

function parseWithRecovery(text: string, written: IToken[], errors: SyntaxError[]): ast.Decl | undefined {
  const parser = parserInstance();
  try {
    // As written first: only a declaration the parser had to recover in is looked at for what it lacks.
    let decl = parseTokens(written);
    if (parser.errors.length === 0) {
      errors.push(...parser.extraErrors);
      return decl;
    }
    const lacking = unfinished(text, written);
    let handed = lacking.missing.length;
    const tokens = lacking.tokens;
    if (tokens !== written || handed > 0) {
      for (;;) {
        decl = parseTokens(lacking.handing(handed));
        // Where the parser recovered from a misplaced brace by other means, it leaves closers handed to it unread: hand it fewer.
        if (handed === 0 || !parser.errors.some((e) => e.name === 'NotAllInputParsedException' && e.token.isInsertedInRecovery)) break;
        handed--;
      }
    }
    for (const e of parser.errors) errors.push(strayAfter(e, tokens) ?? fromRecognition(e, tokens));
    errors.push(...parser.extraErrors, ...lacking.errors(handed));
    return decl;
  } catch (e) {
    // Chevrotain recovers from recognition errors; anything else is a parser bug,
    // reported as a syntax error on the declaration rather than a crash. Brackets
    // nested past what the parser's recursion can follow are the one input that does it.
    const message = e instanceof RangeError && /call stack/i.test(e.message) ? tooDeep(written) : `internal parser error: ${(e as Error).message}`;
    errors.push({ message, range: tokenRange(written[0]) });
    return undefined;
  }
}

function parseTokens(tokens: IToken[]): ast.Decl | undefined {
  const parser = parserInstance();
  parser.begin(tokens);
  return parser.declaration();
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
  const range = tokenRange(stray);
  // `modle` alone on its line, a keyword misspelt with nothing after it yet (habits.ts reads one followed by a name).
  // No fix: `model` alone still lacks its name.
  const meant = stray.tokenType === Identifier && stray.startColumn === 1 ? closest(stray.image, DECLARATION_WORDS) : undefined;
  return { message: `expected a declaration (dataset, model, block or train), found '${stray.image}'${meant ? `; did you mean '${meant}'?` : ''}`, range };
}

const DECLARATION_WORDS = ['dataset', 'model', 'block', 'train'];

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
  // `adam(learningRate: 0.01)` or `earlyStopping(patience: 2)` on a line of a train block: a value written without its setting's name.
  const at = tokens.indexOf(tok);
  const name = tokens[at - 1];
  if (e.name === 'MismatchedTokenException' && tok.tokenType === LParen && tokens[0].tokenType === Train && name?.tokenType === Identifier
    && [LCurly, Newline, Semicolon].includes(tokens[at - 2]?.tokenType)) {
    const r = tokenRange(name);
    return { message: e.message, range: { start: r.start, end: tokenRange(tok).end }, settingCall: name.image };
  }
  return { message: e.message, range: tokenRange(tok) };
}
