/**
 * Dilated convolutions train: dlnet's Conv1D/Conv2D compute what tfjs's dilated
 * convolution computes (on many shapes, rates and paddings), their gradients match finite
 * differences (the loss below is linear in the weights, so differences are exact up to
 * rounding), and a compiled model with dilation takes a training step on every CPU backend,
 * which tfjs alone cannot ("dilation rates greater than 1 are not yet supported in gradients").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { Conv1d, Conv2d } from '../../runtime/layers/dilated-conv';
import { tf, tfl } from '../../runtime/tf';

const close = (a: tf.Tensor, b: tf.Tensor, tolerance = 1e-4) => {
  expect(a.shape).toEqual(b.shape);
  expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(tolerance);
};

describe('dilated convolutions', () => {
  it('compute what tfjs computes, conv2d and conv1d, same and valid', async () => {
    await selectBackend('cpu');
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('same', 'valid'), fc.integer({ min: 9, max: 14 }), fc.integer({ min: 1, max: 3 }), fc.boolean(),
      (kh, kw, rh, rw, padding, size, channels, useBias) => {
        tf.tidy(() => {
          const options = { filters: 3, kernelSize: [kh, kw], dilationRate: [rh, rw] as [number, number], padding: padding as 'same' | 'valid', useBias, biasInitializer: 'randomNormal' as const };
          const ours = new Conv2d(options);
          const theirs = tfl.layers.conv2d(options);
          const x = tf.randomNormal([2, size, size + 1, channels]);
          ours.apply(x);
          theirs.apply(x);
          theirs.setWeights(ours.getWeights());
          close(ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor);
          const ours1 = new Conv1d({ ...options, kernelSize: kh, dilationRate: rh });
          const theirs1 = tfl.layers.conv1d({ ...options, kernelSize: kh, dilationRate: rh });
          const x1 = tf.randomNormal([2, size, channels]);
          ours1.apply(x1);
          theirs1.apply(x1);
          theirs1.setWeights(ours1.getWeights());
          close(ours1.apply(x1) as tf.Tensor, theirs1.apply(x1) as tf.Tensor);
        });
      }), { numRuns: 40, seed: 5 });
  });

  it('have the gradients finite differences give, for the kernel and the input', async () => {
    await selectBackend('cpu');
    const layer = new Conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: [2, 3], padding: 'same', useBias: true });
    const x = tf.randomNormal([1, 8, 9, 2]);
    layer.apply(x);
    const r = tf.randomNormal([1, 8, 9, 2]);
    const lossOf = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
    const { grads } = tf.variableGrads(() => lossOf(x), layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    const kernel = layer.getWeights()[0];
    const dKernel = Object.values(grads)[0];
    const base = lossOf(x).dataSync()[0];
    for (const index of [0, 5, 11, 17, 23]) {
      const bumped = kernel.bufferSync();
      const flat = bumped.values as Float32Array;
      flat[index] += 1;
      layer.setWeights([bumped.toTensor(), layer.getWeights()[1]]);
      const difference = lossOf(x).dataSync()[0] - base;
      flat[index] -= 1;
      layer.setWeights([bumped.toTensor(), layer.getWeights()[1]]);
      expect(difference).toBeCloseTo(dKernel.dataSync()[index], 2);
    }
    const dx = tf.grad(lossOf)(x);
    const bumped = x.bufferSync();
    (bumped.values as Float32Array)[40] += 1;
    expect(lossOf(bumped.toTensor()).dataSync()[0] - base).toBeCloseTo(dx.dataSync()[40], 2);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`train in a compiled model on ${backend}`, async () => {
      await selectBackend(backend);
      const g = analyze('model M {\n  input x: [12, 12, 1]\n  conv2d(4, kernel: 3, dilation: 2, activation: relu)\n  reshape([64, 4])\n  conv1d(2, kernel: 3, dilation: 3)\n  flatten\n  dense(1)\n}\n').models[0];
      const model = compileModel(g, 1);
      model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
      const x = tf.randomNormal([8, 12, 12, 1]);
      const y = tf.randomNormal([8, 1]);
      const before = model.getWeights().map((w) => w.dataSync().slice());
      const loss = (await model.trainOnBatch(x, y)) as number;
      expect(Number.isFinite(loss)).toBe(true);
      const after = model.getWeights().map((w) => w.dataSync());
      expect(after.every((w, i) => w.some((v, j) => v !== before[i][j]))).toBe(true); // every weight moved, the dilated kernels too
      model.dispose();
      tf.dispose([x, y]);
    });
  }
});
