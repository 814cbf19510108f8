/** Completion, with documentation resolved lazily. */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

const kinds: Record<ide.CompletionKind, CompletionItemKind> = {
  layer: CompletionItemKind.Function,
  block: CompletionItemKind.Class,
  tensor: CompletionItemKind.Variable,
  keyword: CompletionItemKind.Keyword,
  parameter: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  snippet: CompletionItemKind.Snippet,
  model: CompletionItemKind.Module,
  dataset: CompletionItemKind.Struct,
  setting: CompletionItemKind.Field,
  source: CompletionItemKind.Constructor,
  file: CompletionItemKind.File,
};

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion(safely(ctx, 'completion', [] as CompletionItem[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    if (!a) return [];
    return ide.complete(a, params.position).map((c): CompletionItem => ({
      label: c.label,
      kind: kinds[c.kind],
      detail: c.detail,
      insertText: c.range ? undefined : c.insertText,
      textEdit: c.range ? { range: c.range, newText: c.insertText ?? c.label } : undefined,
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: c.sortText,
      preselect: c.preselect,
      filterText: c.filterText,
      data: { kind: c.kind, table: c.table, owner: c.owner },
    }));
  }));
  ctx.connection.onCompletionResolve(safely(ctx, 'completion resolve', undefined as unknown as CompletionItem, (item) => {
    const data = item.data as { kind: ide.CompletionKind; table?: never; owner?: string } | undefined;
    const doc = data && ide.completionDoc({ label: item.label, kind: data.kind, table: data.table, owner: data.owner });
    return doc ? { ...item, documentation: { kind: MarkupKind.Markdown, value: doc } } : item;
  }));
}
