/**
 * Keras's and PyTorch's Sequential, pasted as Python writes it:
 * `model = keras.Sequential([layers.Dense(64), layers.Dense(10)])` or
 * `net = nn.Sequential(nn.Linear(784, 128), nn.ReLU())` (the lexer has already read past
 * the module paths). Read as the model it means, `model Model { ... }` with each layer a
 * step, so its layers are checked (and Keras's and PyTorch's spellings of them said, each
 * with its fix), and one error whose fix writes the declaration: the model named after the
 * variable, capitalised.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { TextEdit } from '../diagnostics';
import type { SyntaxError } from './parser';
import type { Position } from './range';
import { tokenRange } from './range-builder';
import * as t from './tokens';
import { lineCode } from './python-expression';
import { ScriptValues, scriptStatements } from './python-statements';
import { splitLines } from './range';

export interface SequentialModel {
  /** The tokens of `model Name { layer \n layer }`, each standing where the text it replaces does. */
  tokens: IToken[];
  error: SyntaxError;
}

/**
 * The declaration the `piece`'s tokens (trailing separators left off) mean, if they
 * start with `name = Sequential(...)`; else undefined. What follows the call in the piece
 * (a script's next lines) is handed on as written. `text` is the whole text, where the
 * script's constants are found; up to `to` (the end of the piece being parsed), it is
 * where an empty `Sequential()`'s `model.add(...)` lines are looked for.
 */
export function sequentialModel(piece: IToken[], text?: string, to?: number): SequentialModel | undefined {
  // Every declaration is asked: the second token settles it for all but these.
  if (piece[1]?.tokenType !== t.Equals) return undefined;
  const [variable, equals, callee, open] = piece;
  if (!variable || (variable.tokenType !== t.Identifier && variable.tokenType !== t.Model)) return undefined;
  if (equals?.tokenType !== t.Equals || callee?.tokenType !== t.Identifier || callee.image !== 'Sequential' || open?.tokenType !== t.LParen) return undefined;
  // The call, to the `)` that closes it: a script's lines may follow it in the piece (`model.summary()`, `epochs = 15`), left as written.
  const close = closingParen(piece, 3);
  if (close < 0) return undefined;
  const tokens = piece.slice(0, close + 1);
  const after = piece.slice(close + 1);
  // Keras gives a list of layers, PyTorch the layers themselves.
  const list = tokens[4]?.tokenType === t.LBracket;
  const opener = list ? tokens[4] : open;
  const closer = list ? tokens[tokens.length - 2] : tokens[tokens.length - 1];
  if (list && closer.tokenType !== t.RBracket) return undefined;
  const listed = tokens.slice(tokens.indexOf(opener) + 1, tokens.indexOf(closer, tokens.length - 2));
  // Keras's TextVectorization first (`[vectorize_layer, Embedding(...)]`, a model of raw texts): dlnet's csv source reads the texts as token ids (`text:`), so it goes.
  const vectorizer = text === undefined ? undefined : vectorizerFirst(listed, text);
  const inner = vectorizer ? listed.slice(vectorizer.length) : listed;
  const separators = topLevelCommas(inner);
  // A layer is a call; a name alone (`[model, Softmax()]`, a model wrapped for its predictions) is no layer dlnet can write here.
  if (!separators || inner.some((tok, i) => (i === 0 || separators.includes(inner[i - 1])) && (i + 1 === inner.length || separators.includes(inner[i + 1])))) return undefined;
  const name = sequentialName(variable.image);
  const declared = [
    as(equals, t.Model, 'model'),
    as(variable, t.Identifier, name),
    as(opener, t.LCurly, '{'),
    ...inner.map((tok) => (separators.includes(tok) ? as(tok, t.Newline, ',') : tok)),
    as(closer, t.RCurly, '}'),
  ];
  const header = { start: tokenRange(variable).start, end: tokenRange(opener).end };
  // A body on the header's line is spaced from its braces, as the formatter writes one.
  const sameLine = (a: IToken | undefined, b: IToken) => a !== undefined && a.startLine === b.startLine;
  const edits: TextEdit[] = [{ range: header, newText: `model ${name} {${sameLine(inner[0], opener) ? ' ' : ''}` }];
  if (vectorizer) {
    // Its line goes where it has one; else the name and its comma.
    const ownLine = inner[0] && inner[0].startLine !== vectorizer[0].startLine;
    const start = ownLine ? { line: vectorizer[0].startLine! - 1, character: 0 } : tokenRange(vectorizer[0]).start;
    edits.push({ range: { start, end: ownLine ? { line: inner[0].startLine! - 1, character: 0 } : tokenRange(inner[0] ?? closer).start }, newText: '' });
  }
  separators.forEach((comma, i) => {
    // A comma that ends its line (or the list) goes; one between layers on a line becomes a ';'.
    const next = inner[inner.indexOf(comma) + 1];
    const last = i === separators.length - 1 && next === undefined;
    edits.push({ range: tokenRange(comma), newText: last || next.startLine !== comma.startLine ? '' : ';' });
  });
  if (text !== undefined) edits.push(...bodyEdits(inner, opener, closer, variable.startColumn! - 1, scriptConstantsOf(splitLines(text))));
  const end = tokenRange(tokens[tokens.length - 1]).end;
  const added = inner.length === 0 && text !== undefined && to !== undefined ? addedLayers(text, tokens[tokens.length - 1], to, variable.image) : undefined;
  if (added) {
    // `model = Sequential()` then `model.add(Dense(64))` a line: the layers move into the body (their lines are Keras's model methods, said by the lexer).
    const body = added.layers.map((l) => `  ${l}\n`).join('');
    return {
      tokens: after.length ? [...declared, ...after] : declared,
      error: {
        message: `\`${variable.image} = Sequential()\` and \`${variable.image}.add(...)\` are how Keras builds a model; dlnet declares it, its layers one a line: model ${name} { ... }`,
        range: header,
        fixes: [{ title: `Declare model ${name} with the ${added.layers.length} layers added`, edits: [{ range: { start: header.start, end: added.end }, newText: `model ${name} {\n${body}}` }], preferred: true }],
        // Not read as written: the model is read empty (the lexer reads past the added lines), so what is said of it on this line would mislead.
      },
    };
  }
  const lastLayer = [...inner].reverse().find((tok) => !separators.includes(tok));
  edits.push({ range: { start: tokenRange(closer).start, end }, newText: sameLine(lastLayer, closer) ? ' }' : '}' });
  return {
    tokens: after.length ? [...declared, ...after] : declared,
    error: {
      message: `\`${variable.image} = Sequential(...)\` is how ${list ? 'Keras' : inner.length ? 'PyTorch' : 'Keras and PyTorch build'}${inner.length || list ? ' builds' : ''} a model; dlnet declares it, its layers one a line: model ${name} { ... }${vectorizer ? `; ${vectorizer[0].image}, a TextVectorization, goes: a csv source reads texts as token ids (text:)` : ''}`,
      range: header,
      fixes: [{ title: `Declare model ${name}`, edits, preferred: true }],
      lineReadAsWritten: true,
    },
  };
}

