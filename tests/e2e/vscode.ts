/**
 * A real VS Code (code-server) with the packaged extension installed, driven by
 * playwright-core and Debian's Chromium. Every wait is on a condition, never a sleep.
 * A failing step leaves a screenshot and the VS Code and server logs in tests/artifacts/e2e/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { python } from '../runtime/pytorch/python';
import { smallBatchModel } from '../support/models';

export const root = join(__dirname, '..', '..');
export const artifacts = join(root, 'tests', 'artifacts', 'e2e');
const home = process.env.DLNET_E2E_HOME ?? join(process.env.HOME ?? tmpdir(), '.cache', 'dlnet-e2e');
const entry = join(home, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
let nextPort = 8300 + (process.pid % 500);

export function log(...args: unknown[]): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);
}

export class VsCode {
  page!: Page;
  private server?: ChildProcess;
  private browser?: Browser;
  private context?: BrowserContext;
  readonly run = mkdtempSync(join(tmpdir(), 'dlnet-e2e-run-'));
  readonly workspace = join(this.run, 'workspace');
  private readonly port = nextPort++;

  constructor(private readonly opts: { trusted: boolean }) {}

  async start(): Promise<void> {
    if (!existsSync(entry)) throw new Error(`code-server is not installed: run tests/e2e/install.sh (looked in ${entry})`);
    const vsix = join(root, 'dlnet.vsix');
    if (!existsSync(vsix)) throw new Error('dlnet.vsix is missing: run npm run package');
    mkdirSync(artifacts, { recursive: true });
    // A workspace of the samples, plus a file whose dataset does not exist.
    cpSync(join(root, 'samples'), this.workspace, { recursive: true });
    writeFileSync(join(this.workspace, 'package.json'), '{"name":"e2e-workspace","private":true}');
    // The rings sample trains in about a second now (small dense stacks train in loops): a long run of it, to stop.
    const rings = readFileSync(join(root, 'samples', '01-representation.dlnet'), 'utf8');
    writeFileSync(join(this.workspace, 'rings-long.dlnet'), rings.replace(/epochs: \d+/, 'epochs: 100000'));
    // A model trained with a small batch, for the batch-size advice on webgpu.
    writeFileSync(join(this.workspace, 'advice.dlnet'), smallBatchModel(2));
    // A small MNIST classifier, to draw a digit for once it is trained.
    writeFileSync(join(this.workspace, 'digits.dlnet'), [
      'dataset digits = mnist(samples: 2000)',
      'model Digits {',
      '  input image: [28, 28, 1]',
      '  conv2d(8, kernel: 3, activation: relu, init: heNormal)',
      '  maxPool2d(2)',
      '  flatten',
      '  dense(10, activation: softmax)',
      '}',
      'train Digits on digits { loss: categoricalCrossentropy; epochs: 3; validationSplit: 0.2; metrics: [accuracy] }',
      '',
    ].join('\n'));
    // The iris sample under another name (scenario 6 breaks 12-iris), to ask about a flower once it is trained.
    writeFileSync(join(this.workspace, 'iris-ask.dlnet'), readFileSync(join(root, 'samples', '12-iris.dlnet'), 'utf8'));
    // A model as Keras code writes it, for Fix All.
    writeFileSync(join(this.workspace, 'keras.dlnet'), [
      'model Digits {',
      '  input image: (28, 28, 1)',
      "  Conv2D(8, kernel_size=3, activation='relu')",
      '  flatten',
      '  Dense(10, activation="softmax")',
      '}',
      'train Digits on mnist { loss: "categorical_crossentropy", epochs: 1 }',
      '',
    ].join('\n'));
    const data = join(this.run, 'data', 'User');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': !this.opts.trusted, 'security.workspace.trust.startupPrompt': 'never',
      'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none',
      'workbench.enableExperiments': false, 'extensions.ignoreRecommendations': true, 'editor.inlayHints.enabled': 'on',
      'dlnet.train.backend': 'wasm', 'window.commandCenter': false, 'chat.commandCenter.enabled': false,
    }));
    // Machine-scoped settings (paths to programs) come from the remote machine's settings in
    // code-server, as in any remote window; VS Code ignores them in User settings there.
    mkdirSync(join(this.run, 'data', 'Machine'), { recursive: true });
    writeFileSync(join(this.run, 'data', 'Machine', 'settings.json'), JSON.stringify(python ? { 'dlnet.pytorch.python': python } : {}));
    // DLNET_MODULE_PATHS: training finds the optional webgpu packages of this checkout, as a user's workspace would hold them.
    const env = { ...process.env, DLNET_MODULE_PATHS: root, XDG_CONFIG_HOME: join(this.run, 'xdg', 'config'), XDG_DATA_HOME: join(this.run, 'xdg', 'data'), XDG_CACHE_HOME: join(this.run, 'xdg', 'cache') };
    const args = ['--config', join(this.run, 'config.yaml'), '--user-data-dir', join(this.run, 'data'), '--extensions-dir', join(this.run, 'ext')];
    const t0 = Date.now();
    const install = spawnSync(process.execPath, [entry, ...args, '--install-extension', vsix], { env, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`installing the vsix failed: ${install.stderr}`);
    log(`installed dlnet.vsix in ${Date.now() - t0} ms`);
    this.server = spawn(process.execPath, [entry, ...args, '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      ...(this.opts.trusted ? ['--disable-workspace-trust'] : []), '--disable-getting-started-override', this.workspace], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let serverLog = '';
    this.server.stdout!.on('data', (d) => (serverLog += d));
    this.server.stderr!.on('data', (d) => (serverLog += d));
    (this as unknown as { serverLog: () => string }).serverLog = () => serverLog;
    await waitFor(async () => (await fetch(`http://127.0.0.1:${this.port}/healthz`).then((r) => r.ok).catch(() => false)), 60_000, 'code-server to start');
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    this.context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    this.page = await this.context.newPage();
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    if (this.opts.trusted) await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: '01-representation.dlnet' }).waitFor({ timeout: 90_000 });
    log(`workbench ready after ${Date.now() - t0} ms`);
  }

  /** Closes whatever widget is open (hover, suggest, rename, quick pick). */
  async escape(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.page.keyboard.press('Escape');
  }

  /**
   * Changes a User setting. code-server does not notice the settings file changing behind
   * its back, so the file is written, reloaded in its editor, and saved from there, which
   * VS Code does notice.
   */
  async setting(key: string, value: unknown): Promise<void> {
    const file = join(this.run, 'data', 'User', 'settings.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), [key]: value }, null, 2));
    await this.command('Preferences: Open User Settings (JSON)');
    await this.page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 30_000 });
    await this.command('File: Revert File');
    await waitFor(async () => (await this.editorText()).includes(JSON.stringify(value)), 30_000, `the settings editor to show ${key}`);
    await this.page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.insertText('\n');
    await this.page.keyboard.press('Control+S');
    await this.page.waitForTimeout(1_000);
    await this.page.keyboard.press('Control+W');
  }

  async openFile(name: string): Promise<void> {
    await this.escape();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }

  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /** Puts the cursor at a 1-based line and column (Go to Line). */
  async goTo(line: number, column = 1): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** The visible editor's text (VS Code renders spaces as no-break spaces). */
  /**
   * The text of the active editor group's editor; where that group shows a webview (the
   * training panel, focused by a click in it), the text editor of another group.
   */
  async editorText(): Promise<string> {
    const active = this.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    const lines = (await active.count()) > 0 ? active.first() : this.page.locator('.editor-group-container .monaco-editor .view-lines').first();
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** The training panel: webview → active frame. */
  panel(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(artifacts, `${name}.png`) });
  }

  /** Saves what helps to understand a failure: a screenshot and the logs. */
  async keepEvidence(name: string): Promise<void> {
    await this.shot(`failure-${name}`).catch(() => {});
    writeFileSync(join(artifacts, `failure-${name}-code-server.log`), (this as unknown as { serverLog?: () => string }).serverLog?.() ?? '');
    const logs = join(this.run, 'data', 'logs');
    if (existsSync(logs)) cpSync(logs, join(artifacts, `failure-${name}-vscode-logs`), { recursive: true });
  }

  async stop(): Promise<void> {
    await this.context?.close().catch(() => {});
    await this.browser?.close().catch(() => {});
    if (this.server?.pid) {
      try {
        process.kill(-this.server.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
}

/** Runs one scenario step, logging its time; on failure keeps the evidence and rethrows. */
export async function step(code: VsCode, name: string, f: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await f();
  } catch (e) {
    await code.keepEvidence(name.replace(/\W+/g, '-'));
    throw e;
  }
  log(`${name}: ${Date.now() - t0} ms`);
}

export async function waitFor(check: () => Promise<boolean>, timeout: number, what: string): Promise<void> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function listRuns(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

export { readFileSync };
