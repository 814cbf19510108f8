/**
 * Publishes diagnostics on open and change. A newer edit cancels the pending check of an
 * older one. Returns how to re-check a document whose text did not change (a data file did).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from '../context';
import { toLspDiagnostic } from '../convert';

export function registerDiagnostics(ctx: ServerContext): (uri: string) => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const schedule = (doc: TextDocument) => {
    clearTimeout(pending.get(doc.uri));
    pending.set(doc.uri, setTimeout(() => {
      pending.delete(doc.uri);
      const current = ctx.documents.get(doc.uri);
      if (!current || current.version !== doc.version) return; // superseded
      try {
        const analysis = ctx.analyses.get(doc.uri)!;
        void ctx.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(doc.uri, d)) });
      } catch (e) {
        ctx.connection.console.error(`diagnostics failed: ${(e as Error).stack ?? e}`);
      }
    }, 0));
  };
  ctx.documents.onDidOpen((e) => schedule(e.document));
  ctx.documents.onDidChangeContent((e) => schedule(e.document));
  ctx.documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    ctx.analyses.forget(e.document.uri);
    void ctx.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  return (uri) => {
    const doc = ctx.documents.get(uri);
    if (!doc) return;
    ctx.analyses.forget(uri);
    schedule(doc);
  };
}
