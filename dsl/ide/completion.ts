/**
 * Completion that knows where the cursor is: layers, blocks and tensors at the start of
 * a step; a call's parameters not yet given; the values a parameter takes; models and
 * datasets after `train`, `vs` and `on`; sources after `dataset x =`; settings in a
 * train block; snippets for declarations. Context comes from the tokens before the
 * cursor, so it works in half-typed, unparsable text.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { Analysis } from '../analyze';
import { aliasesOf, choiceTables, datasets, fileOfKind, findChoice, findDataset, findLayer, findSetting, layers, tableColumns, trainSettings, type ChoiceTable, type FileKind, type LayerName, type ParamDef, type ParamType } from '../catalog';
import { declarationStartBefore, lex } from '../syntax/lexer';
import { fittingLoss } from '../semantics/train';
import type * as ast from '../syntax/ast';
import { comparePositions, offsetAt, type Position, type Range } from '../syntax/range';
import * as t from '../syntax/tokens';
import { choiceDoc, datasetDoc, layerDoc, paramDoc, paramLine, typeName } from './describe';
import { paramsOf } from './hover';

export type CompletionKind = 'layer' | 'block' | 'tensor' | 'keyword' | 'parameter' | 'value' | 'snippet' | 'model' | 'dataset' | 'setting' | 'source' | 'file';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Plain text, or a snippet with $1 placeholders when `snippet`. */
  insertText?: string;
  snippet?: boolean;
  sortText?: string;
  /** The item the editor selects first: the one that fits where several could. */
  preselect?: boolean;
  /** What the typed word is matched against, when more than the label: a layer's names in Keras and PyTorch. */
  filterText?: string;
  /** Which table a value came from, so its documentation can be found later. */
  table?: ChoiceTable;
  /** The layer, source or value a parameter belongs to. */
  owner?: string;
  /** The text the item replaces, where it is more than the word at the cursor (a path in a string). */
  range?: Range;
}

interface Frame {
  open: TokenType;
  index: number;
  /** For '(': the name before it. */
  callee?: string;
  /** For '{': a model/block body or a train block. */
  braces?: 'body' | 'settings' | 'other';
}

/** The tokens of the declaration the cursor is in, up to the cursor, and where that declaration starts (their offsets count from there): context never reaches into an earlier declaration. */
function tokensBefore(text: string, offset: number): { tokens: IToken[]; from: number } {
  const from = declarationStartBefore(text, offset);
  return { tokens: lex(text.slice(from, offset), true).tokens, from };
}

/** The call whose argument list holds the cursor: its name and which parameter the cursor is on. */
export function callAtCursor(a: Analysis, pos: Position): { callee: string; params: ParamDef[]; active: number } | undefined {
  const { tokens } = tokensBefore(a.text, offsetAt(a.text, pos));
  const frame = openFrames(tokens).filter((f) => f.open === t.LParen).pop();
  if (!frame?.callee || tokens[frame.index - 2]?.tokenType === t.Block) return undefined;
  const params = paramsOf(a, fakeCall(frame.callee))?.filter((p) => p.type.kind !== 'tensor' || p.positional);
  if (!params) return undefined;
  const segment = currentArgument(tokens, frame);
  if (segment.length >= 2 && segment[0].tokenType === t.Identifier && segment[1].tokenType === t.Colon) {
    return { callee: frame.callee, params, active: params.findIndex((p) => p.name === segment[0].image) };
  }
  const positional = params.filter((p) => p.positional);
  const n = positionalCount(tokens, frame);
  const p = positional[Math.min(n, positional.length - 1)];
  return { callee: frame.callee, params, active: p && (n < positional.length || p.variadic) ? params.indexOf(p) : -1 };
}

