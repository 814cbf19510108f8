/**
 * The training panel. Everything it shows comes from the event stream the host
 * forwards (and replays in full when the panel is shown again or restored).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { Diagnostic } from '../../dsl/diagnostics';
import { atLine, type AttentionEvent, type EpochEvent, type PredictionsEvent, type RepresentationEvent, type SamplesEvent, type StartEvent, type TrainEvent } from '../../runtime/train/events';
import { drawAttentionMap, drawProjection, drawSamples, newCanvas } from './canvas';
import { MetricChart } from './charts';
import { EpochSlider } from './epoch-slider';
import { DrawingBox } from './drawing';
import { imageInput, type ImageInput } from '../../runtime/data/image-input';
import type { FromWebview, PastRun, ToWebview } from './protocol';
import { onThemeChange, palette } from './theme';

declare function acquireVsCodeApi(): { postMessage(m: FromWebview): void; setState(s: unknown): void; getState(): unknown };
const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => vscode.postMessage(m);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = (tag: string, props: Record<string, string> = {}, text?: string) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

let colours = palette();
let start: StartEvent | undefined;
let charts = new Map<string, MetricChart>();
let samples: SamplesEvent[] = [];
/** Where the run's model was saved: a model trained on texts answers texts typed in the panel. */
let savedTo: string | undefined;
let epochs: EpochEvent[] = [];
let past: PastRun[] = [];
let paused = false;
let running = false;

const smoothing = () => Number(($('smoothing') as HTMLInputElement).value);
const representationSlider = new EpochSlider<RepresentationEvent>($('rep-epoch'), $('rep-label'), drawRepresentations);
const attentionSlider = new EpochSlider<AttentionEvent>($('attention-epoch'), $('attention-label'), drawAttention);
/** The drawing box, asked about each time the pen is lifted; the image input it is made for, once a run that takes one is saved. */
const drawing = new DrawingBox($('draw-canvas'), () => askDrawing());
let drawnInput: ImageInput | undefined;
let asking = false;
let askAgain = false;

function reset(): void {
  start = undefined;
  charts = new Map();
  representationSlider.reset();
  samples = [];
  attentionSlider.reset();
  savedTo = undefined;
  epochs = [];
  paused = false;
  $('charts').replaceChildren();
  $('reps').replaceChildren();
  $('rep-legend').replaceChildren();
  $('samples').replaceChildren();
  $('attention').replaceChildren();
  $('predictions').replaceChildren();
  $('try').classList.add('hidden');
  $('try-answer').replaceChildren();
  $('draw-section').classList.add('hidden');
  $('row-section').classList.add('hidden');
  $('row-fields').replaceChildren();
  $('row-answer').replaceChildren();
  $('draw-answer').replaceChildren();
  $('draw-seen').classList.add('hidden');
  // The drawing and the row's values stay, as the text typed does: the host replays the run whenever the panel is shown again.
  drawnInput = undefined;
  asking = false;
  askAgain = false;
  $('summary').replaceChildren();
  $('confusion').replaceChildren();
  $('errors').replaceChildren();
  $('saved').replaceChildren();
  $('progress').style.width = '0%';
  for (const id of ['rep-section', 'samples-section', 'attention-section', 'predictions-section', 'confusion-section']) $(id).classList.add('hidden');
  // The header too: a run that fails before it starts must not show the previous run's.
  $('title').textContent = 'No run yet';
  for (const id of ['dataset', 'backend', 'backend-reason', 'status', 'epoch', 'speed', 'time', 'advice']) $(id).replaceChildren();
  $('backend').title = '';
}

function chart(key: string): MetricChart {
  let c = charts.get(key);
  if (!c) {
    c = new MetricChart(key, colours, smoothing);
    charts.set(key, c);
    $('charts').append(c.element);
    c.setOverlays(overlaysFor(key));
  }
  return c;
}

function overlaysFor(key: string) {
  const checked = [...document.querySelectorAll<HTMLInputElement>('#history input:checked')].map((i) => Number(i.value));
  return past.filter((r) => checked.includes(r.id)).map((r) => ({ label: `${r.label} val`, points: r.epochs.filter((e) => e.logs[`val_${key}`] !== undefined).map((e) => [e.epoch, e.logs[`val_${key}`]] as [number, number]) }));
}

