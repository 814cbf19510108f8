/** The data files a document's sources name, as links: ctrl+click on "data/train.csv" opens the table. */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { resolveDataPath } from '../../runtime/files';
import { safely, type ServerContext } from '../context';

export function registerLinks(ctx: ServerContext): void {
  ctx.connection.onDocumentLinks(safely(ctx, 'document links', [] as DocumentLink[], (params) => {
    const uri = params.textDocument.uri;
    const a = ctx.analyses.get(uri);
    if (!a || !uri.startsWith('file:')) return [];
    const file = fileURLToPath(uri);
    return ide.dataPaths(a).flatMap(({ range, path }) => {
      const full = resolveDataPath(file, path);
      // Only files that are there, in the workspace: a path that names none has its error and fixes instead.
      return typeof full === 'string' && existsSync(full) ? [{ range, target: pathToFileURL(full).href, tooltip: `Open ${path}` }] : [];
    });
  }));
}