export function complete(a: Analysis, pos: Position): Completion[] {
  const offset = offsetAt(a.text, pos);
  const { tokens: all, from } = tokensBefore(a.text, offset);
  // A name being typed right at the cursor is the prefix, not context.
  const last = all[all.length - 1];
  const typing = last && (last.tokenType === t.Identifier || t.keywords.includes(last.tokenType)) && from + last.startOffset + last.image.length === offset;
  const tokens = typing ? all.slice(0, -1) : all;
  const frames = openFrames(tokens);
  const frame = frames[frames.length - 1];
  const segment = currentSegment(tokens, frame);
  const scope = new Scope(a, pos);

  if (!frame) return topLevel(a, segment);
  const inString = stringAtCursor(a.text, offset);
  if (inString && frame.open === t.LParen) {
    const call = callAtCursor(a, pos);
    const type = call && call.active >= 0 ? call.params[call.active].type : undefined;
    if (type?.kind === 'string' && type.file) return fileItems(a, pos, offset, inString, type.file);
  }
  if (frame.open === t.LParen) return frame.callee === 'csv' && (isArgument(tokens, frame, 'label') || isArgument(tokens, frame, 'text')) ? tableColumnItems(a, tokens, frame, offset) : inCall(a, scope, tokens, frame);
  if (frame.open === t.LBracket) {
    const below = frames[frames.length - 2];
    const owner = below ? namedBefore(tokens, frame.index) : undefined;
    if (owner && below?.braces === 'settings') return valuesOf(findSetting(owner)?.type, scope, true);
    if (owner && below?.open === t.LParen && below.callee) {
      if (below.callee === 'csv' && (owner === 'ignore' || owner === 'features')) return tableColumnItems(a, tokens, below, offset);
      const p = paramsOf(a, fakeCall(below.callee))?.find((q) => q.name === owner);
      return valuesOf(p?.type, scope, true);
    }
    return [];
  }
  if (frame.braces === 'settings') {
    if (segment.length >= 2 && segment[1].tokenType === t.Colon) {
      const values = valuesOf(findSetting(segment[0].image)?.type, scope, false);
      return segment[0].image === 'loss' ? fittingLossFirst(a, pos, values) : values;
    }
    if (segment.length === 0) {
      const given = new Set(settingKeys(tokens, frame.index));
      // `train G vs D`: a GAN's settings; else a plain statement's.
      const gan = tokens.slice(0, frame.index).some((tok) => tok.tokenType === t.Vs);
      return trainSettings.filter((s) => !given.has(s.name) && s.only !== (gan ? 'plain' : 'gan')).map((s) => ({ label: s.name, kind: 'setting', detail: paramLine(s), insertText: `${s.name}: `, sortText: `0${s.name}` }));
    }
    return [];
  }
  if (frame.braces === 'body') return inBody(scope, segment);
  return [];
}

/** Brackets still open at the cursor, innermost last. */
function openFrames(tokens: IToken[]): Frame[] {
  const frames: Frame[] = [];
  let decl: string | undefined;
  tokens.forEach((tok, i) => {
    const type = tok.tokenType;
    if (t.declarationKeywords.has(type)) {
      frames.length = 0;
      decl = tok.image;
    } else if (type === t.LParen) frames.push({ open: type, index: i, callee: tokens[i - 1]?.tokenType === t.Identifier ? tokens[i - 1].image : undefined });
    else if (type === t.LBracket) frames.push({ open: type, index: i });
    else if (type === t.LCurly) {
      const prev = tokens[i - 1]?.tokenType;
      const nested = prev === t.Residual || prev === t.Shortcut || afterRepeat(tokens, i);
      frames.push({ open: type, index: i, braces: nested || decl === 'model' || decl === 'block' ? 'body' : decl === 'train' ? 'settings' : 'other' });
    } else if (type === t.RParen || type === t.RBracket || type === t.RCurly) {
      const want = type === t.RParen ? t.LParen : type === t.RBracket ? t.LBracket : t.LCurly;
      while (frames.length && frames[frames.length - 1].open !== want) frames.pop();
      frames.pop();
    }
  });
  return frames;
}

/** Whether the `{` at `i` opens a repeat's body: `repeat` began its line's statement, its count before the brace (`repeat depth - 1 {`). */
function afterRepeat(tokens: IToken[], i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const type = tokens[j].tokenType;
    if (type === t.Repeat) return true;
    if (type === t.Newline || type === t.Semicolon || type === t.LCurly || type === t.RCurly || type === t.Arrow) return false;
  }
  return false;
}

/** Tokens of the statement (or argument) the cursor is in, after its frame opened. */
function currentSegment(tokens: IToken[], frame: Frame | undefined): IToken[] {
  const out: IToken[] = [];
  for (let i = tokens.length - 1; i > (frame?.index ?? -1); i--) {
    const type = tokens[i].tokenType;
    if (type === t.Newline || type === t.Semicolon) {
      if (frame || out.length === 0 || !isContinuation(out[0])) break;
      continue;
    }
    if (type === t.RCurly && !frame) break;
    out.unshift(tokens[i]);
  }
  // A top-level segment starts at its declaration keyword.
  if (!frame) {
    const k = out.findIndex((tok) => t.declarationKeywords.has(tok.tokenType));
    return k >= 0 ? out.slice(k) : out;
  }
  return out;
}

