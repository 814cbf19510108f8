/**
 * What a declaration being typed lacks. Chevrotain recovers from a token missing between
 * two others, but not from one missing where nothing follows to resynchronise on (a model
 * being typed at the end of the file or above the next declaration), nor from a body whose
 * `{` is missing (a header line being retyped): it gives up on the declaration, and the
 * model is gone while a line is typed (its name unknown to the train statements, its
 * shapes unchecked, its blocks "never used"). So a declaration the parser had to recover
 * in is completed and parsed again, with tokens of no text, and what it lacked is said
 * here. So are two slips that lose a declaration the same way: a comma too many, and a
 * body written after `:` as Python writes one.
 */
import type { IToken, TokenType } from 'chevrotain';
import { type SyntaxError } from './parser';
import { tokenRange } from './range-builder';
import type { Range } from './range';
import { Block, Colon, Comma, Dataset, Equals, Identifier, LBracket, LCurly, LParen, Model, Newline, NumberLiteral, On, RBracket, RCurly, Repeat, Residual, RParen, Semicolon, Shortcut, Train, Vs } from './tokens';

export interface Unfinished {
  /** The declaration's tokens as the parser should read them: a comma too many taken out, the `{` (and a header's `)`) a line lacks put in, a Python `:` read as `{`. */
  tokens: IToken[];
  /** What it lacks after its last token, in order. */
  missing: TokenType[];
  /** The tokens with the first `count` of `missing` after them (the parser may need fewer, see parse.ts). */
  handing(count: number): IToken[];
  /** What to say of what it lacked, the parser having taken `handed` of `missing`. */
  errors(handed: number): SyntaxError[];
}

export function unfinished(text: string, written: IToken[]): Unfinished {
  const first = survey(written);
  const extra = first.commas;
  const given = extra.length === 0 ? written : written.filter((tok) => !extra.includes(tok));
  const params = paramsCutShort(given);
  const header = params ? withOpenings(given, [params]) : given;
  // Surveyed again only where tokens were taken out or put in (the lines' places moved).
  const scan = header === written ? first : survey(header);
  const colon = pythonBody(header);
  const openings = colon === undefined ? missingOpenings(header, scan) : [];
  const tokens = colon !== undefined ? braceForColon(header, colon) : openings.length === 0 ? header : withOpenings(header, openings);
  const last = tokens[tokens.length - 1];
  const unclosed = tokens === header ? scan.unclosed : survey(tokens).unclosed;
  const body = bodyCutShort(tokens, unclosed) ? [LCurly, RCurly] : [];
  const rest = unfinishedHeader(tokens);
  const missing = [...body, ...unclosed, ...rest];
  return {
    tokens,
    missing,
    handing: (count) => (count === 0 ? tokens : [...tokens, ...missing.slice(0, count).map((type) => inserted(type, last))]),
    errors: (handed) => {
      const out = runsOf(extra, written).map((run) => commasTooMany(run, written));
      out.push(...openings.map((o) => lineLacks(header[o.after], o.types)));
      if (params) out.push(lineLacks(given[params.after], params.types));
      const complete = handed === missing.length;
      const closed = unclosed.slice(0, Math.max(0, handed - body.length));
      // Said of the first thing the end lacks. What its line would say of what is missing after it (a body with no input, no data) is not worth saying before it is written.
      if (body.length > 0 && complete) out.push(expectedAtEnd(LCurly, tokens));
      else if (closed.length > 0) out.push(colon === undefined ? missingClosers(text, tokens, closed) : bracesForIndentation(header[colon], missingClosers(text, tokens, closed)));
      else if (rest.length > 0 && complete) out.push(expectedAtEnd(rest[0], tokens));
      return out;
    },
  };
}

/**
 * `dense(8,, activation: relu)`, as deleting an argument leaves it: the commas too many (a
 * comma after a comma, see `survey`) are left out of what the parser reads (a grammar that
 * allowed them would pay at every comma of every call), and said, one error for each run
 * of them (`dense(8,,, ...)`), with the fix that removes the run.
 */
function commasTooMany(run: IToken[], tokens: IToken[]): SyntaxError {
  const range = { start: tokenRange(run[0]).start, end: tokenRange(run[run.length - 1]).end };
  // A block's parameters are names; everywhere else a comma separates values.
  const inParams = tokens[0].tokenType === Block && tokens.findIndex((tok) => tok.tokenType === RParen || tok.tokenType === LCurly) > tokens.indexOf(run[0]);
  const title = run.length === 1 ? "Remove the extra ','" : `Remove the ${run.length} extra commas`;
  return { message: `expected ${inParams ? 'a name' : 'a value'} but found ','`, range, fixes: [{ title, edits: [{ range, newText: '' }], preferred: true }] };
}

