/** The dlnet VS Code extension: language client, commands, and (in trusted workspaces) training. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { registerSummaryView } from './summaryView';
import { registerTraining } from './training/commands';
import { registerNativeBackendInstall } from './training/nativeBackend';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createLanguageClient(context);
  registerSummaryView(context, () => client!);
  registerTraining(context);
  registerNativeBackendInstall(context);
  context.subscriptions.push(
    vscode.commands.registerCommand('dlnet.restartServer', async () => {
      await client?.restart();
      void vscode.window.setStatusBarMessage('dlnet: language server restarted', 3000);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
