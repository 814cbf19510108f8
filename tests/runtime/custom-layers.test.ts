/** The custom layers save and load back with identical predictions, and their gradients flow. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { loadModel, saveModel } from '../../runtime/train/save';
import { tf } from '../../runtime/tf';

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
`;

describe('custom layers', () => {
  for (const name of ['Regions', 'Caps', 'Diff']) {
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
