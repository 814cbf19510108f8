/**
 * Recorded training steps replayed on webgpu (runtime/kernels/webgpu-replay.ts,
 * runtime/train/device-steps.ts): a run that replays must train exactly as one that
 * steps every batch through tfjs, refuse what it cannot repeat, and give its buffers back.
 * On Dawn's adapter here (Mesa's software renderer without a GPU; CI requires it).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import type { Data } from '../../runtime/data/dataset';
import { Random } from '../../runtime/data/random';
import { tf } from '../../runtime/tf';
import { Control } from '../../runtime/train/control';
import { replayNote } from '../../runtime/train/device-steps';
import { fit } from '../../runtime/train/fit';
import { optimizer } from '../../runtime/train/optim';
import { expectClose } from '../support/kernels';

const choice = await selectBackend('webgpu').catch((e: Error) => e);
const available = !(choice instanceof Error);
if (!available && process.env.DLNET_REQUIRE_WEBGPU) throw new Error(`DLNET_REQUIRE_WEBGPU is set but ${choice.message}`);

interface Case {
  name: string;
  source: string;
  input: number[];
  /** Integer inputs below this (an embedding's indices), else normal values. */
  indices?: number;
  output: number;
  loss: string;
  /** The optimiser (adam at 0.01 unless said). */
  optimizer?: { name: string; args: Record<string, number> };
}

