/** The custom layers save and load back with identical predictions, and their gradients flow. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { SelfAttention } from '../../runtime/layers/attention';
import { LayerNorm } from '../../runtime/layers/layer-norm';
import { loadModel, saveModel } from '../../runtime/train/save';
import { tf, tfl } from '../../runtime/tf';

const source = `model Regions {
  input image: [16, 16, 1]
  input boxes: [3, 4]
  features = image -> conv2d(4, kernel: 3, padding: same)
  spatialDropout2d(0.1)
  crops = roiAlign(features, boxes, size: [4, 4])
  timeDistributed(flatten)
  dense(2)
}
model Caps {
  input image: [16, 16, 1]
  conv2d(8, kernel: 5, activation: relu)
  primaryCaps(4, 4, kernel: 3, strides: 2)
  capsules(3, 6, routing: 3)
  capsuleLength
}
model Diff {
  input a: [3]
  input b: [3]
  subtract(a, b)
}
model Attend {
  input seq: [5, 4]
  positionEmbedding
  selfAttention(2, causal: true)
  selfAttention(3, keyDim: 2)
}
`;

describe('custom layers', () => {
  for (const name of ['Regions', 'Caps', 'Diff', 'Attend']) {
    it(`${name}: save and load round-trip with identical predictions`, async () => {
      await selectBackend('cpu');
      const g = analyze(source).models.find((m) => m.name === name)!;
      expect(g.ok).toBe(true);
      const model = compileModel(g, 3);
      const inputs = g.inputs.map((i, k) => (i.id === 'boxes' ? tf.tensor3d([[[0, 0, 0.5, 0.5], [0.25, 0.25, 1, 1], [0.1, 0.6, 0.4, 0.9]], [[0, 0, 1, 1], [0.5, 0.5, 1, 1], [0, 0.5, 0.5, 1]]]) : tf.randomNormal([2, ...(i.shape as number[])], 0, 1, 'float32', k + 1)));
      const before = await (model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor).data();
      const dir = mkdtempSync(join(tmpdir(), 'dlnet-custom-'));
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      const after = await (loaded.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor).data();
      expect(Array.from(after)).toEqual(Array.from(before));
      expect(loaded.countParams()).toBe(model.countParams());
    });
  }

  it('selfAttention computes attention per head as written out by hand, a causal one sees no later step, and it learns', async () => {
    await selectBackend('cpu');
    const attend = (heads: number, causal: boolean) => compileModel(analyze(`model A {\n  input s: [4, 6]\n  selfAttention(${heads}, causal: ${causal})\n}\n`).models[0], 7);
    const x = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 3);
    // By hand: per head h, softmax(q_h k_hᵀ / √k) v_h, the heads joined, then the output projection.
    const model = attend(2, false);
    // originalName: tfjs makes a weight's name unique in the process (a suffix), and saves it under the name it was given.
    const w = Object.fromEntries(model.layers[1].weights.map((v) => [v.originalName.split('/').pop()!, v.read()]));
    const project = (p: string) => tf.add(tf.matMul(x.reshape([8, 6]), w[`${p}_kernel`] as tf.Tensor2D), w[`${p}_bias`]).reshape([2, 4, 2, 3]);
    const [q, k, v] = ['query', 'key', 'value'].map(project);
    const heads = [0, 1].map((h) => {
      const take = (t: tf.Tensor) => t.slice([0, 0, h, 0], [2, 4, 1, 3]).reshape([2, 4, 3]) as tf.Tensor3D;
      const weights = tf.softmax(tf.div(tf.matMul(take(q), take(k), false, true), Math.sqrt(3)));
      return tf.matMul(weights as tf.Tensor3D, take(v));
    });
    const byHand = tf.add(tf.matMul(tf.concat(heads, 2).reshape([8, 6]), w.output_kernel as tf.Tensor2D), w.output_bias).reshape([2, 4, 6]);
    const out = model.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(out, byHand))).dataSync()[0]).toBeLessThan(1e-5);
    // Causal: changing the last two steps leaves the first two steps' outputs as they were.
    const later = tf.concat([x.slice([0, 0, 0], [2, 2, 6]), tf.randomNormal([2, 2, 6], 0, 1, 'float32', 9)], 1);
    const firstTwo = (m: ReturnType<typeof attend>, input: tf.Tensor) => Array.from((m.predict(input) as tf.Tensor).slice([0, 0, 0], [2, 2, 6]).dataSync());
    const causal = attend(2, true);
    expect(firstTwo(causal, later)).toEqual(firstTwo(causal, x));
    // Its weights, as the panel draws them: nothing above the diagonal.
    const weights = (causal.layers[1] as unknown as SelfAttention).attentionWeights(x).arraySync() as number[][][][];
    expect(weights.flatMap((b) => b.flatMap((h) => h.flatMap((row, r) => row.slice(r + 1)))).every((w) => w < 1e-6)).toBe(true);
    expect(firstTwo(model, later)).not.toEqual(firstTwo(model, x));
    // Learns to give each step the mean of the sequence (uniform weights, identity projections): gradients reach every weight.
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const target = tf.tile(tf.mean(x, 1, true), [1, 4, 1]);
    const first = (await model.fit(x, target, { epochs: 1, verbose: 0 })).history.loss[0] as number;
    const last = (await model.fit(x, target, { epochs: 150, verbose: 0 })).history.loss.pop() as number;
    expect(last).toBeLessThan(0.05 * first);
  });

  it('layerNorm computes what tfjs\'s LayerNormalization computes, and the same gradients, from the same weights', async () => {
    await selectBackend('cpu');
    for (const axis of [-1, 1, 2]) {
      const ours = new LayerNorm({ axis, epsilon: 0.001 });
      const theirs = tfl.layers.layerNormalization({ axis, epsilon: 0.001 });
      const x = tf.randomNormal([3, 5, 4], 2, 3, 'float32', axis + 5);
      ours.apply(x);
      theirs.apply(x);
      const gamma = tf.randomNormal(theirs.getWeights()[0].shape, 1, 0.5, 'float32', 1);
      const beta = tf.randomNormal(theirs.getWeights()[1].shape, 0, 0.5, 'float32', 2);
      ours.setWeights([gamma, beta]);
      theirs.setWeights([gamma, beta]);
      const weigh = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 3);
      const grads = (layer: tfl.layers.Layer) => tf.grads((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, weigh)))([x])[0];
      const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      expect(close(ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor)).toBeLessThan(1e-5);
      expect(close(grads(ours), grads(theirs))).toBeLessThan(1e-4);
      // The same class name, config and weights: a saved model loads in plain TensorFlow.js.
      expect(ours.getClassName()).toBe('LayerNormalization');
      expect(ours.getConfig()).toEqual({ ...theirs.getConfig(), name: ours.name });
    }
  });

  it('roiAlign samples a box bilinearly, and gradients reach the feature map', async () => {
    await selectBackend('cpu');
    const g = analyze('model R {\n  input f: [4, 4, 1]\n  input b: [1, 4]\n  roiAlign(f, b, size: [2, 2])\n}\n').models[0];
    const model = compileModel(g);
    const f = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const b = tf.tensor3d([[[0, 0, 1, 1]]]);
    const out = await (model.predict([f, b]) as tf.Tensor).data();
    // Cell centres of a 2x2 grid over the whole map: pixel coordinates 0.5 and 2.5 → values at (0.5, 0.5) etc.
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(model.apply([x, b]) as tf.Tensor))(f);
    expect(Array.from(await grad.data()).reduce((a, v) => a + v, 0)).toBeCloseTo(4);
  });
});

describe('initialisers', () => {
  it('an LSTM compiles without tfjs\'s "Slowness may result" warning, and its recurrent kernel is still orthogonal', async () => {
    await selectBackend('cpu');
    const g = analyze('model S {\n  input x: [5, 3]\n  lstm(32)\n}\n').models[0];
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const model = compileModel(g, 1);
      const recurrent = model.getWeights().find((w) => w.shape[0] === 32 && w.shape[1] === 128)!; // [units, 4 units]: 4,096 values
      expect(warnings).toEqual([]);
      const gram = tf.tidy(() => tf.matMul(recurrent, recurrent, false, true)); // rows orthonormal: W Wᵀ = I
      const identity = tf.eye(32);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(gram, identity))).dataSync()[0])).toBeLessThan(1e-4);
      tf.dispose([gram, identity]);
      model.dispose();
    } finally {
      console.warn = warn;
    }
  });
});