function handle(e: TrainEvent): void {
  switch (e.type) {
    case 'start': return onStart(e);
    case 'batch': {
      const x = e.epoch - 1 + e.batch / e.batchesPerEpoch;
      for (const [k, v] of Object.entries(e.logs)) chart(k).addBatch(x, v);
      const done = ((e.epoch - 1 + e.batch / e.batchesPerEpoch) / (start?.epochs ?? 1)) * 100;
      $('progress').style.width = `${Math.min(100, done)}%`;
      $('speed').textContent = `${e.samplesPerSec.toLocaleString('en')} samples/s`;
      $('epoch').textContent = `epoch ${e.epoch} / ${start?.epochs ?? '?'}`;
      return;
    }
    case 'epoch': {
      epochs.push(e);
      const keys = new Set(Object.keys(e.logs).map((k) => k.replace(/^val_/, '')));
      for (const k of keys) chart(k).addEpoch(e.epoch, e.logs[k], e.logs[`val_${k}`]);
      $('epoch').textContent = `epoch ${e.epoch} / ${e.epochs}`;
      $('progress').style.width = `${(e.epoch / e.epochs) * 100}%`;
      $('speed').textContent = `${e.samplesPerSec.toLocaleString('en')} samples/s`;
      $('time').textContent = `${(e.elapsedMs / 1000).toFixed(1)}s elapsed, ETA ${(e.etaMs / 1000).toFixed(1)}s`;
      if (e.warning) problem('warning', 'Warning: ', e.warning.message, e.warning.line);
      // What reduceOnPlateau and earlyStopping did, each where it happened.
      for (const note of e.notes ?? []) $('saved').append(el('div', { class: 'notice note' }, `epoch ${e.epoch}: ${note}`));
      return;
    }
    case 'representation':
      // A model with no named statement and no 2-D input has nothing to draw.
      if (e.layers.length > 0 || e.grid) $('rep-section').classList.remove('hidden');
      representationSlider.push(e);
      return;
    case 'attention':
      $('attention-section').classList.remove('hidden');
      attentionSlider.push(e);
      return;
    case 'predictions':
      $('predictions-section').classList.remove('hidden');
      drawPredictions(e);
      return;
    case 'samples':
      samples.push(e);
      $('samples-section').classList.remove('hidden');
      drawSamples(sampleCanvas(), e, colours);
      $('samples-title').textContent = e.of === 'reconstructions' ? 'Reconstructions' : 'Generated samples';
      $('samples-caption').textContent = `epoch ${e.epoch}${e.meanDistanceToRing !== undefined ? ` — mean distance to the ring ${e.meanDistanceToRing.toFixed(3)}` : ''}${e.of === 'reconstructions' ? ' — each row of images above what the model gives back' : ''}`;
      return;
    case 'error':
      if (!start && e.file) $('title').textContent = e.file.split(/[\\/]/).pop()!;
      problem('error', 'Training failed: ', e.message, e.line, e.character, e.diagnostics?.slice(1));
      return;
    case 'end': {
      running = false;
      updateButtons();
      $('status').textContent = e.status;
      if (e.savedTo) {
        const p = el('div', { class: 'notice' });
        const kept = e.kept ? `; kept the weights of epoch ${e.kept.epoch} (${e.kept.monitor} ${e.kept.value.toFixed(4)})` : '';
        p.append(document.createTextNode(`${e.status === 'stopped' ? 'Stopped' : 'Finished'} after ${e.epochs} epoch${e.epochs === 1 ? '' : 's'}${kept}; saved to ${e.savedTo} `));
        const open = el('a', { id: 'open-folder' }, 'Open folder');
        open.addEventListener('click', () => post({ type: 'openFolder', path: e.savedTo! }));
        p.append(open);
        $('saved').append(p);
      }
      if (e.confusion) renderConfusion(e.confusion);
      if (e.kept) for (const c of charts.values()) c.markKept(e.kept.epoch);
      savedTo = e.savedTo;
      // A model that read texts (its predictions listed) answers one typed here; one that reads a grey image, one drawn.
      $('try').classList.toggle('hidden', !savedTo || $('predictions-section').classList.contains('hidden'));
      drawnInput = savedTo ? drawableInput() : undefined;
      $('draw-section').classList.toggle('hidden', !drawnInput);
      // A model trained on a table answers a row filled in here.
      if (savedTo && start?.data.table && !start.versus) showRowForm(start.data.table);
      return;
    }
  }
}

