/** Scenario 7: in an untrusted workspace (restricted mode) checking still works and training is refused with the reason. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { step, VsCode } from './vscode';

const code = new VsCode({ trusted: false });

beforeAll(async () => {
  await code.start();
}, 240_000);
afterAll(() => code.stop());

describe('dlnet in restricted mode', () => {
  it('7. diagnostics work; Train is disabled with the reason', async () => {
    await step(code, 'restricted', async () => {
      const page = code.page;
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '01-representation.dlnet' }).waitFor({ timeout: 90_000 });
      await code.openFile('01-representation.dlnet');
      await code.goTo(12, 3);
      await page.keyboard.press('Home');
      await page.keyboard.type('conv2d(4, kernel: 3)\n  ');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 30_000 });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'restricted mode' });
      await toast.first().waitFor({ timeout: 30_000 });
      expect(await toast.first().innerText()).toMatch(/training is disabled in restricted mode, because it runs code on your machine/);
      expect(await page.locator('iframe.webview').count()).toBe(0);
      await code.shot('07-restricted');
    });
  });
});
