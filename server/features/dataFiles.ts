/**
 * Re-checks an open document when a data file it reads changes on disk (a CSV fixed in
 * another editor, an IDX file replaced): its text did not change, so nothing else would.
 * The client watches the files (workspace/didChangeWatchedFiles, registered for just the
 * names the open documents read, and registered anew when that set changes); a client
 * that cannot register watchers re-checks at the next edit, as before.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification, type Disposable } from 'vscode-languageserver/node';
import { resolveDataPath } from '../../runtime/files';
import { safely, type ServerContext } from '../context';

export function registerDataFiles(ctx: ServerContext, recheck: (uri: string) => void): void {
  /** The data files of each open document, as absolute paths. */
  const readBy = new Map<string, string[]>();
  let watched = '';
  let registration: Promise<Disposable | undefined> = Promise.resolve(undefined);

  const canWatch = () => ctx.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;

  const rewatch = () => {
    const names = [...new Set([...readBy.values()].flat().map((path) => basename(path)))].sort();
    const key = names.join('\n');
    if (key === watched || !canWatch()) return;
    watched = key;
    // One registration at a time: the old one is disposed before the new one is made.
    registration = registration.then(async (old) => {
      old?.dispose();
      if (names.length === 0) return undefined;
      try {
        return await ctx.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: names.map((name) => ({ globPattern: `**/${name}` })) });
      } catch (e) {
        ctx.connection.console.error(`watching data files failed: ${(e as Error).message}`);
        return undefined;
      }
    });
  };

  ctx.analyses.onAnalysed((uri, analysis) => {
    if (!uri.startsWith('file:') || !ctx.documents.get(uri)) return;
    try {
      const file = fileURLToPath(uri);
      readBy.set(uri, analysis.dataFiles.map((p) => resolveDataPath(file, p)).filter((p): p is string => typeof p === 'string'));
      rewatch();
    } catch (e) {
      ctx.connection.console.error(`data files of ${uri}: ${(e as Error).stack ?? e}`);
    }
  });
  ctx.documents.onDidClose((e) => {
    readBy.delete(e.document.uri);
    rewatch();
  });

  ctx.connection.onDidChangeWatchedFiles(safely(ctx, 'data file changes', undefined, ({ changes }) => {
    const changed = new Set(changes.filter((c) => c.uri.startsWith('file:')).map((c) => fileURLToPath(c.uri)));
    for (const [uri, paths] of readBy) {
      if (paths.some((p) => changed.has(p))) recheck(uri);
    }
  }));
}
