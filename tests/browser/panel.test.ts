/** The training panel in a real browser (headless Chromium), fed recorded event streams from real runs. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPanel, recording, type Theme } from './harness';

const artifacts = join(__dirname, '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(() => browser?.close());

type W = Window & { __deliver(m: unknown): void; __posted: { type: string; line?: number }[]; __frames: { count: number; long: number } };
const deliver = (page: Page, m: unknown) => page.evaluate((msg) => (window as unknown as W).__deliver(msg), m);
const posted = (page: Page) => page.evaluate(() => (window as unknown as W).__posted);

async function stream(page: Page, events: unknown[], upTo = events.length, perFrame = 4) {
  for (let i = 0; i < upTo; i += perFrame) {
    await page.evaluate((batch) => batch.forEach((event) => (window as unknown as W).__deliver({ type: 'event', runId: 1, event })), events.slice(i, Math.min(i + perFrame, upTo)));
  }
}

/** The panel in a theme with a recorded run replayed into it, drawn. */
async function replayed(name: string, theme: Theme): Promise<Page> {
  const page = await openPanel(browser, theme);
  await deliver(page, { type: 'replay', runId: 1, events: recording(name), past: [], trusted: true });
  await page.waitForTimeout(150);
  return page;
}

/** A hash of a canvas's pixels, to see whether the drawing changed. */
const canvasHash = (page: Page, selector: string) => page.$eval(selector, (c) => {
  const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
  let h = 0;
  for (let i = 0; i < data.length; i += 7) h = (h * 31 + data[i]) | 0;
  return h;
});

