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
import { tokenRange } from './range-builder';
import * as t from './tokens';

export interface SequentialModel {
  /** The tokens of `model Name { layer \n layer }`, each standing where the text it replaces does. */
  tokens: IToken[];
  error: SyntaxError;
}

/** The declaration `tokens` (trailing separators left off) mean, if they are `name = Sequential(...)`; else undefined. */
export function sequentialModel(tokens: IToken[]): SequentialModel | undefined {
  const [variable, equals, callee, open] = tokens;
  if (!variable || (variable.tokenType !== t.Identifier && variable.tokenType !== t.Model)) return undefined;
  if (equals?.tokenType !== t.Equals || callee?.tokenType !== t.Identifier || callee.image !== 'Sequential' || open?.tokenType !== t.LParen) return undefined;
  if (tokens[tokens.length - 1].tokenType !== t.RParen) return undefined;
  // Keras gives a list of layers, PyTorch the layers themselves.
  const list = tokens[4]?.tokenType === t.LBracket;
  const opener = list ? tokens[4] : open;
  const closer = list ? tokens[tokens.length - 2] : tokens[tokens.length - 1];
  if (list && closer.tokenType !== t.RBracket) return undefined;
  const inner = tokens.slice(tokens.indexOf(opener) + 1, tokens.indexOf(closer, tokens.length - 2));
  const separators = topLevelCommas(inner);
  if (!separators) return undefined;
  const name = variable.image[0].toUpperCase() + variable.image.slice(1);
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
  separators.forEach((comma, i) => {
    // A comma that ends its line (or the list) goes; one between layers on a line becomes a ';'.
    const next = inner[inner.indexOf(comma) + 1];
    const last = i === separators.length - 1 && next === undefined;
    edits.push({ range: tokenRange(comma), newText: last || next.startLine !== comma.startLine ? '' : ';' });
  });
  const end = tokenRange(tokens[tokens.length - 1]).end;
  const lastLayer = [...inner].reverse().find((tok) => !separators.includes(tok));
  edits.push({ range: { start: tokenRange(closer).start, end }, newText: sameLine(lastLayer, closer) ? ' }' : '}' });
  return {
    tokens: declared,
    error: {
      message: `\`${variable.image} = Sequential(...)\` is how ${list ? 'Keras' : 'PyTorch'} builds a model; dlnet declares it, its layers one a line: model ${name} { ... }`,
      range: header,
      fixes: [{ title: `Declare model ${name}`, edits, preferred: true }],
      lineReadAsWritten: true,
    },
  };
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
