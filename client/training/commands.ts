/** Train, Stop, and the panel's actions: the extension-host side of training. */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { settingEdit } from '../../dsl/ide';
import { atLine, type TrainEvent } from '../../runtime/train/events';
import { RunHistory, type Run } from './history';
import { PANEL_VIEW_TYPE, TrainingPanel } from './panel';
import { csvRow, dlnetPredictCommand, dlnetTrainCommand, predictionsOf, pytorchTrainCommand, TrainingProcess, type Command } from './process';

const run = promisify(execFile);

export function registerTraining(context: vscode.ExtensionContext): void {
  const history = new RunHistory({
    get: () => context.workspaceState.get<Run[]>('dlnet.runs'),
    set: (runs) => void context.workspaceState.update('dlnet.runs', runs),
  });
  let current: { run: Run; process: TrainingProcess; uri: vscode.Uri; model?: string; again: string } | undefined;
  const output = vscode.window.createOutputChannel('dlnet Training');

  /** Shows a line of the file: selected whole, or with the cursor at `character` (where the error's diagnostic starts). */
  const reveal = async (uri: vscode.Uri, line: number, character?: number) => {
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    const whole = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
    const at = character === undefined ? undefined : whole.start.with({ character: Math.min(character, whole.end.character) });
    const range = at ? new vscode.Range(at, at) : whole;
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  };

  /** Writes a setting into the train statement on `line` and shows the change; Train again then uses it. */
  const setSetting = async (uri: vscode.Uri, line: number, key: string, value: string) => {
    const document = await vscode.workspace.openTextDocument(uri);
    const edit = settingEdit(document.getText(), line, key, value);
    if (!edit) {
      void vscode.window.showWarningMessage(`dlnet: no train statement on line ${line + 1} of ${basename(uri.fsPath)} any more; set ${key}: ${value} by hand.`);
      return;
    }
    const range = new vscode.Range(edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character);
    const change = new vscode.WorkspaceEdit();
    change.replace(uri, range, edit.newText);
    await vscode.workspace.applyEdit(change);
    await reveal(uri, line);
  };

  const panel = new TrainingPanel(context, history, {
    stop: () => current?.process.stop(),
    pause: () => current?.process.pause(),
    resume: () => current?.process.resume(),
    trainAgain: () => current && void vscode.commands.executeCommand(current.again, current.uri.toString(), current.model),
    reveal: (line, character) => current && void reveal(current.uri, line, character),
    openFolder: (path) => existsSync(path) && void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path)),
    setBatchSize: (line, value) => current && void setSetting(current.uri, line, 'batchSize', String(value)),
    predict: async (folder, asked) => {
      // Loading a saved model runs code, as training does: not in restricted mode.
      if (!vscode.workspace.isTrusted) return { error: 'the workspace is in restricted mode: trust it to ask the model' };
      const config = vscode.workspace.getConfiguration('dlnet');
      // A drawing goes to `dlnet predict --image`, a row to `--table`, as a file of their own, removed once answered.
      const file = 'text' in asked ? undefined : join(tmpdir(), `dlnet-ask-${process.pid}-${Date.now()}.${'png' in asked ? 'png' : 'csv'}`);
      if (file) writeFileSync(file, 'png' in asked ? Buffer.from(asked.png, 'base64') : 'row' in asked ? csvRow(asked.row) : '');
      try {
        const what = 'text' in asked ? { texts: [asked.text] } : 'png' in asked ? { images: [file!] } : { table: file! };
        const answer = await predictionsOf(dlnetPredictCommand({ cli: context.asAbsolutePath('dist/cli.js'), run: folder, ...what, node: config.get<string>('train.nodePath') || undefined }));
        return 'error' in answer ? answer : { prediction: answer.predictions[0] };
      } finally {
        if (file) rmSync(file, { force: true });
      }
    },
  });

  /** The .dlnet file to train, saved; undefined (after telling the user why) when training cannot start. */
  const trainable = async (uriText?: string): Promise<vscode.Uri | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('dlnet: training is disabled in restricted mode, because it runs code on your machine. Trust the workspace to train.');
      return;
    }
    const uri = uriText ? vscode.Uri.parse(uriText) : vscode.window.activeTextEditor?.document.uri;
    if (!uri || !uri.fsPath.endsWith('.dlnet')) {
      void vscode.window.showInformationMessage('dlnet: open a .dlnet file to train its model.');
      return undefined;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    if (current?.process.running) {
      const choice = await vscode.window.showWarningMessage(`dlnet: ${current.run.model} is still training.`, 'Stop it and train', 'Keep it');
      if (choice !== 'Stop it and train') return undefined;
      current.process.stop();
      await current.process.done;
    }
    return uri;
  };

  /** Streams a training process's events into the history, the panel and the output channel. */
  const start = (uri: vscode.Uri, model: string | undefined, again: string, command: Command | Error) => {
    const run = history.start(uri.fsPath, model ?? '(first train statement)');
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'start') run.model = e.model;
      history.add(run, e);
      panel.send(run.id, e);
      if (e.type === 'error') {
        output.appendLine(`error${atLine(e.line)}: ${e.message}`);
        void vscode.window.showErrorMessage(`dlnet${atLine(e.line)}: ${e.message}`);
      }
      if (e.type === 'epoch' && e.warning) {
        output.appendLine(`warning${atLine(e.warning.line)}: ${e.warning.message}`);
        void vscode.window.showWarningMessage(`dlnet${atLine(e.warning.line)}: ${e.warning.message}`);
      }
      if (e.type === 'epoch') for (const note of e.notes ?? []) output.appendLine(`${run.model}, epoch ${e.epoch}: ${note}`);
      if (e.type === 'end' && e.status !== 'failed') output.appendLine(`${run.model}: ${e.status}${e.kept ? `, kept the weights of epoch ${e.kept.epoch}` : ''}, saved to ${e.savedTo}`);
      if (e.type === 'end') history.persist();
    };
    if (command instanceof Error) {
      onEvent({ type: 'error', message: command.message });
      onEvent({ type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: 0 });
      panel.show(run.id);
      return;
    }
    const process = new TrainingProcess(command, onEvent);
    current = { run, process, uri, model, again };
    panel.show(run.id);
  };

  const train = async (uriText?: string, model?: string) => {
    const uri = await trainable(uriText);
    if (!uri) return;
    const config = vscode.workspace.getConfiguration('dlnet');
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    start(uri, model, 'dlnet.train', dlnetTrainCommand({
      cli: context.asAbsolutePath('dist/cli.js'), file: uri.fsPath, model, backend: config.get<string>('train.backend') ?? 'auto', gpu: config.get<string>('train.gpu') || undefined,
      node: config.get<string>('train.nodePath') || undefined, cwd: folder, workers: config.get<number>('train.workers') || 'auto',
      // The workspace and the extension's storage first, then any folders the user's environment names.
      env: { DLNET_MODULE_PATHS: [folder, context.globalStorageUri.fsPath, process.env.DLNET_MODULE_PATHS].filter(Boolean).join(':') },
    }));
  };

  /** Exports the model to exports/<file>-pytorch/ next to the file, then runs its train.py with the configured Python. */
  const trainWithPytorch = async (uriText?: string, model?: string) => {
    const uri = await trainable(uriText);
    if (!uri) return;
    const config = vscode.workspace.getConfiguration('dlnet');
    const python = config.get<string>('pytorch.python') || 'python3';
    const project = join(dirname(uri.fsPath), 'exports', `${basename(uri.fsPath, '.dlnet')}${model ? `-${model}` : ''}-pytorch`);
    const node = config.get<string>('train.nodePath') || process.execPath;
    const command = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'dlnet: exporting to PyTorch' }, async (): Promise<Command | Error> => {
      try {
        await run(python, ['-c', 'import torch, numpy'], { timeout: 60_000 });
      } catch {
        return new Error(`${python} cannot import torch and numpy: set dlnet.pytorch.python to a Python with PyTorch (Debian: apt install python3-torch)`);
      }
      try {
        const args = [context.asAbsolutePath('dist/cli.js'), 'export', uri.fsPath, '--to', 'pytorch', '--out', project, ...(model ? ['--model', model] : [])];
        await run(node, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 300_000 });
      } catch (e) {
        const stderr = (e as { stderr?: string }).stderr?.trim();
        return new Error(`the export to PyTorch failed: ${stderr || (e as Error).message}`);
      }
      return pytorchTrainCommand({ python, project });
    });
    start(uri, model, 'dlnet.trainWithPytorch', command);
  };

  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dlnet.train', train),
    vscode.commands.registerCommand('dlnet.trainWithPytorch', trainWithPytorch),
    vscode.commands.registerCommand('dlnet.stopTraining', () => current?.process.stop()),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (restored) => panel.restore(restored),
    }),
    { dispose: () => current?.process.kill() },
  );
}
