/** What a user sees in a real VS Code with the packaged extension: the scenarios of the end-to-end issue. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { python, requirePython } from '../runtime/pytorch/python';
import { listRuns, root, step, VsCode, waitFor } from './vscode';

/** The webgpu packages are optional dependencies; CI has them and Mesa's software renderer (DLNET_REQUIRE_WEBGPU). */
const webgpu = existsSync(join(root, 'node_modules', 'webgpu')) || !!process.env.DLNET_REQUIRE_WEBGPU;

const code = new VsCode({ trusted: true });

const timed = (name: string, f: () => Promise<void>) => step(code, name, f);

beforeAll(async () => {
  await code.start();
}, 240_000);
afterAll(() => code.stop());

/** Opens a file and trains its first train statement from the palette: the panel, once it says the run of `epochs` epochs is saved. */
async function trainedInPanel(file: string, epochs: number, timeout: number) {
  await code.openFile(file);
  await code.command('dlnet: Train Model');
  const panel = code.panel();
  await expect.poll(() => panel.locator('#saved').innerText(), { timeout }).toMatch(new RegExp(`Finished after ${epochs} epochs; saved to .*runs`));
  return panel;
}

/**
 * The panel's answer to a question asked of the saved model (the host runs dlnet predict), kept
 * as a screenshot; then back to the editor: a webview gives the focus back to its input
 * whenever its group is focused again, and the input would take the next scenarios' keys.
 */
async function expectAnswer(panel: ReturnType<VsCode['panel']>, answer: string, pattern: RegExp, shot: string): Promise<void> {
  await expect.poll(() => panel.locator(answer).innerText(), { timeout: 60_000 }).toMatch(pattern);
  await code.shot(shot);
  await code.page.locator('.editor-group-container').first().locator('.monaco-editor .view-lines').first().click();
}

