/** Document symbols (the outline) and workspace symbols (every .dlnet file of the workspace folders). */
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import { analyze, ide } from '../../dsl';
import { dlnetFilesUnder } from '../../runtime/files';
import { safely, type ServerContext } from '../context';

const kinds: Record<ide.OutlineItem['kind'], SymbolKind> = {
  model: SymbolKind.Class,
  block: SymbolKind.Function,
  dataset: SymbolKind.Struct,
  train: SymbolKind.Event,
  input: SymbolKind.Variable,
  statement: SymbolKind.Field,
};

function toDocumentSymbol(item: ide.OutlineItem): DocumentSymbol {
  return { name: item.name, detail: item.detail, kind: kinds[item.kind], range: item.range, selectionRange: item.selectionRange, children: item.children.map(toDocumentSymbol) };
}

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol(safely(ctx, 'document symbols', [] as DocumentSymbol[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    return a ? ide.outline(a).map(toDocumentSymbol) : [];
  }));
  const fileCache = new Map<string, { mtime: number; items: ide.OutlineItem[] }>();
  ctx.connection.onWorkspaceSymbol(safely(ctx, 'workspace symbols', [] as SymbolInformation[], (params) => {
    const query = params.query.toLowerCase();
    const results: SymbolInformation[] = [];
    const seen = new Set<string>();
    const add = (uri: string, items: ide.OutlineItem[]) => {
      for (const item of items) {
        if (item.kind === 'statement' || item.kind === 'input') continue;
        if (!item.name.toLowerCase().includes(query)) continue;
        results.push({ name: item.name, kind: kinds[item.kind], location: { uri, range: item.selectionRange } });
      }
    };
    for (const doc of ctx.documents.all()) {
      seen.add(doc.uri);
      const a = ctx.analyses.get(doc.uri);
      if (a) add(doc.uri, ide.outline(a));
    }
    for (const folder of ctx.folders) {
      for (const file of dlnetFilesUnder(folder)) {
        const uri = pathToFileURL(file).href;
        if (seen.has(uri)) continue;
        const mtime = statSync(file).mtimeMs;
        let cached = fileCache.get(file);
        if (!cached || cached.mtime !== mtime) {
          cached = { mtime, items: ide.outline(analyze(readFileSync(file, 'utf8'))) };
          fileCache.set(file, cached);
        }
        add(uri, cached.items);
      }
    }
    return results;
  }));
}
