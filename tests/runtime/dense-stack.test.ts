/**
 * Small dense stacks trained in loops (runtime/train/dense-stack.ts) train as tfjs trains
 * them: the same weights, optimiser state and logs as model.fit, on random stacks,
 * activations, losses, optimisers (with weight decay or not) and batch sizes; and every model outside what the loops
 * compute keeps tfjs's path.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import type { Data } from '../../runtime/data/dataset';
import { Control } from '../../runtime/train/control';
import { denseStackObstacle, MAX_WEIGHTS, trainsInLoops } from '../../runtime/train/dense-stack';
import { cpuOverGpu } from '../../runtime/train/gpu-or-cpu';
import { fit, TrainingError } from '../../runtime/train/fit';
import { optimizer } from '../../runtime/train/optim';
import { tf, tfl } from '../../runtime/tf';

afterAll(() => selectBackend('cpu'));

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => (Math.sin(seed + i * 12.9898) * 43758.5453) % 1);

interface Stack {
  inputs: number;
  layers: { units: number; activation: string; useBias: boolean }[];
  loss: 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';
  optimizer: 'sgd' | 'adam';
  /** Weight decay: SGD's added to the gradient, or Adam's decoupled (adamw); 0 for none. */
  decay: number;
  accuracy: boolean;
  examples: number;
  batch: number;
  seed: number;
}

const stack: fc.Arbitrary<Stack> = fc.record({
  inputs: fc.integer({ min: 1, max: 6 }),
  hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 9 }), activation: fc.constantFrom('relu', 'sigmoid', 'tanh', 'linear', 'softmax'), useBias: fc.boolean() }), { maxLength: 3 }),
  // Besides the output each loss is made for, others tfjs accepts: where a normalisation or clip matters.
  output: fc.constantFrom('linear', 'sigmoid', 'softmax', 'tanh', 'relu'),
  loss: fc.constantFrom('meanSquaredError' as const, 'binaryCrossentropy' as const, 'categoricalCrossentropy' as const),
  classes: fc.integer({ min: 2, max: 4 }),
  optimizer: fc.constantFrom('sgd' as const, 'adam' as const),
  decay: fc.constantFrom(0, 0, 0.3),
  accuracy: fc.boolean(),
  examples: fc.integer({ min: 3, max: 40 }),
  batch: fc.integer({ min: 1, max: 12 }),
  seed: fc.nat(1000),
}).map(({ hidden, classes, output, ...s }) => {
  const last = s.loss === 'binaryCrossentropy' ? { units: 1, activation: 'sigmoid' }
    : s.loss === 'categoricalCrossentropy' ? { units: classes, activation: output === 'sigmoid' ? 'sigmoid' : 'softmax' }
      : { units: 2, activation: output };
  return { ...s, layers: [...hidden, { ...last, useBias: true }] };
});

const source = (s: Stack) => `model M {\n  input x: [${s.inputs}]\n${s.layers.map((l) => `  dense(${l.units}, activation: ${l.activation}, useBias: ${l.useBias})`).join('\n')}\n}`;

/** Data for the stack's loss: 0/1 labels, one-hot labels, or real targets. */
function data(s: Stack): Data {
  const k = s.layers[s.layers.length - 1].units;
  const raw = values(s.examples * k, s.seed + 1);
  const labels = new Float32Array(s.examples * k);
  for (let b = 0; b < s.examples; b++) {
    for (let j = 0; j < k; j++) {
      const v = raw[b * k + j];
      labels[b * k + j] = s.loss === 'binaryCrossentropy' ? (v > 0 ? 1 : 0) : s.loss === 'categoricalCrossentropy' ? (j === Math.floor(Math.abs(raw[b * k]) * k) ? 1 : 0) : v * 3;
    }
  }
  return { size: s.examples, features: [{ data: values(s.examples * s.inputs, s.seed).map((v) => v * 2), shape: [s.inputs] }], labels: { data: labels, shape: [k] } };
}

/**
 * Adam with epsilon 1e-3: where a gradient is zero up to rounding (a dead ReLU layer before
 * balanced classes cancels exactly), Adam's default epsilon of 1e-7 would turn the two
 * computations' different rounding noise into full steps of opposite sign.
 */
