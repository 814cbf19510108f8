/** `dlnet/summary`: the models of a document as `dlnet summary --json` gives them, for the editor's summary view. */
import { RequestType } from 'vscode-languageserver';
import { modelSummary, type ModelSummary } from '../../dsl';
import { safely, type ServerContext } from '../context';

export const SummaryRequest = new RequestType<{ uri: string }, { models: ModelSummary[]; errors: number }, void>('dlnet/summary');

export function registerSummary(ctx: ServerContext): void {
  ctx.connection.onRequest(SummaryRequest, safely(ctx, 'summary', { models: [], errors: 0 }, ({ uri }) => {
    const a = ctx.analyses.get(uri);
    if (!a) return { models: [], errors: 0 };
    return { models: a.models.map(modelSummary), errors: a.diagnostics.filter((d) => d.severity === 'error').length };
  }));
}
