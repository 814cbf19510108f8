/** "Show model summary": a read-only document with each model's layers, shapes and parameter counts, from the server. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { renderModelSummary, type ModelSummary } from '../dsl/summary';

interface Summary {
  models: ModelSummary[];
  errors: number;
}

export const SUMMARY_SCHEME = 'dlnet-summary';

export function renderSummary(summary: Summary, only?: string): string {
  const blocks = summary.models.filter((m) => !only || m.name === only).map(renderModelSummary);
  const note = summary.errors ? `\n\n(${summary.errors} error${summary.errors === 1 ? '' : 's'} in the file: models with errors are partial)` : '';
  return blocks.join('\n\n') + note + '\n';
}

export function registerSummaryView(context: vscode.ExtensionContext, client: () => LanguageClient): void {
  const provider = new (class implements vscode.TextDocumentContentProvider {
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const { source, model } = JSON.parse(uri.query) as { source: string; model?: string };
      const summary = await client().sendRequest<Summary>('dlnet/summary', { uri: source });
      return renderSummary(summary, model);
    }
  })();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, provider),
    vscode.commands.registerCommand('dlnet.showSummary', async (sourceUri?: string, model?: string) => {
      const source = sourceUri ?? vscode.window.activeTextEditor?.document.uri.toString();
      if (!source) return void vscode.window.showInformationMessage('Open a .dlnet file to see its model summary.');
      const name = source.split('/').pop()!.replace(/\.dlnet$/, '');
      const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${model ?? name} summary`, query: JSON.stringify({ source, model }) });
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }),
  );
}