const optimizerOf = (s: Stack) => ({
  name: s.optimizer === 'adam' && s.decay ? 'adamw' : s.optimizer,
  args: (s.optimizer === 'sgd' ? { learningRate: 0.1, weightDecay: s.decay } : { learningRate: 0.05, epsilon: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: s.decay }) as Record<string, number>,
});

function compiled(s: Stack) {
  const model = compileModel(analyze(source(s)).models[0], s.seed);
  const opt = optimizer(optimizerOf(s));
  model.compile({ optimizer: opt, loss: s.loss, metrics: s.accuracy ? ['accuracy'] : [] });
  return { model, opt };
}

const EPOCHS = 3;

/** Trained by dlnet's loop (which takes the dense-stack path) and by tfjs's model.fit from the same start (after `prepare`). */
async function trainBoth(s: Stack, d = data(s), prepare: (m: tfl.LayersModel) => void = () => {}) {
  const g = analyze(source(s)).models[0];
  const ours = compiled(s);
  prepare(ours.model);
  expect(denseStackObstacle(ours.model, ours.opt)).toBeUndefined();
  const ourLogs: Record<string, number>[] = [];
  const settings = { seed: 0, shuffle: false, optimizer: optimizerOf(s), schedule: { name: 'constant', args: {} } };
  // A random stack can diverge (sgd on large targets): our loop then stops with a TrainingError, and tfjs's must diverge too.
  const diverged = await fit(ours.model, ours.opt, g, settings, d, undefined, { epochs: EPOCHS, batchSize: s.batch, sink: () => {}, control: new Control(), representation: false, onEpoch: (_, logs) => ourLogs.push(logs) })
    .then(() => false, (e: Error) => {
      if (e instanceof TrainingError && /loss became (NaN|Infinity)/.test(e.message)) return true;
      throw e;
    });
  const theirs = compiled(s);
  prepare(theirs.model);
  const x = tf.tensor(d.features[0].data, [s.examples, s.inputs]);
  const y = tf.tensor(d.labels!.data, [s.examples, ...d.labels!.shape]);
  const history = await theirs.model.fit(x, y, { epochs: EPOCHS, batchSize: s.batch, shuffle: false, verbose: 0 });
  const outputs = tf.tidy(() => theirs.model.predict(x) as tf.Tensor);
  // Every example's output the same (a ReLU layer with no unit active on any example): classes then tie up to rounding.
  const uniform = tf.tidy(() => tf.max(tf.sub(tf.max(outputs, 0), tf.min(outputs, 0))).dataSync()[0] < 1e-6);
  tf.dispose([x, y, outputs]);
  return { ours: { ...ours, logs: ourLogs }, theirs: { ...theirs, history: history.history }, uniform, diverged };
}

/** Expects the same weights, optimiser state and logs from both, and frees them. */
async function expectSameTraining({ ours, theirs, uniform, diverged }: Awaited<ReturnType<typeof trainBoth>>): Promise<void> {
  if (diverged) {
    expect((theirs.history.loss as number[]).some((v) => !Number.isFinite(v)), 'tfjs trained on where our loop found the loss not finite').toBe(true);
    for (const m of [ours.model, theirs.model]) m.dispose();
    for (const o of [ours.opt, theirs.opt]) o.dispose();
    return;
  }
  const [a, b] = [ours.model.getWeights(), theirs.model.getWeights()];
  a.forEach((w, i) => w.dataSync().forEach((v, j) => expect(close(v, b[i].dataSync()[j], 1e-4), `weight ${i}[${j}]: ${v} vs ${b[i].dataSync()[j]}`).toBe(true)));
  const [sa, sb] = [await ours.opt.getWeights(), await theirs.opt.getWeights()];
  expect(sa.length).toBe(sb.length);
  sa.forEach((w, i) => w.tensor.dataSync().forEach((v, j) => expect(close(v, sb[i].tensor.dataSync()[j], 1e-4), `optimiser ${sb[i].name}[${j}]`).toBe(true)));
  // Which of tied classes wins is rounding's choice, not a definition's: accuracy is compared where outputs differ.
  for (const name of ours.model.metricsNames.filter((n) => !(uniform && n === 'acc'))) {
    theirs.history[name].forEach((v, e) => expect(close(ours.logs[e][name], v as number, 1e-4), `${name} of epoch ${e + 1}: ${ours.logs[e][name]} vs ${v}`).toBe(true));
  }
  for (const m of [ours.model, theirs.model]) m.dispose();
  for (const o of [ours.opt, theirs.opt]) o.dispose();
}