/** The extra commas in runs of commas that follow one another in `tokens`. */
function runsOf(extra: IToken[], tokens: IToken[]): IToken[][] {
  const runs: IToken[][] = [];
  let previous = -2;
  for (const comma of extra) {
    const at = tokens.indexOf(comma);
    if (at === previous + 1) runs[runs.length - 1].push(comma);
    else runs.push([comma]);
    previous = at;
  }
  return runs;
}

/**
 * `block Res(` with the body's lines below it, its `)` and `{` not typed yet: the lexer
 * keeps a `(` open across a line break where the next line is indented, so the body would
 * be read as parameters. Where no `)` comes before the first token on a later line, the
 * header's line is handed its `)` and `{`.
 */
function paramsCutShort(tokens: IToken[]): Opening | undefined {
  if (tokens[0].tokenType !== Block || tokens[1]?.tokenType !== Identifier || tokens[2]?.tokenType !== LParen) return undefined;
  for (let i = 3; i < tokens.length; i++) {
    const tok = tokens[i];
    const before = tokens[i - 1];
    if (tok.tokenType === RParen || tok.tokenType === LCurly || tok.tokenType === Newline) return undefined;
    if (tok.startLine === before.startLine) continue;
    // Parameters written over several lines go on after a `(` or `,`, with a name that is no call.
    const goesOn = (before.tokenType === LParen || before.tokenType === Comma) && tok.tokenType === Identifier && tokens[i + 1]?.tokenType !== LParen;
    if (!goesOn) return { after: i - 1, types: [RParen, LCurly], depth: 0, bodyBelow: true, header: true };
  }
  return undefined;
}

/**
 * `model M:` with its statements indented below, as Python writes a body: where the
 * declaration has no brace at all, the index of that `:`. It is read as the `{`, and the
 * body is closed where the declaration ends.
 */
function pythonBody(tokens: IToken[]): number | undefined {
  const keyword = tokens[0].tokenType;
  if ((keyword !== Model && keyword !== Block) || tokens[1]?.tokenType !== Identifier) return undefined;
  let at = 2;
  if (keyword === Block && tokens[at]?.tokenType === LParen) {
    while (at < tokens.length && tokens[at].tokenType !== RParen) at++;
    at++;
  }
  if (tokens[at]?.tokenType !== Colon || tokens.some((tok) => tok.tokenType === LCurly || tok.tokenType === RCurly)) return undefined;
  return at;
}

function braceForColon(tokens: IToken[], colon: number): IToken[] {
  return [...tokens.slice(0, colon), inserted(LCurly, tokens[colon - 1]), ...tokens.slice(colon + 1)];
}

/** The error for a body written as Python writes one: at the `:`, with the fix that writes its braces (the closing one as `missingClosers` places it). */
function bracesForIndentation(colon: IToken, closing: SyntaxError): SyntaxError {
  const range = tokenRange(colon);
  return {
    message: "a body is written in braces { }, not after ':' and indented",
    range,
    fixes: [{ title: 'Write the body in braces', edits: [{ range, newText: ' {' }, ...closing.fixes![0].edits], preferred: true }],
    lineReadAsWritten: true,
  };
}

/** What follows a declaration's name up to its body, by its keyword. */
const headers = new Map<TokenType, TokenType[][]>([
  [Model, [[]]],
  [Block, [[]]],
  [Dataset, [[Equals, Identifier]]],
  [Train, [[On, Identifier], [Vs, Identifier, On, Identifier]]],
]);
/** Declarations that must have a body (a train statement's settings may be left out; a dataset has none). */
const withBody = new Set([Model, Block]);

/**
 * What a header (its line's token types) cut short after its name lacks before its body:
 * `undefined` where it is no such header. A name it lacks is handed as an empty one, which
 * the checks pass over. A block's parameters, however far they got, are taken as written:
 * a `)` they lack is counted with the brackets left open.
 */
function headerRest(line: TokenType[]): TokenType[] | undefined {
  const [keyword, name, ...rest] = line;
  if (name !== Identifier) return undefined;
  if (keyword === Block && rest[0] === LParen) return [];
  for (const end of headers.get(keyword) ?? []) {
    if (rest.length <= end.length && rest.every((type, i) => type === end[i])) return end.slice(rest.length);
  }
  return undefined;
}