/** Asks the saved model about the text typed; the host answers with a `prediction` message. */
function ask(): void {
  const text = ($('try-text') as HTMLInputElement).value;
  if (!savedTo || !text.trim()) return;
  post({ type: 'predict', run: savedTo, text });
  $('try-answer').replaceChildren(el('span', { class: 'muted' }, 'asking…'));
}

/**
 * The grey image a class model of this run takes, where it takes one to draw for: one
 * input, float values, at least 8x8, one channel (MNIST's [28, 28, 1], or its flat [784]),
 * and an output of one probability a class (or one sigmoid unit for two); not a GAN.
 */
function drawableInput(): ImageInput | undefined {
  const model = start?.summary[0];
  const classes = start?.data.classes?.length;
  if (!model || start?.versus || model.inputs.length !== 1 || model.inputs[0].dtype !== 'float32' || !classes) return undefined;
  const shape = model.inputs[0].shape.map((d) => (typeof d === 'number' ? d : null));
  const input = imageInput(shape);
  const out = model.outputs[0];
  const units = out?.[out.length - 1];
  if (!input || input.channels !== 1 || input.height < 8 || input.width < 8 || out?.length !== 1 || !(units === classes || (units === 1 && classes === 2))) return undefined;
  return input;
}

/** Asks the saved model about the drawing, once at a time: one drawn while it answers is asked after. */
function askDrawing(): void {
  if (!savedTo || !drawnInput) return;
  if (asking) {
    askAgain = true;
    return;
  }
  const png = drawing.image(drawnInput);
  if (!png) return;
  asking = true;
  ($('draw-seen') as HTMLImageElement).src = `data:image/png;base64,${png}`;
  $('draw-seen').classList.remove('hidden');
  post({ type: 'predictImage', run: savedTo, png });
  $('draw-answer').replaceChildren(el('span', { class: 'muted' }, 'asking…'));
}

/** Where the answer about each kind of question goes. */
const ANSWERS = { text: 'try-answer', image: 'draw-answer', row: 'row-answer' } as const;

/** What was filled in for each column, kept over the panel's replays (and the next run of the same columns). */
const rowValues = new Map<string, string>();

/** A field for each of a table run's feature columns: a number, or one of a column of texts' texts. */
function showRowForm(table: NonNullable<StartEvent['data']['table']>): void {
  $('row-fields').replaceChildren(...table.columns.map((column, i) => {
    const texts = table.texts[column];
    const id = `row-field-${i}`;
    const input = texts ? el('select', { id, 'data-column': column }) : el('input', { id, 'data-column': column, type: 'number', step: 'any', value: '0' });
    for (const text of texts ?? []) input.append(el('option', { value: text }, text));
    const kept = rowValues.get(column);
    if (kept !== undefined && (!texts || texts.includes(kept))) (input as HTMLInputElement | HTMLSelectElement).value = kept;
    input.addEventListener('input', () => rowValues.set(column, (input as HTMLInputElement | HTMLSelectElement).value));
    const field = el('div', { class: 'row-field' });
    field.append(el('label', { for: id }, column), input);
    return field;
  }));
  $('row-section').classList.remove('hidden');
}

