/** What every feature module gets: the connection, the open documents and their analyses. */
import { fileURLToPath } from 'node:url';
import type { ClientCapabilities, Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis, type Diagnostic } from '../dsl';
import { fileHost } from '../runtime/files';

export class Analyses {
  private readonly cache = new Map<string, { version: number; analysis: Analysis }>();
  private readonly listeners: ((uri: string, analysis: Analysis) => void)[] = [];

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The analysis of the document's current version, computed once per version. */
  get(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const cached = this.cache.get(uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    const analysis = analyze(doc.getText(), { host: hostFor(uri), document: uri });
    this.cache.set(uri, { version: doc.version, analysis });
    for (const listener of this.listeners) listener(uri, analysis);
    return analysis;
  }

  /** Calls `listener` with each new analysis (analyses are made lazily, when a feature asks). */
  onAnalysed(listener: (uri: string, analysis: Analysis) => void): void {
    this.listeners.push(listener);
  }

  /**
   * The diagnostics of a text that is not the document's current one (a step of "fix
   * all"), reading the document's data files. Not named as the document: its remembered
   * pieces must not move to where this text has them.
   */
  diagnosticsOf(uri: string, text: string): Diagnostic[] {
    return analyze(text, { host: hostFor(uri) }).diagnostics;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

function hostFor(uri: string) {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileHost(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  analyses: Analyses;
  /** Workspace folders from `initialize`, as paths. */
  folders: string[];
  /** What the client said it can do, from `initialize`. */
  capabilities: ClientCapabilities;
}

/**
 * Runs a feature so that it can never take the server down: a failure is logged and
 * the request answered with the fallback.
 */
export function safely<P, R>(ctx: ServerContext, feature: string, fallback: R, handler: (params: P) => R): (params: P) => R {
  return (params: P) => {
    try {
      return handler(params);
    } catch (e) {
      ctx.connection.console.error(`${feature} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };
}
