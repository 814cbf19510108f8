/**
 * Semantic tokens: layers, blocks, tensors, parameters, enum values, numbers, models, datasets.
 * Whole files, as edits to the client's last result (a keystroke in a large file then
 * sends a few numbers, not every token again), and ranges (what the editor shows first).
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { ide, type Analysis, type Range } from '../../dsl';
import { safely, type ServerContext } from '../context';

const types: Record<ide.TokenClass, string> = {
  layer: 'function', block: 'class', tensor: 'variable', parameter: 'parameter', enumValue: 'enumMember',
  number: 'number', model: 'type', dataset: 'namespace', setting: 'property', string: 'string',
};
const tokenTypes = [...new Set(Object.values(types))];
export const legend: SemanticTokensLegend = { tokenTypes, tokenModifiers: ['declaration'] };

function fill(builder: SemanticTokensBuilder, a: Analysis | undefined, range?: Range): SemanticTokensBuilder {
  if (!a) return builder;
  for (const tok of ide.classify(a, range)) {
    if (tok.range.start.line !== tok.range.end.line) continue;
    builder.push(tok.range.start.line, tok.range.start.character, tok.range.end.character - tok.range.start.character,
      tokenTypes.indexOf(types[tok.cls]), tok.declaration ? 1 : 0);
  }
  return builder;
}

export function registerSemanticTokens(ctx: ServerContext): void {
  /** Per document, the builder of its last whole-file result: a delta request is answered as edits to it. */
  const last = new Map<string, SemanticTokensBuilder>();
  const empty: SemanticTokens = { data: [] };
  ctx.documents.onDidClose((e) => last.delete(e.document.uri));
  ctx.connection.languages.semanticTokens.on(safely(ctx, 'semantic tokens', empty, (params) => {
    const builder = fill(new SemanticTokensBuilder(), ctx.analyses.get(params.textDocument.uri));
    last.set(params.textDocument.uri, builder);
    return builder.build();
  }));
  ctx.connection.languages.semanticTokens.onDelta(safely(ctx, 'semantic tokens', empty, (params) => {
    const uri = params.textDocument.uri;
    const builder = last.get(uri) ?? new SemanticTokensBuilder();
    last.set(uri, builder);
    // With the result the client holds, edits to it; with any other (or none), the whole file.
    builder.previousResult(params.previousResultId);
    return fill(builder, ctx.analyses.get(uri)).buildEdits();
  }));
  ctx.connection.languages.semanticTokens.onRange(safely(ctx, 'semantic tokens', empty, (params) =>
    fill(new SemanticTokensBuilder(), ctx.analyses.get(params.textDocument.uri), params.range).build()));
}
