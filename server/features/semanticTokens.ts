/**
 * Semantic tokens: layers, blocks, tensors, parameters, enum values, numbers, models, datasets.
 * Whole files, as edits to the client's last result (a keystroke in a large file then
 * sends a few numbers, not every token again), and ranges (what the editor shows first).
 */
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver';
import { ide, type Analysis, type Range } from '../../dsl';
import { safely, type ServerContext } from '../context';

const types: Record<ide.TokenClass, string> = {
  layer: 'function', block: 'class', tensor: 'variable', parameter: 'parameter', enumValue: 'enumMember',
  number: 'number', model: 'type', dataset: 'namespace', setting: 'property', string: 'string',
};
const tokenTypes = [...new Set(Object.values(types))];
export const legend: SemanticTokensLegend = { tokenTypes, tokenModifiers: ['declaration'] };
const typeIndex = new Map(Object.entries(types).map(([cls, type]) => [cls, tokenTypes.indexOf(type)]));

/** The legend's index of a token class. */
export const tokenTypeOf = (cls: ide.TokenClass): number => typeIndex.get(cls)!;

/**
 * The tokens as LSP encodes them, five numbers each, relative to the token before. In a
 * typed array: a plain array grown to the half million numbers of a 20,000-line file
 * costs ~50 ms, and a delta (what the editor asks for after an edit) needs only the
 * numbers that changed.
 */
function encode(a: Analysis | undefined, range?: Range): Int32Array {
  if (!a) return new Int32Array(0);
  const tokens = ide.classify(a, range);
  const data = new Int32Array(tokens.length * 5);
  let n = 0;
  let line = 0;
  let character = 0;
  for (const tok of tokens) {
    const { start, end } = tok.range;
    if (start.line !== end.line) continue;
    data[n++] = start.line - line;
    data[n++] = start.line === line ? start.character - character : start.character;
    data[n++] = end.character - start.character;
    data[n++] = tokenTypeOf(tok.cls);
    data[n++] = tok.declaration ? 1 : 0;
    line = start.line;
    character = start.character;
  }
  return data.subarray(0, n);
}

/** The numbers as the protocol's JSON needs them (a typed array would go out as an object). */
function plain(data: Int32Array): number[] {
  const out = new Array<number>(data.length).fill(0);
  for (let i = 0; i < data.length; i++) out[i] = data[i];
  return out;
}

/**
 * The one edit that turns `before` into `after`: what lies between their common start
 * and their common end (an edit changes the tokens of one place, and the encoding is
 * relative, so the rest stays equal number for number).
 */
function edit(before: Int32Array, after: Int32Array): SemanticTokensEdit[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  if (start === endBefore && start === endAfter) return [];
  return [{ start, deleteCount: endBefore - start, data: plain(after.subarray(start, endAfter)) }];
}

export function registerSemanticTokens(ctx: ServerContext): void {
  /** Per document, its last whole-file result: a delta request is answered as edits to it. */
  const last = new Map<string, { resultId: string; data: Int32Array }>();
  let results = 0;
  const remember = (uri: string, data: Int32Array) => {
    const resultId = String(++results);
    last.set(uri, { resultId, data });
    return resultId;
  };
  const empty: SemanticTokens = { data: [] };
  ctx.documents.onDidClose((e) => last.delete(e.document.uri));
  ctx.connection.languages.semanticTokens.on(safely(ctx, 'semantic tokens', empty, (params) => {
    const data = encode(ctx.analyses.get(params.textDocument.uri));
    return { resultId: remember(params.textDocument.uri, data), data: plain(data) };
  }));
  ctx.connection.languages.semanticTokens.onDelta(safely(ctx, 'semantic tokens', empty, (params): SemanticTokens | SemanticTokensDelta => {
    const uri = params.textDocument.uri;
    const previous = last.get(uri);
    const data = encode(ctx.analyses.get(uri));
    const resultId = remember(uri, data);
    // With the result the client holds, edits to it; with any other (or none), the whole file.
    if (previous?.resultId !== params.previousResultId) return { resultId, data: plain(data) };
    return { resultId, edits: edit(previous.data, data) };
  }));
  ctx.connection.languages.semanticTokens.onRange(safely(ctx, 'semantic tokens', empty, (params) =>
    ({ data: plain(encode(ctx.analyses.get(params.textDocument.uri), params.range)) })));
}