/**
 * A pasted script's layout made the model's: each layer first on its line at the model's
 * indentation plus two, the `}` at the model's; and the script's constants written where
 * the layers use them (`Dense(num_classes)` → `Dense(10)`), since their lines go.
 */
function bodyEdits(inner: IToken[], opener: IToken, closer: IToken, indent: number, constants: ReadonlyMap<string, string>): TextEdit[] {
  const edits: TextEdit[] = [];
  const lineHead = (tok: IToken) => ({ start: { line: tok.startLine! - 1, character: 0 }, end: { line: tok.startLine! - 1, character: tok.startColumn! - 1 } });
  let depth = 0;
  let line = opener.startLine;
  inner.forEach((tok, i) => {
    const type = tok.tokenType;
    if (type === t.Newline) return;
    if (depth === 0 && tok.startLine !== line) edits.push({ range: lineHead(tok), newText: ' '.repeat(indent + 2) });
    line = tok.endLine ?? tok.startLine;
    if (type === t.LParen || type === t.LBracket || type === t.LCurly) depth++;
    else if (type === t.RParen || type === t.RBracket || type === t.RCurly) depth--;
    const next = inner[i + 1]?.tokenType;
    const value = type === t.Identifier && next !== t.Equals && next !== t.Colon ? constants.get(tok.image) : undefined;
    if (value !== undefined) edits.push({ range: tokenRange(tok), newText: value });
  });
  if (closer.startLine !== line) edits.push({ range: lineHead(closer), newText: ' '.repeat(indent) });
  return edits;
}

/** The first element of a Sequential's list and its comma where it is a name the script binds to a TextVectorization (`vectorize_layer = layers.TextVectorization(...)`). */
function vectorizerFirst(listed: IToken[], text: string): IToken[] | undefined {
  const [first, comma] = listed;
  if (first?.tokenType !== t.Identifier || comma?.tokenType !== t.Comma) return undefined;
  const bound = new RegExp(`^[ \\t]*${first.image}\\s*=\\s*(?:[A-Za-z_]\\w*\\.)*TextVectorization\\s*\\(`, 'm');
  return bound.test(text) ? [first, comma] : undefined;
}

/** The constants a script's text names (`num_classes = 10`). */
export function scriptConstantsOf(lines: readonly string[]): ReadonlyMap<string, string> {
  return new ScriptValues(lines, scriptStatements(lines, () => false)).constants;
}