const isContinuation = (tok: IToken) => tok.tokenType === t.Vs || tok.tokenType === t.On || tok.tokenType === t.Equals;

function namedBefore(tokens: IToken[], index: number): string | undefined {
  return tokens[index - 1]?.tokenType === t.Colon && tokens[index - 2]?.tokenType === t.Identifier ? tokens[index - 2].image : undefined;
}

function settingKeys(tokens: IToken[], from: number): string[] {
  const keys: string[] = [];
  for (let i = from + 1; i < tokens.length - 1; i++) {
    if (tokens[i].tokenType === t.Identifier && tokens[i + 1].tokenType === t.Colon && [t.LCurly, t.Newline, t.Semicolon].includes(tokens[i - 1].tokenType)) keys.push(tokens[i].image);
  }
  return keys;
}

function fakeCall(name: string) {
  return { kind: 'call', callee: { kind: 'ident', text: name, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } as const;
}

/** Names visible at the cursor: tensors bound above it in the same model or block, and block parameters. */
class Scope {
  readonly container?: string;
  constructor(readonly a: Analysis, readonly pos: Position) {
    const decl = a.file.decls.find((d) => d.range.start.line <= pos.line && (pos.line < d.range.end.line || (pos.line === d.range.end.line && pos.character <= d.range.end.character)));
    this.container = decl && decl.kind !== 'train' && decl.kind !== 'dataset' ? decl.name.text : undefined;
  }
  tensors(): Completion[] {
    return this.a.symbols.symbols
      .filter((s) => (s.kind === 'tensor' || s.kind === 'param') && s.container === this.container && (s.kind === 'param' || s.nameRange.start.line < this.pos.line))
      .map((s) => ({ label: s.name, kind: 'tensor' as const, detail: s.kind === 'param' ? `parameter of ${s.container}` : s.shape ? `[${s.shape.map((d) => d ?? '?').join(', ')}]` : undefined, sortText: `0${s.name}` }));
  }
  blockParams(): Completion[] {
    const block = this.container ? this.a.blocks.get(this.container) : undefined;
    return (block?.params ?? []).map((p) => ({ label: p.name.text, kind: 'value' as const, detail: `parameter of block ${block!.name.text}`, sortText: `0${p.name.text}` }));
  }
}

function layerItems(): Completion[] {
  return Object.values(layers).map((def) => {
    const required = def.params.filter((p) => p.positional && p.default === undefined && !p.optional);
    const insertText = required.length ? `${def.name}(${required.map((p, i) => `\${${i + 1}:${p.name}}`).join(', ')})` : def.name;
    const aliases = aliasesOf(def.name as LayerName);
    return {
      label: def.name, kind: 'layer' as const, detail: def.rule, insertText, snippet: required.length > 0, sortText: `1${def.name}`,
      filterText: aliases.length ? [def.name, ...aliases].join(' ') : undefined,
    };
  });
}

function blockItems(a: Analysis): Completion[] {
  return [...a.blocks.values()].map((b) => ({
    label: b.name.text, kind: 'block' as const, detail: `block ${b.name.text}(${b.params.map((p) => p.name.text).join(', ')})`,
    insertText: b.params.length ? `${b.name.text}(${b.params.filter((p) => !p.default).map((p, i) => `\${${i + 1}:${p.name.text}}`).join(', ')})` : b.name.text,
    snippet: b.params.length > 0, sortText: `0${b.name.text}`,
  }));
}

const keyword = (label: string, insertText?: string): Completion => ({ label, kind: 'keyword', insertText, sortText: `2${label}` });
const snippet = (label: string, detail: string, insertText: string): Completion => ({ label, kind: 'snippet', detail, insertText, snippet: true, sortText: `3${label}` });

function inBody(scope: Scope, segment: IToken[]): Completion[] {
  const types = segment.map((tok) => tok.tokenType);
  const lastType = types[types.length - 1];
  if (types[0] === t.Output) return scope.tensors();
  if (types[0] === t.Input) {
    return lastType === t.RBracket ? choiceTables.dtype.map((d) => ({ label: d.name, kind: 'value' as const, detail: d.doc, table: 'dtype' as const })) : [];
  }
  const atStepStart = segment.length === 0 || lastType === t.Arrow || (segment.length === 2 && types[1] === t.Equals);
  if (!atStepStart) return [];
  const steps = [...blockItems(scope.a), ...layerItems(),
    snippet('residual', 'residual { body } shortcut { ... }', 'residual {\n\t$0\n}'), snippet('repeat', 'repeat N { body }', 'repeat ${1:2} {\n\t$0\n}')];
  if (lastType === t.Arrow) return steps;
  const tensors = scope.tensors().filter((c) => !c.detail?.startsWith('parameter'));
  if (segment.length === 2) return [...tensors, ...steps];
  return [...tensors, ...steps, keyword('input', 'input ${1:x}: [${2:2}]'), keyword('output', 'output ')].map((c) => (c.label === 'input' ? { ...c, snippet: true } : c));
}

function topLevel(a: Analysis, segment: IToken[]): Completion[] {
  const types = segment.map((tok) => tok.tokenType);
  const models = () => a.models.map((m) => ({ label: m.name, kind: 'model' as const, detail: `model ${m.name}` }));
  const dataNames = () => [...a.datasets.keys()].map((d) => ({ label: d, kind: 'dataset' as const, detail: `dataset ${d}` }));
  if (types[0] === t.Train) {
    const lastType = types[types.length - 1];
    if (segment.length === 1 || lastType === t.Vs) return models();
    if (lastType === t.On) return dataNames();
    if (segment.length === 2) return [keyword('on', 'on '), keyword('vs', 'vs ')];
    if (segment.length === 4 && types[2] === t.Vs) return [keyword('on', 'on ')];
    return [];
  }
  if (types[0] === t.Dataset && types[2] === t.Equals && segment.length === 3) {
    return datasets.map((d) => ({ label: d.name, kind: 'source' as const, detail: `features and labels from ${d.name}`, insertText: `${d.name}($1)`, snippet: true }));
  }
  if (segment.length > 0) return [];
  return [
    snippet('model', 'model Name { input ... }', 'model ${1:Name} {\n\tinput ${2:x}: [${3:2}]\n\t$0\n}'),
    snippet('block', 'block Name(params) { ... }', 'block ${1:Name}(${2:filters}) {\n\t$0\n}'),
    snippet('dataset', 'dataset name = source(...)', 'dataset ${1:data} = ${2:rings}($3)'),
    snippet('train', 'train Model on data { ... }', 'train ${1:Model} on ${2:data} {\n\tloss: ${3:categoricalCrossentropy}\n\toptimizer: adam(learningRate: ${4:0.001})\n\tepochs: ${5:10}\n\tmetrics: [accuracy]\n}'),
    snippet('train vs', 'train Generator vs Discriminator on data { ... }', 'train ${1:Generator} vs ${2:Discriminator} on ${3:data} {\n\tepochs: ${4:20}\n}'),
  ];
}

function inCall(a: Analysis, scope: Scope, tokens: IToken[], frame: Frame): Completion[] {
  if (!frame.callee) return [];
  // `block Name(` declares parameters: nothing to offer.
  if (tokens[frame.index - 2]?.tokenType === t.Block) return [];
  const params = paramsOf(a, fakeCall(frame.callee));
  if (!params) return [];
  const segment = currentArgument(tokens, frame);
  // After an operator a number is being worked out: what a name there can stand for is a block's parameter.
  if (segment.length > 0 && operators.includes(segment[segment.length - 1].tokenType)) return scope.blockParams();
  if (segment.length >= 2 && segment[0].tokenType === t.Identifier && segment[1].tokenType === t.Colon) {
    const p = params.find((q) => q.name === segment[0].image);
    return [...valuesOf(p?.type, scope, false), ...(p && isNumeric(p.type) ? scope.blockParams() : [])];
  }
  if (segment.length > 0) return [];
  const positionalIndex = positionalCount(tokens, frame);
  const given = new Set([...givenNames(tokens, frame), ...params.filter((p) => p.positional && !p.variadic).slice(0, positionalIndex).map((p) => p.name)]);
  const items: Completion[] = params
    .filter((p) => p.type.kind !== 'tensor' && !given.has(p.name))
    .map((p) => ({ label: p.name, kind: 'parameter', detail: paramLine(p), insertText: `${p.name}: `, sortText: `1${p.name}`, owner: frame.callee }));
  const positional = params.filter((p) => p.positional);
  const next = positional[Math.min(positionalIndex, positional.length - 1)];
  if (next && (positionalIndex < positional.length || next.variadic)) items.unshift(...valuesOf(next.type, scope, false));
  return items;
}

const operators: TokenType[] = [t.Plus, t.Minus, t.Star, t.Slash, t.DoubleSlash];

/** The cursor is on the value of the call's argument `name` (`label: |`). */
function isArgument(tokens: IToken[], frame: Frame, name: string): boolean {
  const segment = currentArgument(tokens, frame);
  return segment.length === 2 && segment[0].tokenType === t.Identifier && segment[0].image === name && segment[1].tokenType === t.Colon;
}

/**
 * The columns of the table a csv source reads (its path, the call's first string), quoted,
 * for its `label`, its `text`, its `ignore` list or its `features` list: a list leaves out the label and
 * the columns it has.
 * A quote typed before the cursor (or closed after it) is not written again.
 */
function tableColumnItems(a: Analysis, tokens: IToken[], call: Frame, offset: number): Completion[] {
  const strings = tokens.slice(call.index + 1).filter((tok) => tok.tokenType === t.StringLiteral).map((tok) => tok.image.slice(1, -1));
  const columns = a.host && strings.length ? tableColumns(a.host, strings[0]) : undefined;
  if (!columns) return [];
  const label = tokens.findIndex((tok, i) => i > call.index && tok.image === 'label' && tokens[i + 1]?.tokenType === t.Colon && tokens[i + 2]?.tokenType === t.StringLiteral);
  const taken = new Set(label < 0 ? [] : [tokens[label + 2].image.slice(1, -1)]);
  const inList = tokens[tokens.length - 1]?.tokenType !== t.Colon;
  if (inList) for (const name of strings.slice(1)) taken.add(name);
  const line = a.text.slice(a.text.lastIndexOf('\n', offset - 1) + 1, offset);
  // The quote typed (a single one too) is the one that closes the name.
  const opened = /(["'])[^"',[\]]*$/.exec(line)?.[1];
  const quote = opened ?? '"';
  const closed = a.text[offset] === quote;
  return columns.filter((c) => !taken.has(c)).map((c, i) => ({
    label: c, kind: 'value', detail: `a column of ${strings[0]}`, insertText: `${opened ? '' : quote}${c}${closed ? '' : quote}`, sortText: String(i).padStart(4, '0'),
  }));
}

/** The cursor inside a quoted string on its line: the offset after its opening quote, the quote, and the offset of its closing one (if on the line). */
interface StringAtCursor {
  start: number;
  quote: string;
  close?: number;
}

function stringAtCursor(text: string, offset: number): StringAtCursor | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  let open: StringAtCursor | undefined;
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (open) {
      if (c === '\\') i++;
      else if (c === open.quote) open = undefined;
    } else if (c === '"' || c === "'") open = { start: i + 1, quote: c };
    else if (c === '#') return undefined;
  }
  if (!open) return undefined;
  for (let i = offset; i < text.length && text[i] !== '\n' && text[i] !== '\r'; i++) {
    if (text[i] === open.quote) return { ...open, close: i };
  }
  return open;
}

/**
 * The files near the .dlnet file that a source's path parameter reads (tables, IDX files),
 * each replacing the string's text: a path typed in part (`data/tr`) is completed whole,
 * and the string closed where it is not.
 */
function fileItems(a: Analysis, pos: Position, offset: number, string: StringAtCursor, kind: FileKind): Completion[] {
  const files = a.host?.nearbyFiles?.().filter((f) => fileOfKind(f, kind));
  if (!files?.length) return [];
  const end = string.close ?? offset;
  const range: Range = { start: { line: pos.line, character: pos.character - (offset - string.start) }, end: { line: pos.line, character: pos.character + (end - offset) } };
  return files.map((f, i) => ({
    label: f, kind: 'file', detail: kind === 'table' ? 'a table' : 'an IDX file', insertText: string.close === undefined ? `${f}${string.quote}` : f, range, sortText: String(i).padStart(5, '0'),
  }));
}

function currentArgument(tokens: IToken[], frame: Frame): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = tokens.length - 1; i > frame.index; i--) {
    const type = tokens[i].tokenType;
    if (type === t.RParen || type === t.RBracket) depth++;
    else if (type === t.LParen || type === t.LBracket) depth--;
    if (depth === 0 && type === t.Comma) break;
    if (type !== t.Newline) out.unshift(tokens[i]);
  }
  return out;
}