const close = (got: number, want: number, tolerance: number) => Math.abs(got - want) <= tolerance * (1 + Math.abs(want));

describe('dense stacks trained in loops', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`end with tfjs's weights, optimiser state and epoch logs (${backend})`, async () => {
      await selectBackend(backend);
      await fc.assert(fc.asyncProperty(stack, async (s) => expectSameTraining(await trainBoth(s))), { numRuns: backend === 'cpu' ? 60 : 30 });
    });
  }

  it('agree at the edges: an output of exactly 0.5 (accuracy counts it as 0) and outputs saturated to 0 or 1 (the clip stops the gradient)', async () => {
    await selectBackend('wasm');
    for (const [loss, output, units] of [['binaryCrossentropy', 'sigmoid', 1], ['categoricalCrossentropy', 'softmax', 2]] as const) {
      const s: Stack = { inputs: 2, layers: [{ units, activation: output, useBias: false }], loss, optimizer: 'sgd', decay: 0, accuracy: true, examples: 4, batch: 2, seed: 1 };
      // Rows: zero (outputs equal: 0.5 for one unit), saturated to exactly 1, small, and one whose output lies
      // below the clip's epsilon (about 4e-8) yet is labelled 1, where only the clip keeps the gradient at zero.
      const d: Data = { size: 4, features: [{ data: Float32Array.from([0, 0, 60, 60, 0.5, -0.25, -8.5, -8.5]), shape: [2] }], labels: { data: units === 1 ? Float32Array.from([0, 0, 1, 1]) : Float32Array.from([1, 0, 1, 0, 0, 1, 1, 0]), shape: [units] } };
      // Logits x1 + x2 for the unit, ±(x1 + x2) / 2 for the two classes: -17 and a difference of 17 on the last row.
      const spread = (m: tfl.LayersModel) => m.setWeights([tf.tensor2d(units === 1 ? [[1], [1]] : [[0.5, -0.5], [0.5, -0.5]])]);
      await expectSameTraining(await trainBoth(s, d, spread));
    }
  });

  it('keeps tfjs for what the loops do not compute, and says why', async () => {
    await selectBackend('wasm');
    const obstacle = (body: string, loss = 'meanSquaredError', opt: tf.Optimizer = tf.train.sgd(0.1), metrics: string[] = []) => {
      const model = compileModel(analyze(`model M {\n${body}\n}`).models[0], 1);
      model.compile({ optimizer: opt, loss, metrics });
      return denseStackObstacle(model, opt);
    };
    expect(obstacle('  input x: [4]\n  dense(3)')).toBeUndefined();
    expect(obstacle('  input x: [4]\n  dense(3)\n  dropout(0.5)\n  dense(1)')).toMatch(/Dropout/);
    expect(obstacle('  input x: [4]\n  dense(3, activation: elu)')).toMatch(/activation elu/);
    expect(obstacle('  input x: [4]\n  dense(3, kernelRegularizer: l2(0.01))')).toMatch(/regulariser/);
    expect(obstacle('  input x: [4, 2]\n  dense(3)')).toMatch(/flat input/);
    expect(obstacle('  input x: [4]\n  dense(3)', 'meanAbsoluteError')).toMatch(/loss meanAbsoluteError/);
    expect(obstacle('  input x: [4]\n  dense(3)', 'meanSquaredError', tf.train.rmsprop(0.1))).toMatch(/optimizer RMSProp/);
    expect(obstacle('  input x: [4]\n  dense(3)', 'meanSquaredError', tf.train.momentum(0.1, 0.9))).toMatch(/optimizer Momentum/);
    expect(obstacle('  input x: [4]\n  dense(3)', 'meanSquaredError', tf.train.sgd(0.1), ['mse'])).toMatch(/metric/);
    expect(obstacle(`  input x: [${MAX_WEIGHTS}]\n  dense(2)`)).toMatch(/weights per example/);
    const conv = compileModel(analyze('model M {\n  input x: [6, 6, 1]\n  conv2d(2, kernel: 3)\n  flatten\n  dense(1)\n}').models[0], 1);
    conv.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(denseStackObstacle(conv, tf.train.sgd(0.1))).toBeDefined();
    await selectBackend('cpu');
    expect(obstacle('  input x: [4]\n  dense(3)')).toBeUndefined();
    const sequential = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] }), tfl.layers.dense({ units: 1 })] });
    sequential.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    expect(denseStackObstacle(sequential, tf.train.sgd(0.1))).toBeUndefined();
  });

  it('take a small dense stack (and, on webgpu, a recurrent model) off a GPU that auto chose, and leave everything else where it was asked to run', async () => {
    await selectBackend('cpu');
    const plan = (body: string, settings = 'loss: binaryCrossentropy') => {
      const a = analyze(`dataset d = rings(samples: 40)\nmodel M {\n  input p: [2]\n${body}\n}\ntrain M on d {\n  ${settings}\n}`);
      return { g: a.models[0], settings: a.trains[0].settings };
    };
    const small = plan('  dense(8, activation: tanh)\n  dense(1, activation: sigmoid)');
    const tensors = tf.memory().numTensors;
    expect(trainsInLoops(small.g, small.settings)).toBe(true);
    const dropout = plan('  dense(8, activation: tanh)\n  dropout(0.2)\n  dense(1, activation: sigmoid)');
    expect(trainsInLoops(dropout.g, dropout.settings)).toBe(false);
    const rmsprop = plan('  dense(1, activation: sigmoid)', 'loss: binaryCrossentropy\n  optimizer: rmsprop(0.01)');
    expect(trainsInLoops(rmsprop.g, rmsprop.settings)).toBe(false);
    expect(tf.memory().numTensors).toBe(tensors); // the throw-away copies are gone

    const gpu = { name: 'webgpu', reason: 'a GPU', gpu: true, skipped: [] };
    expect(cpuOverGpu('auto', gpu, false, small.g, () => true)).toMatch(/faster in loops on the CPU.*--backend webgpu/);
    const never = () => {
      throw new Error('not asked');
    };
    expect(cpuOverGpu('webgpu', gpu, false, small.g, never)).toBeUndefined(); // asked for by name
    expect(cpuOverGpu('auto', { ...gpu, name: 'wasm', gpu: undefined }, false, small.g, never)).toBeUndefined();
    expect(cpuOverGpu('auto', gpu, true, small.g, never)).toBeUndefined(); // a GAN trains through tfjs
    expect(cpuOverGpu('auto', gpu, false, small.g, () => false)).toBeUndefined();
    // A recurrent layer leaves webgpu (not native TensorFlow's CUDA), without the loops' question.
    const sequence = analyze('model S {\n  input x: [5, 3]\n  bidirectional(gru(4))\n  dense(1)\n}').models[0];
    expect(cpuOverGpu('auto', gpu, false, sequence, never)).toMatch(/recurrent layer \(bidirectional\).*--backend webgpu uses the GPU anyway/);
    expect(cpuOverGpu('auto', { ...gpu, name: 'tensorflow' }, false, sequence, () => false)).toBeUndefined();
    expect(cpuOverGpu('webgpu', gpu, false, sequence, never)).toBeUndefined();
    // A plain lstm stays on webgpu where dlnet's programs run it (that backend started), one with dropout does not.
    if ((await selectBackend('webgpu').catch(() => undefined))?.name === 'webgpu') {
      const lstm = (args: string) => analyze(`model L {\n  input x: [5, 3]\n  lstm(4${args})\n  dense(1)\n}`).models[0];
      expect(cpuOverGpu('auto', gpu, false, lstm(''), () => false)).toBeUndefined();
      expect(cpuOverGpu('auto', gpu, false, lstm(', dropout: 0.2'), never)).toMatch(/recurrent layer \(lstm\)/);
      expect(cpuOverGpu('auto', gpu, false, lstm(', recurrentActivation: hardSigmoid'), never)).toMatch(/recurrent layer \(lstm\)/);
      await selectBackend('cpu');
    }

  });
});
