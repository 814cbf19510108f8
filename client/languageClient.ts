/** Starts the dlnet language server (dist/server.js) over node IPC. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dlnet' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.dlnet') },
    outputChannelName: 'dlnet Language Server',
  };
  return new LanguageClient('dlnet', 'dlnet Language Server', serverOptions, clientOptions);
}