const cases: Case[] = [
  {
    name: 'a CNN', input: [10, 10, 1], output: 4, loss: 'categoricalCrossentropy',
    source: 'model M {\n  input x: [10, 10, 1]\n  conv2d(4, kernel: 3, activation: relu)\n  maxPool2d(2)\n  conv2d(6, kernel: 3, padding: same, activation: relu)\n  flatten\n  dense(4, activation: softmax)\n}',
  },
  { name: 'an LSTM', input: [6, 3], output: 1, loss: 'meanSquaredError', source: 'model M {\n  input x: [6, 3]\n  lstm(8)\n  dense(1)\n}' },
  {
    name: 'an embedding', input: [5], indices: 12, output: 2, loss: 'binaryCrossentropy',
    source: 'model M {\n  input x: [5] int32\n  embedding(12, 4)\n  flatten\n  dense(2, activation: sigmoid)\n}',
  },
  {
    name: 'an MLP with dropout', input: [12], output: 3, loss: 'categoricalCrossentropy',
    source: 'model M {\n  input x: [12]\n  dense(16, activation: relu)\n  dropout(0.3)\n  dense(3, activation: softmax)\n}',
  },
  // State that tfjs assigns at every step (the momentum's, batchNorm's moving statistics, RMSprop's), kept in place on webgpu.
  {
    name: 'a CNN with batchNorm by momentum', input: [10, 10, 1], output: 4, loss: 'categoricalCrossentropy', optimizer: { name: 'momentum', args: { learningRate: 0.02, momentum: 0.9 } },
    source: 'model M {\n  input x: [10, 10, 1]\n  conv2d(4, kernel: 3)\n  batchNorm\n  relu\n  flatten\n  dense(4, activation: softmax)\n}',
  },
  // AdamW's decay in the device's Adam kernel: steps replay as Adam's do.
  {
    name: 'an MLP by AdamW', input: [12], output: 3, loss: 'categoricalCrossentropy', optimizer: { name: 'adamw', args: { learningRate: 0.01, weightDecay: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
    source: 'model M {\n  input x: [12]\n  dense(16, activation: tanh)\n  dense(3, activation: softmax)\n}',
  },
  {
    name: 'an MLP by RMSprop', input: [12], output: 3, loss: 'categoricalCrossentropy', optimizer: { name: 'rmsprop', args: { learningRate: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-7 } },
    source: 'model M {\n  input x: [12]\n  dense(16, activation: tanh)\n  dense(3, activation: softmax)\n}',
  },
];

function data(c: Case, size: number): Data {
  const r = new Random(7);
  const width = c.input.reduce((a, b) => a * b, 1);
  const features = Float32Array.from({ length: size * width }, () => (c.indices ? Math.floor(r.next() * c.indices) : r.normal()));
  const labels = Float32Array.from({ length: size * c.output }, () => (c.loss === 'meanSquaredError' ? r.normal() : r.next() < 0.5 ? 0 : 1));
  return { size, features: [{ data: features, shape: c.input }], labels: { data: labels, shape: [c.output] } };
}

/** Trains a fresh model of the case for two epochs or more (7 batches each, the last one partial); its epoch logs, weights and what became of replaying. */
async function train(c: Case, mode: 'no-replay' | undefined, schedule = { name: 'constant', args: {} }, epochs = 2) {
  const previous = process.env.DLNET_WEBGPU_KERNELS;
  if (mode) process.env.DLNET_WEBGPU_KERNELS = mode;
  try {
    await selectBackend('webgpu');
    const g = analyze(c.source).models[0];
    const model = compileModel(g, 3);
    const choice = c.optimizer ?? { name: 'adam', args: { learningRate: 0.01 } };
    const opt = optimizer(choice);
    model.compile({ optimizer: opt, loss: c.loss, metrics: ['accuracy'] });
    const settings = { seed: 1, shuffle: true, optimizer: choice, schedule };
    const logs: Record<string, number>[] = [];
    const result = await fit(model, opt, g, settings, data(c, 100), undefined, { epochs, batchSize: 16, sink: () => {}, control: new Control(), representation: false, onEpoch: (_, l) => logs.push(l) });
    expect(result.status).toBe('completed');
    const weights = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
    model.dispose();
    opt.dispose();
    return { logs, weights, note: replayNote };
  } finally {
    if (previous === undefined) delete process.env.DLNET_WEBGPU_KERNELS;
    else process.env.DLNET_WEBGPU_KERNELS = previous;
  }
}

describe.skipIf(!available)('replayed training steps on webgpu', () => {
  it.each(cases)('train $name as stepping every batch through tfjs does: the same losses, metrics and weights', async (c) => {
    const reference = await train(c, 'no-replay');
    const replayed = await train(c, undefined);
    expect(reference.note).toBe('not replayed: turned off (DLNET_WEBGPU_KERNELS)');
    // The first epoch records two steps and replays four, the second replays all six full batches; the partial last batch goes through tfjs.
    // A variable that tfjs assigns moves to another buffer in that partial batch, so the second epoch records again (two or three steps:
    // the first after the partial batch may upload one more constant).
    if (c.optimizer && c.optimizer.name !== 'adamw') expect(replayed.note).toMatch(/^replayed [34] of 7 steps$/);
    else expect(replayed.note).toBe('replayed 6 of 7 steps');
    replayed.logs.forEach((logs, e) => Object.entries(logs).forEach(([k, v]) => expect(v, `${k}, epoch ${e + 1}`).toBeCloseTo(reference.logs[e][k], 5)));
    replayed.weights.forEach((w, i) => expectClose(w, reference.weights[i]));
  }, 120_000);

  it("records anew when a schedule changes the rate, and trains as tfjs's steps do", async () => {
    const decay = { name: 'stepDecay', args: { factor: 0.5, every: 1 } };
    const reference = await train(cases[0], 'no-replay', decay);
    const replayed = await train(cases[0], undefined, decay);
    expect(replayed.note).toBe('replayed 4 of 7 steps');
    replayed.logs.forEach((logs, e) => Object.entries(logs).forEach(([k, v]) => expect(v, `${k}, epoch ${e + 1}`).toBeCloseTo(reference.logs[e][k], 5)));
    replayed.weights.forEach((w, i) => expectClose(w, reference.weights[i]));
  }, 120_000);

  it('replays an optimiser that assigns its state epoch after epoch, recording again after each partial batch', async () => {
    const c = cases.find((x) => x.name.includes('batchNorm'))!;
    const { note } = await train(c, undefined, undefined, 6);
    expect(note).toMatch(/^replayed [34] of 7 steps$/);
  }, 120_000);

  it('does not replay a step that uploads new values each time, and says why', async () => {
    // Noise drawn on the CPU, as tfjs draws it (and its dropout masks; dlnet's dropout draws them on the device).
    const noisy = { ...cases[0], source: cases[0].source.replace('  input x: [10, 10, 1]\n', '  input x: [10, 10, 1]\n  gaussianNoise(0.5)\n') };
    const { note } = await train(noisy, undefined);
    expect(note).toMatch(/^not replayed: the values a step uploads change from step to step/);
  }, 120_000);

  it('gives every buffer it held back to the pool, and leaves no tensor behind', async () => {
    await selectBackend('webgpu');
    const manager = (tf.backend() as unknown as { bufferManager: { numUsedBuffers: number; numBytesUsed: number } }).bufferManager;
    const before = { tensors: tf.memory().numTensors, buffers: manager.numUsedBuffers, bytes: manager.numBytesUsed };
    await train(cases[0], undefined);
    const submit = tf.tensor1d([0]); // reading it submits: what the last step released goes back to the pool
    await submit.data();
    submit.dispose();
    expect({ tensors: tf.memory().numTensors, buffers: manager.numUsedBuffers, bytes: manager.numBytesUsed }).toEqual(before);
  }, 120_000);
});