describe('training panel', () => {
  it('draws the rings run: header, charts with points, a representation that changes between epochs, summary, confusion', async () => {
    const page = await openPanel(browser, 'dark');
    const events = recording('rings') as { type: string; epoch?: number }[];
    await deliver(page, { type: 'replay', runId: 1, events: [], past: [], trusted: true });
    const midEpoch = events.findIndex((e) => e.type === 'epoch' && e.epoch === 6);
    await stream(page, events, midEpoch + 2);
    await expect.poll(() => page.textContent('#backend')).toContain('backend:');
    expect(await page.textContent('#title')).toBe('RingNet');
    expect(await page.textContent('#epoch')).toMatch(/epoch 6 \/ 12/);
    await expect.poll(() => page.locator('.chart[data-metric="loss"] canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'panel-rings-mid-dark.png') });
    const before = await canvasHash(page, '[data-layer="features"] canvas');
    const firstFrames = await page.evaluate(() => (window as unknown as W).__frames.count);
    const t0 = Date.now();
    await stream(page, events, events.length, 2);
    const streamMs = Date.now() - t0;
    await page.waitForTimeout(100);
    const latest = await canvasHash(page, '[data-layer="features"] canvas');
    expect(latest).not.toBe(before);
    expect(await page.$$eval('[data-layer]', (els) => els.map((e) => e.getAttribute('data-layer')))).toEqual(['input', 'features']);
    // The legend names the dataset's classes in the colours their points have.
    expect(await page.$$eval('#rep-legend .legend-item', (items) => items.map((i) => i.textContent))).toEqual(['outer', 'inner']);
    const swatches = await page.$$eval('#rep-legend .swatch', (s) => s.map((e) => getComputedStyle(e).backgroundColor));
    expect(new Set(swatches).size).toBe(2);
    // The slider replays an earlier epoch, and back.
    const slide = (to: string) => page.$eval('#rep-epoch', (s, v) => { (s as HTMLInputElement).value = v === 'max' ? (s as HTMLInputElement).max : v; s.dispatchEvent(new Event('input')); }, to);
    await slide('0');
    expect(await page.textContent('#rep-label')).toBe('epoch 0');
    expect(await canvasHash(page, '[data-layer="features"] canvas')).not.toBe(latest);
    await slide('max');
    expect(await canvasHash(page, '[data-layer="features"] canvas')).toBe(latest);
    expect(await page.locator('#summary-table tr').count()).toBe(4);
    expect(await page.locator('.confusion td').count()).toBe(4);
    expect(await page.textContent('#saved')).toMatch(/saved to/);
    const frames = await page.evaluate(() => (window as unknown as W).__frames);
    console.log(`panel: streamed the rest of the rings run in ${streamMs} ms; ${frames.count - firstFrames} frames, ${frames.long} longer than 50 ms`);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('charts get a point for every batch event and every epoch', async () => {
    const page = await openPanel(browser, 'light');
    const events = recording('rings') as { type: string; logs?: Record<string, number> }[];
    await deliver(page, { type: 'replay', runId: 1, events, past: [], trusted: true });
    await page.waitForTimeout(100);
    const batches = events.filter((e) => e.type === 'batch').length;
    const epochs = events.filter((e) => e.type === 'epoch').length;
    // uPlot draws into a canvas; its legend shows the series it has.
    const legend = await page.$$eval('.chart[data-metric="loss"] .u-legend .u-series', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(legend.join(' ')).toMatch(/batch \(smoothed\).*train \(epoch mean\).*validation/);
    const points = await page.evaluate(() => document.querySelectorAll('.chart').length);
    expect(points).toBeGreaterThanOrEqual(2);
    expect(batches).toBeGreaterThan(50);
    expect(epochs).toBe(12);
    await page.screenshot({ path: join(artifacts, 'panel-rings-light.png'), fullPage: true });
  });

  it('sends stop, pause and reveal messages', async () => {
    const page = await openPanel(browser);
    const events = recording('rings') as { type: string; summary?: { layers: { line: number }[] }[] }[];
    await deliver(page, { type: 'replay', runId: 1, events: events.slice(0, 5), past: [], trusted: true });
    const featuresLine = events[0].summary![0].layers[1].line;
    await page.click('#stop');
    await page.click('#pause');
    await page.click('#summary-table tr.clickable >> nth=1');
    const sent = await posted(page);
    expect(sent.map((m) => m.type)).toEqual(expect.arrayContaining(['ready', 'stop', 'pause', 'reveal']));
    expect(sent.find((m) => m.type === 'reveal')!.line).toBe(featuresLine);
  });

  it('offers a saved image classifier a drawing: scaled and centred as MNIST\'s digits, sent as a PNG of its input\'s size when the pen lifts, answered with its classes', async () => {
    // Recorded from `dlnet train --json` of a LeNet on MNIST ([28, 28, 1] in, 10 classes out), saved.
    const page = await replayed('cnn', 'light');
    expect(await page.isVisible('#draw-section')).toBe(true);
    // A 7, drawn in the box's upper left: a bar, then a stroke down.
    const box = (await page.locator('#draw-canvas').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 110, box.y + 20, { steps: 8 });
    await page.mouse.move(box.x + 60, box.y + 130, { steps: 8 });
    await page.mouse.up();
    const asked = (await posted(page)).find((m) => m.type === 'predictImage') as unknown as { run: string; png: string };
    expect(asked.run).toBe('/tmp/runs/LeNet-20261127-011940');
    const png = PNG.sync.read(Buffer.from(asked.png, 'base64'));
    expect([png.width, png.height]).toEqual([28, 28]);
    // Its ink within 20x20 (one pixel more where smoothing spreads it), its centre of mass in the middle.
    let [mass, mx, my, x0, y0, x1, y1] = [0, 0, 0, 28, 28, -1, -1];
    for (let i = 0; i < 784; i++) {
      const v = png.data[4 * i];
      const [x, y] = [i % 28, Math.floor(i / 28)];
      mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
      if (v > 16) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
    expect(Math.max(x1 - x0 + 1, y1 - y0 + 1)).toBeGreaterThanOrEqual(19);
    expect(Math.max(x1 - x0 + 1, y1 - y0 + 1)).toBeLessThanOrEqual(21);
    expect(Math.abs(mx / mass - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(my / mass - 14)).toBeLessThanOrEqual(1);
    expect(await page.textContent('#draw-answer')).toBe('asking…');
    expect(await page.isVisible('#draw-seen')).toBe(true);
    await deliver(page, { type: 'prediction', about: 'image', prediction: { image: 'drawing.png', output: [], classes: [{ name: '7', probability: 0.912 }, { name: '1', probability: 0.05 }] } });
    expect(await page.textContent('#draw-answer')).toBe('7 0.912  (1 0.050)');
    await page.screenshot({ path: join(artifacts, 'panel-draw-light.png'), fullPage: true });
    // A replay of the run (the panel shown again) keeps the drawing.
    const drawn = await canvasHash(page, '#draw-canvas');
    await deliver(page, { type: 'replay', runId: 1, events: recording('cnn'), past: [], trusted: true });
    expect(await canvasHash(page, '#draw-canvas')).toBe(drawn);
    await page.click('#draw-clear');
    expect(await page.textContent('#draw-answer')).toBe('');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    // Not for a model of points, nor one of texts.
    for (const other of ['rings', 'text']) expect(await (await replayed(other, 'light')).isVisible('#draw-section')).toBe(false);
  });

  it('offers a saved table classifier a row to fill in: a number a column of numbers, a choice of its texts a column of texts', async () => {
    const page = await openPanel(browser);
    const start = JSON.parse(JSON.stringify(recording('rings')[0]));
    Object.assign(start, { model: 'Passengers', data: { train: 80, validation: 20, classes: ['0', '1'], table: { columns: ['Pclass', 'Sex', 'Fare'], texts: { Sex: ['female', 'male'] } } } });
    const end = { type: 'end', status: 'completed', logs: {}, epochs: 1, elapsedMs: 10, savedTo: '/w/runs/Passengers-1' };
    await deliver(page, { type: 'replay', runId: 1, events: [start, end], past: [], trusted: true });
    expect(await page.isVisible('#row-section')).toBe(true);
    expect(await page.locator('#row-fields label').allTextContents()).toEqual(['Pclass', 'Sex', 'Fare']);
    expect(await page.locator('#row-fields select option').allTextContents()).toEqual(['female', 'male']);
    await page.fill('#row-fields [data-column="Pclass"]', '1');
    await page.selectOption('#row-fields [data-column="Sex"]', 'female');
    await page.fill('#row-fields [data-column="Fare"]', '71.28');
    // The host replays the run whenever the panel is shown again: what was filled in stays.
    await deliver(page, { type: 'replay', runId: 1, events: [start, end], past: [], trusted: true });
    await page.click('#row-ask');
    expect((await posted(page)).find((m) => m.type === 'predictRow')).toEqual({ type: 'predictRow', run: '/w/runs/Passengers-1', values: { Pclass: '1', Sex: 'female', Fare: '71.28' } });
    await deliver(page, { type: 'prediction', about: 'row', prediction: { row: 1, output: [0.1, 0.9], classes: [{ name: '1', probability: 0.9 }, { name: '0', probability: 0.1 }] } });
    expect(await page.textContent('#row-answer')).toBe('1 0.900  (0 0.100)');
    // Nor a drawing box: it takes no image.
    expect(await page.isVisible('#draw-section')).toBe(false);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('shows a CNN run with PCA views of the feature maps', async () => {
    const page = await replayed('cnn', 'dark');
    const captions = await page.$$eval('[data-layer] .muted', (els) => els.map((e) => e.textContent));
    expect(captions.join(' ')).toMatch(/conv1 — PCA of 6272 values/);
    expect(await page.locator('.confusion tr').count()).toBe(11);
    expect(await page.$$eval('#rep-legend .legend-item', (items) => items.map((i) => i.textContent))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(await page.textContent('#confusion-title')).toBe('Confusion matrix (validation data)');
    await page.screenshot({ path: join(artifacts, 'panel-cnn-dark.png'), fullPage: true });
  });

  it('shows a GAN run: both losses and the generated points over the ring', async () => {
    const page = await replayed('gan', 'dark');
    expect(await page.$$eval('.chart', (els) => els.map((e) => (e as HTMLElement).dataset.metric))).toEqual(expect.arrayContaining(['d_loss', 'g_loss']));
    expect(await page.isVisible('#samples-canvas')).toBe(true);
    expect(await page.textContent('#samples-caption')).toMatch(/mean distance to the ring/);
    await page.screenshot({ path: join(artifacts, 'panel-gan-dark.png'), fullPage: true });
  });

  it('shows an autoencoder run: its code coloured by digit, and the images above their reconstructions', async () => {
    // Recorded from `dlnet train --json` of a 784-16-784 autoencoder of MNIST (target: features).
    const page = await replayed('autoencoder', 'light');
    expect(await page.textContent('#samples-title')).toBe('Reconstructions');
    expect(await page.textContent('#samples-caption')).toBe('epoch 4 — each row of images above what the model gives back');
    expect(await page.$$eval('#rep-legend .legend-item', (items) => items.map((i) => i.textContent))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Values given back: no confusion matrix.
    expect(await page.isVisible('#confusion-section')).toBe(false);
    await page.screenshot({ path: join(artifacts, 'panel-autoencoder-light.png'), fullPage: true });
  });

  it('shows where a self-attention layer looks: a map per head, the latest epoch\'s', async () => {
    // Recorded from `dlnet train --json` of a one-layer attention model on the adding problem (12 steps, 2 heads).
    const page = await replayed('attention', 'dark');
    expect(await page.isVisible('#attention-section')).toBe(true);
    expect(await page.locator('#attention [data-layer="attended"] canvas').count()).toBe(2);
    expect(await page.textContent('#attention [data-layer="attended"] .muted')).toBe('attended (line 7) — heads 1 to 2, 12 steps');
    expect(await page.textContent('#attention-caption')).toMatch(/^epoch 12 — each row a step/);
    // Drawn: the map is not blank.
    const lit = await page.$eval('#attention canvas', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 120, 120).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    expect(lit).toBeGreaterThan(1000);
    expect(await page.textContent('#attention-label')).toBe('epoch 12 (latest)');
    await page.screenshot({ path: join(artifacts, 'panel-attention-dark.png'), fullPage: true });
    // The slider goes back to the maps before training (epoch 0), which differ from the last epoch's; back at its end it follows the latest again.
    const latest = await canvasHash(page, '#attention canvas');
    await page.$eval('#attention-epoch', (s) => {
      (s as HTMLInputElement).value = '0';
      s.dispatchEvent(new Event('input'));
    });
    expect(await page.textContent('#attention-label')).toBe('epoch 0');
    expect(await page.textContent('#attention-caption')).toMatch(/^epoch 0 — /);
    expect(await canvasHash(page, '#attention canvas')).not.toBe(latest);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('lists texts validated on as a model reads them, with their class and the one it gives, the misread marked', async () => {
    // Recorded from `dlnet train samples/14-text.dlnet --model Bag --json --epochs 4`: the averaged embedding misreads "not".
    const page = await replayed('text', 'light');
    expect(await page.isVisible('#predictions-section')).toBe(true);
    const rows = await page.$$eval('#predictions tr', (trs) => trs.map((tr) => [tr.className, ...[...tr.children].map((c) => c.textContent)]));
    expect(rows[0]).toEqual(['', 'text', 'class', 'model says']);
    expect(rows).toHaveLength(9);
    expect(rows[5]).toEqual(['wrong', 'i found the plot not charming', 'negative', 'positive 0.55']);
    expect(rows[8]).toEqual(['right', 'i found the plot moving', 'positive', 'positive 0.51']);
    expect(await page.textContent('#predictions-caption')).toMatch(/^epoch 4 — 3 of 8 read wrong/);
    // Bag names no statement: no representation to draw, and no empty section for it.
    expect(await page.isVisible('#rep-section')).toBe(false);
    // The saved model answers a text typed (Enter or the button): the host is asked, and its answer shown.
    expect(await page.isVisible('#try')).toBe(true);
    await page.fill('#try-text', 'The plot was not dull');
    await page.press('#try-text', 'Enter');
    const savedTo = (recording('text') as { type: string; savedTo?: string }[]).find((e) => e.type === 'end')!.savedTo;
    expect((await posted(page)).filter((m) => m.type === 'predict')).toEqual([{ type: 'predict', run: savedTo, text: 'The plot was not dull' }]);
    expect(await page.textContent('#try-answer')).toBe('asking…');
    await deliver(page, { type: 'prediction', about: 'text', text: 'The plot was not dull', prediction: { text: 'The plot was not dull', output: [0.38, 0.62], classes: [{ name: 'positive', probability: 0.62 }, { name: 'negative', probability: 0.38 }] } });
    expect(await page.textContent('#try-answer')).toBe('positive 0.620  (negative 0.380) — "The plot was not dull"');
    await page.screenshot({ path: join(artifacts, 'panel-text-light.png'), fullPage: true });
    await deliver(page, { type: 'prediction', about: 'text', text: 'x', error: 'cannot read /gone/run.json: no such file' });
    expect(await page.textContent('#try-answer .error')).toBe('cannot read /gone/run.json: no such file');
  });

  it('shows batch-size advice from a GPU run, and sends the change when asked', async () => {
    // Recorded from `dlnet train --backend webgpu --json` (Dawn on Mesa's software renderer).
    const events = recording('advice') as { type: string; line?: number; batchAdvice?: { suggested: number } }[];
    const start = events[0];
    expect(start.batchAdvice?.suggested).toBe(32);
    const page = await openPanel(browser);
    await deliver(page, { type: 'replay', runId: 1, events, past: [], trusted: true });
    expect(await page.textContent('#advice')).toMatch(/batchSize 32 trained \d+\.\dx the samples per second of 8 .*under-fed/);
    await page.screenshot({ path: join(artifacts, 'panel-advice.png') });
    // That run had no validation data, so its confusion matrix is of the training data.
    expect(await page.textContent('#confusion-title')).toBe('Confusion matrix (training data)');
    await page.click('#use-batch-size');
    expect((await posted(page)).find((m) => m.type === 'setBatchSize')).toEqual({ type: 'setBatchSize', line: start.line, value: 32 });
    // A run without advice clears it.
    await deliver(page, { type: 'replay', runId: 2, events: recording('rings'), past: [], trusted: true });
    expect(await page.textContent('#advice')).toBe('');
  });

  it('shows errors with a link that reveals the statement, and explains restricted mode', async () => {
    const page = await openPanel(browser);
    await deliver(page, { type: 'replay', runId: 1, events: [{ type: 'error', message: "dataset d: nowhere.csv: cannot read the file (ENOENT)", line: 0 }, { type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: 3 }], past: [], trusted: false, untrustedReason: 'restricted mode: training is disabled' });
    expect(await page.textContent('.error')).toMatch(/nowhere\.csv/);
    await page.click('.error a');
    expect((await posted(page)).find((m) => m.type === 'reveal')!.line).toBe(0);
    expect(await page.isVisible('#untrusted')).toBe(true);
    expect(await page.getAttribute('#again', 'disabled')).not.toBeNull();
  });


  it('lists every error that stops a run, each with a link to its line and column', async () => {
    const page = await openPanel(browser);
    const at = (line: number, character: number, message: string, code = 'invalid-argument') => ({ range: { start: { line, character }, end: { line, character: character + 3 } }, severity: 'error', code, message });
    const errors = [at(2, 2, 'reshape to [3, 3] needs 9 elements'), at(7, 11, "dense has no parameter 'activaton'"), at(13, 41, "unknown train setting 'epocs'")];
    const error = { type: 'error', message: 'train M cannot run: reshape to [3, 3] needs 9 elements', line: 2, character: 2, code: 'invalid-shape', diagnostics: errors, file: '/w/net.dlnet' };
    await deliver(page, { type: 'replay', runId: 1, events: [error, { type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: 3 }], past: [], trusted: true });
    expect(await page.locator('.error').count()).toBe(1);
    expect(await page.textContent('.error')).toMatch(/^Training failed: train M cannot run: reshape .* \(line 3\)2 more errors stop the run:/);
    expect(await page.$$eval('.error li', (items) => items.map((i) => i.textContent))).toEqual(["dense has no parameter 'activaton' (line 8)", "unknown train setting 'epocs' (line 14)"]);
    await page.click('.error > a');
    await page.click('.error li:nth-child(2) a');
    expect((await posted(page)).filter((m) => m.type === 'reveal')).toEqual([{ type: 'reveal', line: 2, character: 2 }, { type: 'reveal', line: 13, character: 41 }]);
    // Twenty are listed; the Problems view has the rest.
    const many = Array.from({ length: 30 }, (_, i) => at(i, 0, `error ${i}`));
    await deliver(page, { type: 'replay', runId: 2, events: [{ ...error, diagnostics: many }], past: [], trusted: true });
    expect(await page.locator('.error li').count()).toBe(21);
    expect(await page.textContent('.error li:last-child')).toBe('and 9 more: see the Problems view');
  });

  it('says when reduceOnPlateau lowered the rate and when earlyStopping stopped, and marks the epoch whose weights were kept', async () => {
    // Recorded from `dlnet train --json` of noisy rings with reduceOnPlateau(0.5, patience: 2) and earlyStopping(patience: 5, restoreBest: true) (its representation events left out).
    const page = await replayed('watched', 'light');
    const notes = await page.locator('#saved .note').allTextContents();
    expect(notes).toEqual([
      expect.stringMatching(/^epoch 6: reduceOnPlateau: val_loss has not improved on 0\.3276 \(epoch 4\) for 2 epochs: learning rate 0\.0300 → 0\.0150$/),
      expect.stringMatching(/^epoch 8: reduceOnPlateau: .* 0\.0150 → 0\.00750$/),
      expect.stringMatching(/^epoch 9: earlyStopping: val_loss has not improved on 0\.3276 \(epoch 4\) for 5 epochs: training stops$/),
    ]);
    expect(await page.textContent('#saved .notice:not(.note)')).toMatch(/^Finished after 9 epochs; kept the weights of epoch 4 \(val_loss 0\.3276\); saved to /);
    expect(await page.textContent('#status')).toBe('early-stopped');
    // Every chart marks epoch 4, drawn with the dashed line.
    const marked = await page.$$eval('#charts .chart', (cs) => cs.map((c) => (c as HTMLElement).dataset.kept));
    expect(marked.length).toBeGreaterThan(0);
    expect(new Set(marked)).toEqual(new Set(['4']));
    await page.screenshot({ path: join(artifacts, 'panel-watched-light.png'), fullPage: true });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('shows a stalled run\'s warning with a link to its optimizer line', async () => {
    const page = await openPanel(browser);
    const epoch = (n: number, warning?: unknown) => ({ type: 'epoch', epoch: n, epochs: 5, logs: { loss: 10.7185 }, samplesPerSec: 100, elapsedMs: n * 10, etaMs: 0, ...(warning ? { warning } : {}) });
    const warning = { message: 'the loss has stayed at 10.7185 since epoch 2: training has stalled; the learning rate 1e6 is far too high (most runs use 1e-4 to 0.1): lower it', line: 8 };
    await deliver(page, { type: 'replay', runId: 1, events: [epoch(1), epoch(2), epoch(3), epoch(4, warning), epoch(5)], past: [], trusted: true });
    expect(await page.locator('.warning').count()).toBe(1);
    expect(await page.textContent('.warning')).toMatch(/^Warning: the loss has stayed at 10\.7185 .* \(line 9\)$/);
    await page.click('.warning a');
    expect((await posted(page)).find((m) => m.type === 'reveal')!.line).toBe(8);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });
  it('a run that fails before it starts shows its own file, not the previous run\'s header', async () => {
    const page = await openPanel(browser);
    await deliver(page, { type: 'replay', runId: 1, events: recording('rings'), past: [], trusted: true });
    expect(await page.textContent('#backend')).toMatch(/backend:/);
    await deliver(page, { type: 'replay', runId: 2, events: [], past: [], trusted: true });
    expect(await page.textContent('#title')).toBe('Starting…');
    await stream(page, [{ type: 'error', message: 'the webgpu backend is not available', line: 6, file: '/work/advice.dlnet' }, { type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: 5 }]);
    expect(await page.textContent('#title')).toBe('advice.dlnet');
    expect(await page.textContent('#backend')).toBe('');
    expect(await page.textContent('#dataset')).toBe('');
    expect(await page.textContent('#status')).toBe('failed');
  });

  it('overlays earlier runs of the same file', async () => {
    const page = await openPanel(browser);
    const events = recording('rings') as { type: string }[];
    const epochs = events.filter((e) => e.type === 'epoch');
    await deliver(page, { type: 'replay', runId: 2, events, past: [{ id: 1, label: 'run 1', epochs }], trusted: true });
    await page.check('#history input');
    await page.waitForTimeout(100);
    const legend = await page.$$eval('.chart[data-metric="loss"] .u-legend .u-series', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(legend.join(' ')).toMatch(/run 1 val/);
  });
});