/**
 * The tokens that complete a declaration that is a header alone (`model Classifier`, `block
 * Unit`, `dataset more =`, `train Net`, being typed): the name is declared, the model counts
 * as trained, and the file reads as before while the rest is written. Only a header alone on
 * its line with nothing below (statements below are a body lacking its `{`: see `missingOpenings`).
 */
function unfinishedHeader(tokens: IToken[]): TokenType[] {
  if (tokens.some((tok) => tok.tokenType === LCurly || tok.tokenType === RCurly || tok.tokenType === Newline)) return [];
  const rest = headerRest(tokens.map((tok) => tok.tokenType));
  if (!rest) return [];
  return withBody.has(tokens[0].tokenType) ? [...rest, LCurly, RCurly] : rest;
}

/** A `residual`, `shortcut` or `repeat N` whose last token is `tokens[end - 1]` (and first at or after `start`): what takes a body in a model. */
function takesBody(tokens: IToken[], start: number, end: number): boolean {
  const last = tokens[end - 1].tokenType;
  if (last === Residual || last === Shortcut) return true;
  return (last === NumberLiteral || last === Identifier) && end - 2 >= start && tokens[end - 2].tokenType === Repeat;
}

/** A body-taking statement that ends a declaration still open: its body is handed over empty, so the model around it is not lost. */
function bodyCutShort(tokens: IToken[], unclosed: TokenType[]): boolean {
  return unclosed[0] === RCurly && takesBody(tokens, 0, tokens.length);
}

/** A line that lacks the `{` of its body: after its last token (`after`), these tokens. */
interface Opening {
  after: number;
  types: TokenType[];
  /** How many bodies are open around the line. */
  depth: number;
  /** The next line is indented deeper: the line's body is below it. */
  bodyBelow: boolean;
  /** The declaration's header, which never has an empty body handed to it. */
  header: boolean;
}

/**
 * The lines that take a body but lack its `{`. A header whose next line is indented
 * deeper opens the body below it. Where the declaration has `}` more than `{`, that many
 * of the lines open a body below them (`model Classi` being retyped above
 * the body it had, `repeat 2` whose `{` was deleted): those whose next line is indented
 * deeper, or else those the extra `}` close (each the nearest line above it not in a body
 * closed since). The others, a `residual`, `shortcut` or `repeat N` being typed above the
 * statements that follow it, have an empty body: chevrotain would take the statements
 * below for their body and the model's `}` for its end, and lose the model.
 */
function missingOpenings(tokens: IToken[], { lines, excess }: Survey): Opening[] {
  if (lines.length === 0) return [];
  const indented = lines.filter((l) => l.bodyBelow);
  // With no `}` to spare, a header whose body is indented below it still opens that body: it is left open at its end, as a model being typed is.
  const opening = new Set(excess <= 0 ? indented.filter((l) => l.header) : indented.length === excess ? indented : closedByExtraBraces(tokens, lines));
  // Where the extra braces are not all accounted for, chevrotain's own recovery reads the declaration better than a guess.
  if (excess > 0 && opening.size !== excess) return [];
  const bodiless = lines.filter((l) => !opening.has(l) && !l.header).map((l) => ({ ...l, types: [LCurly, RCurly] }));
  return [...opening, ...bodiless].sort((a, b) => a.after - b.after);
}

/** What one pass over a declaration's tokens finds (each part of `unfinished` wants some of it). */
interface Survey {
  /** Commas that follow a comma. */
  commas: IToken[];
  /** Every line that takes a body and has no `{` (the lexer drops a line break after `{`, so a statement also starts after a brace or a `;`). */
  lines: Opening[];
  /** How many `}` more than `{`. */
  excess: number;
  /**
   * The brackets left open at the end, innermost first, as the closers they lack: a model
   * still being typed at the end of the file or above the next declaration (`{`), a call cut
   * off there (`mnist(samples: 5`). A `(` or `[` open at a line break or a `{` is not
   * counted: the parser ends it there itself.
   */
  unclosed: TokenType[];
}

