/** "Show model summary": a read-only document with each model's layers, shapes and parameter counts, from the server. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

interface Summary {
  models: { name: string; totalParams: number | null; inputs: { name: string; shape: unknown[] }[]; layers: { name: string; kind: string; line: number; outputShape: unknown[]; params: number | null }[] }[];
  errors: number;
}

export const SUMMARY_SCHEME = 'dlnet-summary';
const shape = (s: unknown[]) => `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

export function renderSummary(summary: Summary, only?: string): string {
  const blocks = summary.models.filter((m) => !only || m.name === only).map((m) => {
    const rows = [['layer', 'kind', 'output', 'params', 'line'], ...m.inputs.map((i) => [i.name, 'input', shape(i.shape), '0', '']),
      ...m.layers.map((l) => [l.name, l.kind, shape(l.outputShape), l.params === null ? '?' : l.params.toLocaleString('en'), String(l.line + 1)])];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const lines = rows.map((r) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
    return [`model ${m.name}: ${m.totalParams === null ? '?' : m.totalParams.toLocaleString('en')} parameters`, ...lines.map((l) => `  ${l}`)].join('\n');
  });
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
