/**
 * The training panel's host side: one webview panel, fed from the run history. The
 * whole history is replayed whenever the panel is (re)created, restored after a reload
 * or reports ready, so no retainContextWhenHidden is needed.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Prediction } from '../../runtime/cli/predict';
import type { TrainEvent } from '../../runtime/train/events';
import { panelHtml } from '../webview/page';
import { validateMessage, type FromWebview, type ToWebview } from '../webview/protocol';
import type { RunHistory } from './history';

export const PANEL_VIEW_TYPE = 'dlnet.training';

export interface PanelActions {
  stop(): void;
  pause(): void;
  resume(): void;
  trainAgain(): void;
  reveal(line: number, character?: number): void;
  openFolder(path: string): void;
  setBatchSize(line: number, value: number): void;
  /** What the model saved in `run` says of a text, an image (a PNG, base64) or a table's row: its answer, or why there is none. */
  predict(run: string, asked: Asked): Promise<{ prediction?: Prediction; error?: string }>;
}

/** What the panel asks a saved model about. */
export type Asked = { text: string } | { png: string } | { row: Record<string, string> };

export class TrainingPanel {
  private panel?: vscode.WebviewPanel;
  private runId?: number;

  constructor(private readonly context: vscode.ExtensionContext, private readonly history: RunHistory, private readonly actions: PanelActions) {}

  /** Shows the panel for a run (creating it if needed) and replays everything so far. */
  show(runId: number): void {
    this.runId = runId;
    if (!this.panel) this.attach(vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'dlnet: Training', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options()));
    else this.panel.reveal(undefined, true);
    this.replay();
  }

  /** A panel restored by VS Code after a reload (webview serializer). */
  restore(panel: vscode.WebviewPanel, runId?: number): void {
    this.runId = runId ?? this.history.latest()?.id;
    panel.webview.options = this.options();
    this.attach(panel);
  }

  send(runId: number, event: TrainEvent): void {
    if (this.panel && runId === this.runId) void this.panel.webview.postMessage({ type: 'event', runId, event } satisfies ToWebview);
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const webview = panel.webview;
    const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', f)).toString();
    webview.html = panelHtml({ cspSource: webview.cspSource, nonce: randomBytes(16).toString('base64'), script: asset('panel.js'), style: asset('panel.css') });
    webview.onDidReceiveMessage((raw) => this.onMessage(validateMessage(raw)));
    panel.onDidChangeViewState((e) => e.webviewPanel.visible && this.replay());
    panel.onDidDispose(() => (this.panel = undefined));
  }

  private replay(): void {
    const run = this.runId === undefined ? undefined : this.history.get(this.runId);
    const past = run ? this.history.forFile(run.file).filter((r) => r.id !== run.id).map((r) => ({
      id: r.id, label: `run ${r.id} (${new Date(r.startedAt).toLocaleTimeString()})`,
      epochs: r.events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch'),
    })) : [];
    const trusted = vscode.workspace.isTrusted;
    const message: ToWebview = {
      type: 'replay', runId: run?.id ?? 0, events: run?.events ?? [], past, trusted,
      untrustedReason: trusted ? undefined : 'This workspace is in restricted mode: training runs code on your machine, so it is disabled until you trust the workspace.',
    };
    void this.panel?.webview.postMessage(message);
  }

  private onMessage(m: FromWebview | undefined): void {
    if (!m) return;
    switch (m.type) {
      case 'ready': return this.replay();
      case 'stop': return this.actions.stop();
      case 'pause': return this.actions.pause();
      case 'resume': return this.actions.resume();
      case 'trainAgain': return this.actions.trainAgain();
      case 'reveal': return this.actions.reveal(m.line, m.character);
      case 'openFolder': return this.actions.openFolder(m.path);
      case 'setBatchSize': return this.actions.setBatchSize(m.line, m.value);
      case 'predict':
        return this.answer(m.run, { text: m.text }, { about: 'text', text: m.text });
      case 'predictImage':
        return this.answer(m.run, { png: m.png }, { about: 'image' });
      case 'predictRow':
        return this.answer(m.run, { row: m.values }, { about: 'row' });
    }
  }

  /** Asks the model, and gives the panel its answer, said as what it is about. */
  private answer(run: string, asked: Asked, about: Pick<Extract<ToWebview, { type: 'prediction' }>, 'about' | 'text'>): void {
    void this.actions.predict(run, asked).then((answer) => this.panel?.webview.postMessage({ type: 'prediction', ...about, ...answer } satisfies ToWebview));
  }
}