/** Asks the saved model about the row filled in. */
function askRow(): void {
  if (!savedTo) return;
  const values = Object.fromEntries([...$('row-fields').querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-column]')].map((f) => [f.dataset.column!, f.value]));
  post({ type: 'predictRow', run: savedTo, values });
  $('row-answer').replaceChildren(el('span', { class: 'muted' }, 'asking…'));
}

/** The model's answer to a text typed (or a drawing, or a row): its most likely class and probability, the others after it. */
function showPrediction(msg: Extract<ToWebview, { type: 'prediction' }>): void {
  showAnswer($(ANSWERS[msg.about]), msg);
  if (msg.about !== 'image') return;
  // The drawing changed while the model answered: ask again.
  asking = false;
  if (askAgain) {
    askAgain = false;
    askDrawing();
  }
}

/** An answer where its question was asked, or why there is none. */
function showAnswer(answer: HTMLElement, msg: Extract<ToWebview, { type: 'prediction' }>): void {
  if (msg.error !== undefined || !msg.prediction) {
    answer.replaceChildren(el('div', { class: 'error' }, msg.error ?? 'no answer'));
    return;
  }
  const { classes, output } = msg.prediction;
  const line = el('div');
  if (classes?.length) {
    line.append(el('strong', {}, `${classes[0].name} ${classes[0].probability.toFixed(3)}`));
    if (classes.length > 1) line.append(document.createTextNode(`  (${classes.slice(1).map((c) => `${c.name} ${c.probability.toFixed(3)}`).join(', ')})`));
  } else line.append(el('strong', {}, output.map((v) => v.toPrecision(4)).join(' ')));
  if (msg.text !== undefined) line.append(el('span', { class: 'muted' }, ` — ${JSON.stringify(msg.text)}`));
  answer.replaceChildren(line);
}

/** The most of a failed run's further errors listed under it; the Problems view has them all. */
const MORE_ERRORS_SHOWN = 20;

/** A link that shows a place in the file: " (line 8)". */
function placeLink(line: number, character?: number): HTMLElement {
  const link = el('a', { 'data-line': String(line) }, atLine(line));
  link.addEventListener('click', () => post(character === undefined ? { type: 'reveal', line } : { type: 'reveal', line, character }));
  return link;
}

/** A failure or a warning under the header, with a link to its place; a run that cannot start lists its other errors below. */
function problem(kind: 'error' | 'warning', title: string, message: string, line?: number, character?: number, more: readonly Diagnostic[] = []): void {
  const box = el('div', { class: kind, role: 'alert' });
  box.append(el('strong', {}, title), document.createTextNode(message));
  if (line !== undefined) box.append(placeLink(line, character));
  if (more.length > 0) {
    const list = el('ul', { class: 'more-errors' });
    for (const d of more.slice(0, MORE_ERRORS_SHOWN)) {
      const item = el('li', {}, d.message);
      item.append(placeLink(d.range.start.line, d.range.start.character));
      list.append(item);
    }
    if (more.length > MORE_ERRORS_SHOWN) list.append(el('li', {}, `and ${more.length - MORE_ERRORS_SHOWN} more: see the Problems view`));
    box.append(el('div', {}, `${more.length === 1 ? 'Another error stops' : `${more.length} more errors stop`} the run:`), list);
  }
  $('errors').append(box);
}

function onStart(e: StartEvent): void {
  start = e;
  running = true;
  updateButtons();
  $('title').textContent = e.versus ? `${e.model} vs ${e.versus}` : e.model;
  $('dataset').textContent = `on ${e.dataset} (${e.data.train} train${e.data.validation ? `, ${e.data.validation} validation` : ''})`;
  $('backend').textContent = `backend: ${e.backend}`;
  $('backend').title = e.backendReason + (e.backendSkipped.length ? `\n\nPassed over:\n${e.backendSkipped.join('\n')}` : '');
  $('backend-reason').textContent = e.backendReason;
  renderAdvice(e);
  $('status').textContent = 'running';
  $('epoch').textContent = `epoch 0 / ${e.epochs}`;
  renderSummary(e);
}

/** A GPU under-fed at this batch size: the measured figures, and the change in one click. */
function renderAdvice(e: StartEvent): void {
  const advice = e.batchAdvice;
  if (!advice) {
    $('advice').replaceChildren();
    return;
  }
  const box = el('div', { class: 'notice', role: 'status' });
  const use = el('a', { id: 'use-batch-size' }, `Use batchSize: ${advice.suggested}`);
  use.addEventListener('click', () => post({ type: 'setBatchSize', line: e.line, value: advice.suggested }));
  box.append(el('strong', {}, 'Advice: '), document.createTextNode(`${advice.message} `), use);
  $('advice').replaceChildren(box);
}

function renderSummary(e: StartEvent): void {
  const table = el('table', { id: 'summary-table' });
  const head = el('tr');
  for (const h of ['statement', 'kind', 'output shape', 'parameters']) head.append(el('th', h === 'parameters' ? { class: 'num' } : {}, h));
  table.append(head);
  for (const m of e.summary) {
    for (const l of m.layers) {
      const row = el('tr', { class: 'clickable', 'data-line': String(l.line), title: `line ${l.line + 1}` });
      row.append(el('td', {}, l.name), el('td', {}, l.kind), el('td', {}, `[${l.outputShape.map((d) => d ?? '?').join(', ')}]`), el('td', { class: 'num' }, l.params === null ? '?' : l.params.toLocaleString('en')));
      row.addEventListener('click', () => post({ type: 'reveal', line: l.line }));
      table.append(row);
    }
  }
  const total = e.summary.map((m) => m.totalParams ?? 0).reduce((a, b) => a + b, 0);
  $('summary').replaceChildren(table, el('div', { class: 'muted' }, `${total.toLocaleString('en')} parameters`));
}

function renderConfusion(c: { classes: string[]; matrix: number[][] }): void {
  $('confusion-section').classList.remove('hidden');
  // The run computes it on the validation data, or on the training data when it has none.
  $('confusion-title').textContent = `Confusion matrix (${start?.data.validation ? 'validation' : 'training'} data)`;
  const table = el('table', { class: 'confusion' });
  const head = el('tr');
  head.append(el('th', {}, 'true \\ predicted'));
  for (const name of c.classes) head.append(el('th', {}, name));
  table.append(head);
  const max = Math.max(1, ...c.matrix.flat());
  c.matrix.forEach((row, i) => {
    const tr = el('tr');
    tr.append(el('th', {}, c.classes[i]));
    row.forEach((v, j) => {
      const td = el('td', {}, String(v));
      td.style.background = `color-mix(in srgb, ${i === j ? colours.series[2] : colours.series[3]} ${Math.round((v / max) * 60)}%, transparent)`;
      tr.append(td);
    });
    table.append(tr);
  });
  $('confusion').replaceChildren(table);
}

/** A few texts validated on, each with its class and the one the model gives it (the latest epoch's), those it gets wrong marked. */
function drawPredictions(e: PredictionsEvent): void {
  const table = el('table', { class: 'predictions' });
  const head = el('tr');
  head.append(el('th', {}, 'text'), el('th', {}, 'class'), el('th', {}, 'model says'));
  table.append(head);
  for (const x of e.examples) {
    const row = el('tr', { class: x.predicted === x.label ? 'right' : 'wrong' });
    row.append(el('td', { class: 'text' }, x.text), el('td', {}, x.label), el('td', { class: 'predicted' }, `${x.predicted} ${x.probability.toFixed(2)}`));
    table.append(row);
  }
  $('predictions').replaceChildren(table);
  const wrong = e.examples.filter((x) => x.predicted !== x.label).length;
  $('predictions-caption').textContent = `epoch ${e.epoch} — ${wrong} of ${e.examples.length} read wrong; each text as the model reads it (a word outside the vocabulary is [UNK])`;
}

/** Each selfAttention's heads, a map each, of the epoch the slider shows (the latest, until moved back). */
function drawAttention(e: AttentionEvent): void {
  const container = $('attention');
  for (const layer of e.layers) {
    let box = container.querySelector<HTMLElement>(`[data-layer="${CSS.escape(layer.name)}"]`);
    if (!box || box.querySelectorAll('canvas').length !== layer.heads.length) {
      const fresh = el('div', { class: 'rep', 'data-layer': layer.name });
      const maps = el('div', { class: 'heads' });
      for (let h = 0; h < layer.heads.length; h++) {
        const canvas = newCanvas();
        canvas.width = canvas.height = 120;
        canvas.title = `head ${h + 1}`;
        maps.append(canvas);
      }
      fresh.append(maps, el('div', { class: 'muted' }, `${layer.name}${atLine(layer.line)} — heads 1 to ${layer.heads.length}, ${layer.steps} steps`));
      if (box) box.replaceWith(fresh);
      else container.append(fresh);
      box = fresh;
    }
    box.querySelectorAll('canvas').forEach((canvas, h) => drawAttentionMap(canvas, layer.heads[h], layer.steps, colours));
  }
  $('attention-caption').textContent = `epoch ${e.epoch} — each row a step of the first example validated on, each column the step it takes from`;
}

let sampleCanvasEl: HTMLCanvasElement | undefined;
function sampleCanvas(): HTMLCanvasElement {
  if (!sampleCanvasEl || !sampleCanvasEl.isConnected) {
    sampleCanvasEl = newCanvas();
    sampleCanvasEl.id = 'samples-canvas';
    $('samples').replaceChildren(sampleCanvasEl);
  }
  return sampleCanvasEl;
}

function drawRepresentations(event: RepresentationEvent): void {
  drawLegend(event);
  const container = $('reps');
  for (const layer of event.layers) {
    let box = container.querySelector<HTMLElement>(`[data-layer="${CSS.escape(layer.name)}"]`);
    if (!box) {
      box = el('div', { class: 'rep', 'data-layer': layer.name });
      const canvas = newCanvas();
      const caption = el('div', { class: 'muted' });
      box.append(canvas, caption);
      if (layer.line >= 0) {
        caption.classList.add('clickable');
        caption.addEventListener('click', () => post({ type: 'reveal', line: layer.line }));
      }
      container.append(box);
    }
    const how = layer.method === 'pca' ? `PCA of ${layer.width} values${layer.explained ? ` (${Math.round((layer.explained[0] + layer.explained[1]) * 100)}% of the variance)` : ''}` : `${layer.width}-D`;
    box.querySelector('div')!.textContent = `${layer.name} — ${how}`;
    drawProjection(box.querySelector('canvas')!, layer, event, colours, layer.name === 'input');
  }
}

/** Which colour is which class: the dataset's class names, in the colours the points are drawn in. */
function drawLegend(event: RepresentationEvent): void {
  const legend = $('rep-legend');
  const count = Math.max(-1, ...event.labels) + 1; // -1: unlabelled or regression, no classes to tell apart
  const names = start?.data.classes;
  legend.replaceChildren(...Array.from({ length: count < 2 ? 0 : count }, (_, k) => {
    const item = el('span', { class: 'legend-item' });
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = colours.classes[k % colours.classes.length];
    item.append(swatch, document.createTextNode(names?.[k] ?? `class ${k}`));
    return item;
  }));
}

function updateButtons(): void {
  $('stop').toggleAttribute('disabled', !running);
  $('pause').toggleAttribute('disabled', !running);
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  $('again').toggleAttribute('disabled', running || !trusted);
}

let trusted = true;

function renderHistory(): void {
  const box = $('history');
  box.replaceChildren();
  if (!past.length) {
    box.append(el('span', { class: 'muted' }, 'No earlier runs of this file yet.'));
    return;
  }
  for (const r of past) {
    const label = el('label');
    const input = el('input', { type: 'checkbox', value: String(r.id) }) as HTMLInputElement;
    input.addEventListener('change', () => charts.forEach((c, k) => c.setOverlays(overlaysFor(k))));
    label.append(input, document.createTextNode(` ${r.label} `));
    box.append(label);
  }
}

window.addEventListener('message', (m: MessageEvent<ToWebview>) => {
  const msg = m.data;
  if (msg.type === 'replay') {
    reset();
    past = msg.past;
    trusted = msg.trusted;
    $('untrusted').classList.toggle('hidden', msg.trusted);
    $('untrusted').textContent = msg.untrustedReason ?? '';
    renderHistory();
    if (msg.runId) $('title').textContent = 'Starting…';
    for (const e of msg.events) handle(e);
    if (!msg.events.length) updateButtons();
  } else if (msg.type === 'event') handle(msg.event);
  else if (msg.type === 'prediction') showPrediction(msg);
});

$('try-ask').addEventListener('click', ask);
$('draw-ask').addEventListener('click', askDrawing);
$('row-ask').addEventListener('click', askRow);
$('draw-clear').addEventListener('click', () => {
  drawing.clear();
  $('draw-answer').replaceChildren();
  $('draw-seen').classList.add('hidden');
});
$('try-text').addEventListener('keydown', (e) => {
  if ((e as KeyboardEvent).key === 'Enter') ask();
});

$('stop').addEventListener('click', () => post({ type: 'stop' }));
$('pause').addEventListener('click', () => {
  paused = !paused;
  post({ type: paused ? 'pause' : 'resume' });
  updateButtons();
});
$('again').addEventListener('click', () => post({ type: 'trainAgain' }));
$('smoothing').addEventListener('input', () => charts.forEach((c) => c.schedule()));
onThemeChange(() => {
  colours = palette();
  charts.forEach((c) => c.setPalette(colours));
  representationSlider.redraw();
  const last = samples[samples.length - 1];
  if (last) drawSamples(sampleCanvas(), last, colours);
  attentionSlider.redraw();
});
post({ type: 'ready' });