/** The model a Sequential assigned to `variable` declares: `model` → `Model`. */
export const sequentialName = (variable: string): string => variable[0].toUpperCase() + variable.slice(1);

/** The index of the bracket that closes the one at `open`, or -1. */
function closingParen(tokens: IToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const type = tokens[i].tokenType;
    if (type === t.LParen || type === t.LBracket || type === t.LCurly) depth++;
    else if ((type === t.RParen || type === t.RBracket || type === t.RCurly) && --depth === 0) return i;
  }
  return -1;
}

/** The commas between the layers (none inside their own brackets), or undefined where a layer is missing (`[, x]`). */
function topLevelCommas(inner: IToken[]): IToken[] | undefined {
  const commas: IToken[] = [];
  let depth = 0;
  let empty = true;
  for (const tok of inner) {
    const type = tok.tokenType;
    if (type === t.LParen || type === t.LBracket || type === t.LCurly) depth++;
    else if (type === t.RParen || type === t.RBracket || type === t.RCurly) depth--;
    if (depth === 0 && type === t.Comma) {
      if (empty) return undefined;
      commas.push(tok);
      empty = true;
    } else empty = false;
  }
  return commas;
}

/** A token of another type standing where `tok` does (its image sets the range's length: a name capitalised keeps it). */
function as(tok: IToken, type: TokenType, image: string): IToken {
  return { ...tok, image: type === t.Identifier ? image : tok.image, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
}

/**
 * The layers of the `name.add(layer)` calls after `close`, each on its lines (blank and
 * comment lines between them are passed over), and where the last one ends; undefined
 * when none follows.
 */
function addedLayers(text: string, close: IToken, to: number, name: string): { layers: string[]; end: Position } | undefined {
  const layers: string[] = [];
  let end: Position | undefined;
  let at = close.startOffset + 1;
  let line = close.startLine! - 1;
  // The rest of the `Sequential()` line must be empty.
  let lineEnd = endOfLine(text, at, to);
  if (text.slice(at, lineEnd).trim() !== '') return undefined;
  while (lineEnd < to) {
    at = lineEnd + (text.charCodeAt(lineEnd) === 0x0d && text.charCodeAt(lineEnd + 1) === 0x0a ? 2 : 1);
    line++;
    lineEnd = endOfLine(text, at, to);
    const layer = addedLayer(text, at, to, name);
    if (layer) {
      layers.push(layer.text);
      line += layer.lines;
      lineEnd = layer.lineEnd;
      end = { line, character: text.slice(layer.lineStart, lineEnd).trimEnd().length };
    } else if (text.slice(at, lineEnd).trim() !== '' && !text.slice(at, lineEnd).trim().startsWith('#')) break;
  }
  return end && { layers, end };
}

/**
 * `model.add(Dense(64))` starting at the line at `at`, on that line or over several: the
 * layer's text (on one line, with the comment after the call, if any, which moves with
 * it), how many lines further its last line is, and where that line starts and ends.
 */
function addedLayer(text: string, at: number, to: number, name: string): { text: string; lines: number; lineStart: number; lineEnd: number } | undefined {
  let lineStart = at;
  let lineEnd = endOfLine(text, at, to);
  const first = text.slice(at, lineEnd);
  const head = `${name}.add(`;
  const indent = first.length - first.trimStart().length;
  if (!first.startsWith(head, indent)) return undefined;
  let from = indent + head.length;
  let depth = 1;
  let lines = 0;
  let layer = '';
  for (;;) {
    const written = text.slice(lineStart, lineEnd);
    const read = lineCode(written, from, depth);
    if (!read) return undefined;
    if (read.closedAt !== undefined) {
      const rest = written.slice(read.closedAt + 1).trim();
      if (rest !== '' && !rest.startsWith('#')) return undefined;
      // Continued lines joined as one: no space just inside a bracket, no comma that ended a line before one closes (a tuple's `(784,)` keeps its).
      const joined = `${layer}${written.slice(from, read.closedAt)}`.replace(/,\s*\n\s*([)\]])/g, '$1').replace(/\s+/g, ' ').replace(/([([]) /g, '$1').replace(/ ([)\]])/g, '$1').trim();
      return { text: joined + (rest ? `  ${rest}` : ''), lines, lineStart, lineEnd };
    }
    if (lineEnd >= to) return undefined;
    layer += `${read.code}\n`;
    depth = read.depth;
    from = 0;
    lines++;
    lineStart = lineEnd + (text.charCodeAt(lineEnd) === 0x0d && text.charCodeAt(lineEnd + 1) === 0x0a ? 2 : 1);
    lineEnd = endOfLine(text, lineStart, to);
  }
}

function endOfLine(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
  return i;
}