describe('dlnet in VS Code', () => {
  it('1. opens a sample: highlighted as dlnet, outline, inlay hints, status bar', async () => {
    await timed('open-sample', async () => {
      await code.openFile('01-representation.dlnet');
      const page = code.page;
      await expect.poll(() => page.locator('#status\\.editor\\.mode').innerText(), { timeout: 30_000 }).toMatch(/dlnet/i);
      // Tokens of several colours: the TextMate grammar and semantic tokens are applied.
      await expect.poll(async () => new Set(await page.locator('.view-line span span').evaluateAll((els) => els.map((e) => e.className))).size, { timeout: 30_000 }).toBeGreaterThan(4);
      // Inlay hints: spans whose text may come from CSS generated content.
      const hints = () => page.locator('.editor-group-container.active .view-line', { hasText: 'dense(8' }).first().evaluate((line) => {
        const parts: string[] = [];
        for (const e of Array.from(line.querySelectorAll('span'))) parts.push(getComputedStyle(e, '::before').content, getComputedStyle(e, '::after').content, e.textContent ?? '');
        return parts.join(' ').replace(/\u00a0/g, ' ');
      });
      await expect.poll(hints, { timeout: 60_000 }).toContain('[8]');
      await page.locator('.pane-header', { hasText: /^outline$/i }).first().click();
      await page.locator('.monaco-list-row', { hasText: 'RingNet' }).first().waitFor({ timeout: 30_000 });
      await code.shot('01-sample-open');
    });
  });

  it('2. a shape error gets a squiggle and a Problems entry; the quick fix removes it', async () => {
    await timed('shape-error', async () => {
      const page = code.page;
      await code.openFile('06-cnn.dlnet');
      await code.goTo(12, 1);
      await page.keyboard.press('Home');
      await page.keyboard.type('flatten\n  ');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+Shift+M');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'rank-mismatch' });
      await problem.first().waitFor({ timeout: 30_000 });
      expect(await problem.first().innerText()).toMatch(/conv2d expects a rank-3 input/);
      await code.shot('02-shape-error');
      // Opening the problem puts the cursor on the diagnostic; the light bulb's menu has the fix.
      await problem.first().dblclick();
      await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: 30_000 });
      const menu = page.locator('.action-widget', { hasText: 'Insert reshape' }).first();
      // The light bulb's actions arrive asynchronously: ask again until the menu lists the fix.
      await waitFor(async () => {
        await page.keyboard.press('Control+.');
        return menu.waitFor({ timeout: 3_000 }).then(() => true, () => false);
      }, 30_000, 'the quick-fix menu');
      await page.keyboard.press('Enter');
      await waitFor(async () => (await page.locator('.markers-panel .monaco-list-row', { hasText: 'rank-mismatch' }).count()) === 0, 30_000, 'the error to go away');
      // Inlay hints are part of the rendered text: reshape(...)→ [28, 28, 1] -> conv2d(...)
      expect(await code.editorText()).toMatch(/conv1 = reshape\(\[28, 28, 1\]\).*-> conv2d/);
      await code.shot('02-fixed');
    });
  });

  it('3. completion offers missing parameters and activations; hover shows shape and parameters', async () => {
    await timed('completion-hover', async () => {
      const page = code.page;
      await code.escape();
      await code.openFile('02-backprop.dlnet');
      await code.goTo(12, 1);
      await page.keyboard.press('End');
      await page.keyboard.type('\n  dense(4, ');
      await page.keyboard.press('Control+Space');
      await page.locator('.suggest-widget .monaco-list-row', { hasText: 'activation' }).first().waitFor({ timeout: 30_000 });
      expect(await page.locator('.suggest-widget .monaco-list-row', { hasText: /^units/ }).count()).toBe(0);
      await page.keyboard.press('Escape');
      await page.keyboard.type('activation: ');
      await page.keyboard.press('Control+Space');
      await page.locator('.suggest-widget .monaco-list-row', { hasText: 'relu' }).first().waitFor({ timeout: 30_000 });
      await code.shot('03-completion');
      await page.keyboard.press('Escape');
      await page.keyboard.type('relu)');
      await page.locator('.view-line', { hasText: 'hidden = dense' }).locator('span', { hasText: /^dense$/ }).first().hover();
      const hover = page.locator('.monaco-hover-content', { hasText: 'params' }).first();
      await hover.waitFor({ timeout: 30_000 });
      expect(await hover.innerText()).toMatch(/\[2\] → \[4\]/);
      expect(await hover.innerText()).toMatch(/12 params/);
      await code.shot('03-hover');
      await page.keyboard.press('Escape');
    });
  });

  it('4. renames a model from its train statement', async () => {
    await timed('rename', async () => {
      const page = code.page;
      await code.openFile('12-iris.dlnet');
      await code.goTo(16, 8);
      await page.keyboard.press('F2');
      const input = page.locator('.rename-input:visible');
      await input.first().waitFor({ timeout: 30_000 });
      await input.first().fill('FlowerNet');
      await page.keyboard.press('Enter');
      await expect.poll(() => code.editorText(), { timeout: 30_000 }).toContain('train FlowerNet on flowers');
      expect(await code.editorText()).toMatch(/model FlowerNet\b/);
      expect(await code.editorText()).not.toMatch(/model Iris\b/);
      await code.shot('04-renamed');
    });
  });

  it('5. Train above the rings model: the panel streams, draws, stops and says where it saved', async () => {
    await timed('train-panel', async () => {
      const page = code.page;
      await code.openFile('rings-long.dlnet');
      await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 60_000 });
      const panel = code.panel();
      await expect.poll(() => panel.locator('#backend').innerText(), { timeout: 90_000 }).toMatch(/backend: (wasm|cpu)/);
      await panel.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
      const hash = () => panel.locator('[data-layer="features"] canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL().length + ':' + (c as HTMLCanvasElement).toDataURL().slice(-64));
      await panel.locator('[data-layer="features"] canvas').waitFor({ timeout: 60_000 });
      const first = await hash();
      await expect.poll(hash, { timeout: 60_000 }).not.toBe(first);
      await code.shot('05-training');
      await panel.locator('#stop').click();
      await expect.poll(() => panel.locator('#saved').innerText(), { timeout: 60_000 }).toMatch(/saved to .*runs/);
      expect(listRuns(join(code.workspace, 'runs')).length).toBeGreaterThan(0);
      await code.shot('05-stopped');
    });
  });

  it('6. a broken run shows its error in the panel with a link that reveals the statement', async () => {
    await timed('broken-run', async () => {
      const page = code.page;
      await code.openFile('12-iris.dlnet');
      await code.goTo(7, 1);
      await page.keyboard.press('Home');
      await page.keyboard.press('Shift+End');
      await page.keyboard.type('dataset flowers = csv("data/missing.csv", label: "species")');
      await page.keyboard.press('Control+S');
      await expect.poll(() => code.editorText(), { timeout: 30_000 }).toContain('data/missing.csv');
      await code.command('dlnet: Train Model');
      const error = code.panel().locator('.error');
      await error.waitFor({ timeout: 90_000 });
      expect(await error.innerText()).toMatch(/missing\.csv/);
      await error.locator('a').click();
      await expect.poll(() => page.locator('.monaco-editor .view-line', { hasText: 'dataset flowers' }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await code.shot('06-broken-run');
    });
  });

  it('10. Fix All turns a model written as Keras code into dlnet', async () => {
    await timed('fix-all', async () => {
      const page = code.page;
      await code.openFile('keras.dlnet');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      await code.command('Fix All');
      const fixed = [
        'input image: [28, 28, 1]',
        'conv2d(8, kernel: 3, activation: relu)',
        'dense(10, activation: softmax)',
        'dataset mnist = mnist()',
        'train Digits on mnist { loss: categoricalCrossentropy; epochs: 1 }',
      ];
      // Inlay hints are part of the rendered text, so each fixed line is looked for on its own.
      for (const line of fixed) await expect.poll(() => code.editorText(), { timeout: 30_000 }).toContain(line);
      await waitFor(async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0, 30_000, 'the errors to go away');
      await code.shot('10-fixed-all');
      // Completion finds a layer by its PyTorch name too.
      await code.goTo(4, 1);
      await page.keyboard.press('End');
      await page.keyboard.type('\nLin');
      await page.keyboard.press('Control+Space');
      await page.locator('.suggest-widget .monaco-list-row', { hasText: /^dense/ }).first().waitFor({ timeout: 30_000 });
      await code.shot('10-completion-by-alias');
      await page.keyboard.press('Escape');
    });
  });

  it('11. Train the text sample: the panel lists texts as the model reads them, then answers one typed into it', async () => {
    await timed('text', async () => {
      // The palette (the train statement's lens is below the sample's long comment, out of view); it trains the first statement's Reader.
      const panel = await trainedInPanel('14-text.dlnet', 10, 240_000);
      await panel.locator('#predictions tr.right').first().waitFor({ timeout: 10_000 });
      await panel.locator('#try-text').fill('Honestly the plot was not dull at all');
      await panel.locator('#try-ask').click();
      await expectAnswer(panel, '#try-answer', /^positive [01]\.\d{3} /, '11-text');
    });
  });

  it('12. Train an MNIST model, then draw a digit in the panel: the model answers it', async () => {
    await timed('draw', async () => {
      const panel = await trainedInPanel('digits.dlnet', 3, 180_000);
      const canvas = panel.locator('#draw-canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      // A 1: one stroke down the middle. The host runs dlnet predict --image on the drawing when the pen lifts.
      await code.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
      await code.page.mouse.down();
      await code.page.mouse.move(box.x + box.width / 2 - 6, box.y + box.height * 0.85, { steps: 10 });
      await code.page.mouse.up();
      await expectAnswer(panel, '#draw-answer', /^\d [01]\.\d{3} /, '12-draw');
    });
  });

  it('13. Train the iris sample, then fill in a flower\'s measurements in the panel: the model names its species', async () => {
    await timed('row', async () => {
      const panel = await trainedInPanel('iris-ask.dlnet', 60, 120_000);
      // A setosa: short, wide sepals, tiny petals (the first row of data/iris.csv).
      const fields = panel.locator('#row-fields [data-column]');
      expect(await fields.count()).toBe(4);
      for (const [i, value] of ['5.1', '3.5', '1.4', '0.2'].entries()) await fields.nth(i).fill(value);
      await panel.locator('#row-ask').click();
      await expectAnswer(panel, '#row-answer', /^setosa [01]\.\d{3} /, '13-row');
    });
  });

  it.skipIf(!python && !requirePython)('8. Train Model with PyTorch: exports the rings model and the panel streams its PyTorch run', async () => {
    await timed('train-pytorch', async () => {
      await code.openFile('01-representation.dlnet');
      await code.command('dlnet: Train Model with PyTorch');
      const panel = code.panel();
      await expect.poll(() => panel.locator('#backend').innerText(), { timeout: 120_000 }).toMatch(/backend: pytorch/);
      await panel.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
      await expect.poll(() => panel.locator('#saved').innerText(), { timeout: 120_000 }).toMatch(/Finished after 40 epochs; saved to .*exports.*runs/);
      expect(existsSync(join(code.workspace, 'exports', '01-representation-pytorch', 'model.py'))).toBe(true);
      await code.shot('08-pytorch');
    });
  });

  it.skipIf(!webgpu)('9. on webgpu the panel advises a larger batch, and Use batchSize writes it into the train statement', async () => {
    await timed('batch-advice', async () => {
      const page = code.page;
      // Training on webgpu (on this machine: Mesa's software renderer).
      await code.setting('dlnet.train.backend', 'webgpu');
      try {
        await code.openFile('advice.dlnet');
        // The code lens, not the palette: there "Train Model" also matches "Train Model with PyTorch", used just before.
        await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: 'Train' }).first().click({ timeout: 60_000 });
        const panel = code.panel();
        await expect.poll(() => panel.locator('#backend').innerText(), { timeout: 120_000 }).toMatch(/backend: webgpu/);
        await expect.poll(() => panel.locator('#advice').innerText(), { timeout: 120_000 }).toMatch(/batchSize 32 trained .* of 8 .*under-fed/);
        await code.shot('09-advice');
        await panel.locator('#use-batch-size').click();
        await expect.poll(() => code.editorText(), { timeout: 30_000 }).toContain('batchSize: 32');
        expect(await code.editorText()).not.toContain('batchSize: 8');
        await expect.poll(() => panel.locator('#status').innerText(), { timeout: 120_000 }).toMatch(/completed/);
        await page.keyboard.press('Control+S');
        await code.shot('09-batch-size-set');
      } finally {
        await code.setting('dlnet.train.backend', 'wasm');
      }
    });
  });
});