/** Argument names given so far in the call, and how many positional arguments came before the cursor. */
function givenNames(tokens: IToken[], frame: Frame): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = frame.index + 1; i < tokens.length - 1; i++) {
    const type = tokens[i].tokenType;
    if (type === t.LParen || type === t.LBracket) depth++;
    else if (type === t.RParen || type === t.RBracket) depth--;
    else if (depth === 0 && type === t.Identifier && tokens[i + 1].tokenType === t.Colon) names.push(tokens[i].image);
  }
  return names;
}

function positionalCount(tokens: IToken[], frame: Frame): number {
  let count = 0;
  let depth = 0;
  let named = false;
  for (let i = frame.index + 1; i < tokens.length; i++) {
    const type = tokens[i].tokenType;
    if (type === t.LParen || type === t.LBracket) depth++;
    else if (type === t.RParen || type === t.RBracket) depth--;
    else if (depth === 0 && type === t.Colon) named = true;
    else if (depth === 0 && type === t.Comma) {
      if (!named) count++;
      named = false;
    }
  }
  return count;
}

const isNumeric = (type: ParamType) => type.kind === 'int' || type.kind === 'float' || type.kind === 'pair' || type.kind === 'margins';

/** In `loss:`, the loss that fits the model's output and the dataset's labels comes first, selected, saying why. */
function fittingLossFirst(a: Analysis, pos: Position, values: Completion[]): Completion[] {
  const train = a.file.decls.filter((d): d is ast.TrainDecl => d.kind === 'train' && comparePositions(d.range.start, pos) <= 0).pop();
  const model = train && !train.versus ? a.models.find((g) => g.name === train.model.text) : undefined;
  if (!train || !model) return values;
  const { loss, fits } = fittingLoss(model, a.datasets.get(train.data.text)?.shapes);
  return values.map((c) => (c.label === loss ? { ...c, detail: `fits ${fits}`, sortText: `0${c.label}`, preselect: true } : { ...c, sortText: `1${c.label}` }));
}

