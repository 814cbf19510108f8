/** A real LSP client for tests: starts dist/server.js over stdio and speaks the protocol to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import {
  DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidOpenTextDocumentNotification, FileChangeType, InitializedNotification, InitializeRequest,
  LogMessageNotification, MessageType, PublishDiagnosticsNotification, RegistrationRequest, UnregistrationRequest, type ClientCapabilities, type Diagnostic,
  type Position, type PublishDiagnosticsParams, type Registration,
} from 'vscode-languageserver-protocol';

export const serverPath = join(__dirname, '..', '..', 'dist', 'server.js');

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  private versions = new Map<string, number>();
  private opened = 0;
  stderr = '';
  /** Errors the server logged (a feature that failed and answered its fallback). */
  readonly loggedErrors: string[] = [];
  /** Capabilities the server registered dynamically and has not unregistered. */
  readonly registrations: Registration[] = [];

  constructor(args: string[] = [serverPath, '--stdio']) {
    this.process = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (d) => (this.stderr += d));
    this.process.stdin!.on('error', () => {}); // the server exiting first is fine
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onError(() => {}); // a write racing with the server's exit at teardown
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      if (p.type === MessageType.Error) this.loggedErrors.push(p.message);
    });
    this.connection.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
    });
    this.connection.onRequest(UnregistrationRequest.type, (p) => {
      for (const u of p.unregisterations) {
        const at = this.registrations.findIndex((r) => r.id === u.id);
        if (at >= 0) this.registrations.splice(at, 1);
      }
    });
    this.connection.listen();
  }

  async initialize(rootPath?: string, capabilities: ClientCapabilities = {}) {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: rootPath ? pathToFileURL(rootPath).href : null,
      workspaceFolders: rootPath ? [{ uri: pathToFileURL(rootPath).href, name: 'ws' }] : null,
      capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } }, ...capabilities },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Opens a document and waits for its diagnostics. */
  open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const wait = this.waitForDiagnostics(uri, 1);
    this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dlnet', version: 1, text } }).catch(() => {});
    return wait;
  }

  /** Opens the text as a new document (a fresh uri each time) and waits for its diagnostics. */
  async openNew(text: string, folder = 'test'): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = `file:///${folder}/${this.opened++}.dlnet`;
    return { uri, diagnostics: await this.open(uri, text) };
  }

  /** Replaces the whole text (or a range) and waits for the diagnostics of the new version. */
  change(uri: string, text: string, range?: { start: Position; end: Position }): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const wait = this.waitForDiagnostics(uri, version);
    this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version }, contentChanges: [range ? { range, text } : { text }],
    }).catch(() => {});
    return wait;
  }

  /** Tells the server a watched file changed on disk, as an editor's file watcher would. */
  fileChanged(path: string): void {
    this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path).href, type: FileChangeType.Changed }] }).catch(() => {});
  }

  waitForDiagnostics(uri: string, version?: number): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  /** Shuts the server down politely; writes that race with its exit are expected and ignored. */
  async dispose(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 1000))]);
      await this.connection.sendNotification('exit').catch(() => {});
    } catch {
      /* the server may already be gone */
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }
}

/** Splits a fixture with a `|` cursor marker into text and position. */
export function cursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = marked.slice(0, at).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}
