/** Definition, references, document highlights and rename: all read the symbol table. */
import { DocumentHighlightKind, ResponseError, type DocumentHighlight, type Location, type WorkspaceEdit } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';
import { toLspEdit } from '../convert';

export function registerNavigation(ctx: ServerContext): void {
  const { connection } = ctx;
  connection.onDefinition(safely(ctx, 'definition', null as Location | null, (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const s = a && ide.symbolAt(a, params.position);
    return s ? { uri: params.textDocument.uri, range: s.nameRange } : null;
  }));
  connection.onReferences(safely(ctx, 'references', [] as Location[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const s = a && ide.symbolAt(a, params.position);
    if (!s) return [];
    const ranges = params.context.includeDeclaration ? ide.occurrences(s) : s.refs;
    return ranges.map((range) => ({ uri: params.textDocument.uri, range }));
  }));
  connection.onDocumentHighlight(safely(ctx, 'highlight', [] as DocumentHighlight[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const s = a && ide.symbolAt(a, params.position);
    if (!s) return [];
    return [
      { range: s.nameRange, kind: DocumentHighlightKind.Write },
      ...s.refs.map((range) => ({ range, kind: DocumentHighlightKind.Read })),
    ];
  }));
  connection.onPrepareRename(safely(ctx, 'prepare rename', null as { range: import('vscode-languageserver').Range; placeholder: string } | null, (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const range = a && ide.prepareRename(a, params.position);
    const s = a && ide.symbolAt(a, params.position);
    return range && s ? { range, placeholder: s.name } : null;
  }));
  connection.onRenameRequest((params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    if (!a) return null;
    const result = ide.rename(a, params.position, params.newName);
    if ('error' in result) throw new ResponseError(-32803, result.error); // RequestFailed: the client shows it
    const edit: WorkspaceEdit = { changes: { [params.textDocument.uri]: result.edits.map(toLspEdit) } };
    return edit;
  });
}
