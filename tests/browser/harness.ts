/**
 * Runs the built panel (dist/webview) in headless Chromium with a stub of the webview
 * messaging API: messages posted by the panel are collected in `window.__posted`,
 * and `window.__deliver(msg)` plays the host.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../client/webview/page';

const root = join(__dirname, '..', '..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const themes = {
  dark: { cls: 'vscode-dark', vars: { '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1e1e1e', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#80808059', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700', '--vscode-textLink-foreground': '#3794ff', '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px' } },
  light: { cls: 'vscode-light', vars: { '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171', '--vscode-panel-border': '#e5e5e5', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34', '--vscode-charts-red': '#e51400', '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803', '--vscode-textLink-foreground': '#006ab1', '--vscode-font-family': 'DejaVu Sans, sans-serif', '--vscode-font-size': '13px' } },
};
export type Theme = keyof typeof themes;

export function themeScript(theme: Theme): string {
  const t = themes[theme];
  return `document.body.className = '${t.cls}'; ${Object.entries(t.vars).map(([k, v]) => `document.documentElement.style.setProperty('${k}', '${v}');`).join(' ')}`;
}

/** The panel page, as the extension builds it, with the messaging stub in front. */
export function writePage(theme: Theme): string {
  const dir = mkdtempSync(join(tmpdir(), 'dlnet-panel-'));
  const html = panelHtml({ cspSource: 'file:', nonce: 'test', script: `file://${join(root, 'dist', 'webview', 'panel.js')}`, style: `file://${join(root, 'dist', 'webview', 'panel.css')}` })
    .replace('<body>', `<body><script nonce="test">
      window.__posted = [];
      window.__frames = { count: 0, long: 0, last: performance.now() };
      (function tick(now) { const f = window.__frames; if (now - f.last > 50) f.long++; f.count++; f.last = now; requestAnimationFrame(tick); })(performance.now());
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), setState() {}, getState() {} });
      window.__deliver = (m) => window.dispatchEvent(new MessageEvent('message', { data: m }));
    </script>`)
    .replace('</body>', `<script nonce="test">${themeScript(theme)}</script></body>`);
  const file = join(dir, 'panel.html');
  writeFileSync(file, html);
  return file;
}

export function recording(name: string): unknown[] {
  return readFileSync(join(__dirname, 'recordings', `${name}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  });
}

export async function openPanel(browser: Browser, theme: Theme = 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`file://${writePage(theme)}`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return page;
}
