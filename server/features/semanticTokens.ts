/** Semantic tokens: layers, blocks, tensors, parameters, enum values, numbers, models, datasets. */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

const types: Record<ide.TokenClass, string> = {
  layer: 'function', block: 'class', tensor: 'variable', parameter: 'parameter', enumValue: 'enumMember',
  number: 'number', model: 'type', dataset: 'namespace', setting: 'property', string: 'string',
};
const tokenTypes = [...new Set(Object.values(types))];
export const legend: SemanticTokensLegend = { tokenTypes, tokenModifiers: ['declaration'] };

export function registerSemanticTokens(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on(safely(ctx, 'semantic tokens', { data: [] } as SemanticTokens, (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const builder = new SemanticTokensBuilder();
    if (!a) return builder.build();
    for (const tok of ide.classify(a)) {
      if (tok.range.start.line !== tok.range.end.line) continue;
      builder.push(tok.range.start.line, tok.range.start.character, tok.range.end.character - tok.range.start.character,
        tokenTypes.indexOf(types[tok.cls]), tok.declaration ? 1 : 0);
    }
    return builder.build();
  }));
}
