/**
 * "dlnet: Install native TensorFlow backend": installs @tensorflow/tfjs-node or
 * tfjs-node-gpu into the extension's global storage, in a terminal the user sees
 * (its install script downloads libtensorflow, so the machine must reach that host).
 * Training finds it there through DLNET_MODULE_PATHS.
 */
import { mkdirSync } from 'node:fs';
import * as vscode from 'vscode';

const VERSION = '4.22.0';

export function registerNativeBackendInstall(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('dlnet.installNativeBackend', async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('dlnet: installing a backend runs npm; trust the workspace first.');
      return;
    }
    const pick = await vscode.window.showQuickPick([
      { label: 'tfjs-node', description: 'native TensorFlow on the CPU', pkg: '@tensorflow/tfjs-node' },
      { label: 'tfjs-node-gpu', description: 'needs an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1; on other CUDA versions it silently runs on the CPU (training says which)', pkg: '@tensorflow/tfjs-node-gpu' },
    ], { title: 'Install a native TensorFlow backend for dlnet training' });
    if (!pick) return;
    const dir = context.globalStorageUri.fsPath;
    mkdirSync(dir, { recursive: true });
    const terminal = vscode.window.createTerminal({ name: 'dlnet: install backend', cwd: dir });
    terminal.show();
    terminal.sendText(`npm install --no-save --prefix "${dir}" ${pick.pkg}@${VERSION} @tensorflow/tfjs-core@${VERSION}`);
    void vscode.window.showInformationMessage(`dlnet: installing ${pick.pkg} into ${dir}. When it finishes, training with backend "auto" or "tensorflow" uses it.`);
  }));
}