function survey(tokens: IToken[]): Survey {
  const commas: IToken[] = [];
  const lines: Opening[] = [];
  let excess = 0;
  const open: TokenType[] = [];
  let depth = 0;
  let lineStart = 0;
  /** Where the line begins, braces and all (`} shortcut` is indented as its `}`). */
  let physicalStart = 0;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i].tokenType;
    if (type === Comma) {
      if (i > 0 && tokens[i - 1].tokenType === Comma) commas.push(tokens[i]);
      continue;
    }
    if (type === LParen || type === LBracket) open.push(type);
    else if (type === RParen || type === RBracket) closeBracket(open, type);
    else if (type === LCurly) {
      depth++;
      excess--;
      // No bracket holds a body, so a `{` ends whatever `(` or `[` is open, as a line break does.
      endBrackets(open);
      open.push(type);
      lineStart = i + 1;
    } else if (type === RCurly) {
      depth = Math.max(0, depth - 1);
      excess++;
      closeBracket(open, type);
      lineStart = i + 1;
    } else if (type === Semicolon) lineStart = i + 1;
    else if (type === Newline) {
      endBrackets(open);
      const start = lineStart;
      const indent = tokens[physicalStart].startColumn!;
      lineStart = physicalStart = i + 1;
      if (start === i) continue;
      // Every line is looked at, so only a header's line is copied.
      const types = start === 0 ? headerOpens(tokens.slice(0, i).map((tok) => tok.tokenType)) : takesBody(tokens, start, i) ? [LCurly] : undefined;
      if (!types) continue;
      const next = tokens[i + 1];
      lines.push({ after: i - 1, types, depth, bodyBelow: next !== undefined && next.startColumn! > indent && next.tokenType !== RCurly, header: start === 0 });
    }
  }
  return { commas, lines, excess, unclosed: open.reverse().map((o) => closerOf.get(o)!) };
}

/** `(` and `[` open at a line break or a `{` end there. */
function endBrackets(open: TokenType[]): void {
  while (open.length > 0 && open[open.length - 1] !== LCurly) open.pop();
}

/** A closer ends what it closes and whatever was left open inside it (`dense(3 }`). */
function closeBracket(open: TokenType[], closer: TokenType): void {
  const at = open.lastIndexOf(openerOf.get(closer)!);
  if (at >= 0) open.length = at;
}

/** The lines that the `}` closing nothing close: each the nearest line above it that is not in a body closed since. */
function closedByExtraBraces(tokens: IToken[], lines: Opening[]): Opening[] {
  const found: Opening[] = [];
  const open: Opening[] = [];
  let depth = 0;
  let next = 0;
  for (let i = 0; i < tokens.length; i++) {
    while (next < lines.length && lines[next].after < i) open.push(lines[next++]);
    const type = tokens[i].tokenType;
    if (type === LCurly) depth++;
    else if (type === RCurly && depth > 0) {
      depth--;
      while (open.length > 0 && open[open.length - 1].depth > depth) open.pop();
    } else if (type === RCurly) {
      const line = open.pop();
      // A `}` with no line to open it is a stray one: the parser says so.
      if (!line) break;
      found.push(line);
    }
  }
  return found;
}

/** What a declaration's header line with no `{` lacks before its body: `undefined` where it is no header that takes one. */
function headerOpens(line: TokenType[]): TokenType[] | undefined {
  const rest = line[0] === Dataset ? undefined : headerRest(line);
  if (!rest) return undefined;
  // A block's parameters left open at the line's end (the parser ends them at the line break, but not before a `{` handed to it).
  const paren = line[0] === Block && line.lastIndexOf(LParen) > line.lastIndexOf(RParen) ? [RParen] : [];
  return [...paren, ...rest, LCurly];
}

function withOpenings(tokens: IToken[], openings: Opening[]): IToken[] {
  const out: IToken[] = [];
  let next = 0;
  for (const { after, types } of openings) {
    while (next <= after) out.push(tokens[next++]);
    for (const type of types) out.push(inserted(type, tokens[after]));
  }
  while (next < tokens.length) out.push(tokens[next++]);
  return out;
}

/** What a line lacks, said at its end; where that is a `{` alone (its body is below), with the fix that adds it. */
function lineLacks(last: IToken, types: TokenType[]): SyntaxError {
  const at = tokenRange(last).end;
  const range = { start: at, end: at };
  const message = `expected ${types[0].LABEL} but found the end of the line`;
  if (types.length > 1) return { message, range };
  return { message, range, fixes: [{ title: "Add the missing '{'", edits: [{ range, newText: ' {' }], preferred: true }], lineReadAsWritten: true };
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
 * A token the text lacks: no text, just after the token `last` (the parser's `at` puts it
 * after the last token read, as it does chevrotain's own stand-ins).
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