/** The values a parameter of this type takes. */
function valuesOf(type: ParamType | undefined, scope: Scope, inList: boolean): Completion[] {
  if (!type) return [];
  switch (type.kind) {
    case 'choice':
      return choiceTables[type.table].map((c) => ({
        label: c.name, kind: 'value', detail: c.params?.length ? `${c.name}(${c.params.map(paramLine).join(', ')})` : type.table,
        insertText: c.params?.length ? `${c.name}($1)` : c.name, snippet: !!c.params?.length, table: type.table,
      }));
    case 'bool':
      return [{ label: 'true', kind: 'value' }, { label: 'false', kind: 'value' }];
    case 'layer':
      return layerItems().filter((c) => findLayer(c.label)?.family === 'recurrent' || findLayer(c.label)?.family === 'core' || findLayer(c.label)?.family === 'convolution');
    case 'tensor':
      return scope.tensors();
    case 'dataset':
      return [...scope.a.datasets.keys()].map((d) => ({ label: d, kind: 'dataset' }));
    case 'list':
      return inList ? valuesOf(type.of, scope, false) : [{ label: `[${typeName(type.of)}, ...]`, kind: 'value', insertText: '[$1]', snippet: true }];
    default:
      return [];
  }
}

/** Documentation for an item, computed only when the editor asks (completionItem/resolve). */
export function completionDoc(item: Pick<Completion, 'label' | 'kind' | 'table' | 'owner'>): string | undefined {
  switch (item.kind) {
    case 'layer': {
      const def = findLayer(item.label);
      return def && layerDoc(def);
    }
    case 'value': {
      const c = item.table ? findChoice(item.table, item.label) : undefined;
      return c && choiceDoc(item.table!, c);
    }
    case 'source': {
      const d = findDataset(item.label);
      return d && datasetDoc(d);
    }
    case 'setting': {
      const s = findSetting(item.label);
      return s && paramDoc(s as ParamDef);
    }
    case 'parameter': {
      const owner = item.owner ?? '';
      const params = findLayer(owner)?.params ?? findDataset(owner)?.params
        ?? (Object.keys(choiceTables) as ChoiceTable[]).map((tb) => findChoice(tb, owner)?.params).find((ps) => ps);
      const p = params?.find((q) => q.name === item.label);
      return p && paramDoc(p);
    }
    default:
      return undefined;
  }
}
