/** Train, Stop, and the panel's actions: the extension-host side of training. */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TrainEvent } from '../../runtime/train/events';
import { RunHistory, type Run } from './history';
import { PANEL_VIEW_TYPE, TrainingPanel } from './panel';
import { TrainingProcess } from './process';

export function registerTraining(context: vscode.ExtensionContext): void {
  const history = new RunHistory({
    get: () => context.workspaceState.get<Run[]>('dlnet.runs'),
    set: (runs) => void context.workspaceState.update('dlnet.runs', runs),
  });
  let current: { run: Run; process: TrainingProcess; uri: vscode.Uri; model?: string } | undefined;
  const output = vscode.window.createOutputChannel('dlnet Training');

  const reveal = async (uri: vscode.Uri, line: number) => {
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const range = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  };

  const panel = new TrainingPanel(context, history, {
    stop: () => current?.process.stop(),
    pause: () => current?.process.pause(),
    resume: () => current?.process.resume(),
    trainAgain: () => current && void vscode.commands.executeCommand('dlnet.train', current.uri.toString(), current.model),
    reveal: (line) => current && void reveal(current.uri, line),
    openFolder: (path) => existsSync(path) && void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path)),
  });

  const train = async (uriText?: string, model?: string) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('dlnet: training is disabled in restricted mode, because it runs code on your machine. Trust the workspace to train.');
      return;
    }
    const uri = uriText ? vscode.Uri.parse(uriText) : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !uri.fsPath.endsWith('.dlnet')) {
      void vscode.window.showInformationMessage('dlnet: open a .dlnet file to train its model.');
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    if (current?.process.running) {
      const choice = await vscode.window.showWarningMessage(`dlnet: ${current.run.model} is still training.`, 'Stop it and train', 'Keep it');
      if (choice !== 'Stop it and train') return;
      current.process.stop();
      await current.process.done;
    }
    const config = vscode.workspace.getConfiguration('dlnet');
    const run = history.start(uri.fsPath, model ?? '(first train statement)');
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'start') run.model = e.model;
      history.add(run, e);
      panel.send(run.id, e);
      if (e.type === 'error') {
        output.appendLine(`error: ${e.message}`);
        void vscode.window.showErrorMessage(`dlnet: ${e.message}`);
      }
      if (e.type === 'end' && e.status !== 'failed') output.appendLine(`${run.model}: ${e.status}, saved to ${e.savedTo}`);
      if (e.type === 'end') history.persist();
    };
    const process = new TrainingProcess({
      cli: context.asAbsolutePath('dist/cli.js'), file: uri.fsPath, model, backend: config.get<string>('train.backend') ?? 'auto',
      node: config.get<string>('train.nodePath') || undefined, cwd: folder,
      env: { DLNET_MODULE_PATHS: [folder, context.globalStorageUri.fsPath].filter(Boolean).join(':') },
    }, onEvent);
    current = { run, process, uri, model };
    panel.show(run.id);
  };

  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dlnet.train', train),
    vscode.commands.registerCommand('dlnet.stopTraining', () => current?.process.stop()),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (restored) => panel.restore(restored),
    }),
    { dispose: () => current?.process.kill() },
  );
}
