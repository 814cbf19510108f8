/**
 * The fused LSTM (runtime/layers/fused-lstm.ts) against tfjs's own LSTM: the same
 * outputs and gradients on random shapes, the same training, the same saved model; and
 * tfjs's path wherever the fused one would compute something else.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { FusableLSTM, fusedLstm } from '../../runtime/layers/fused-lstm';
import { tf, tfl } from '../../runtime/tf';
import { loadModel, saveModel } from '../../runtime/train/save';

afterAll(() => selectBackend('cpu'));

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const scale = (a: tf.Tensor) => tf.tidy(() => Math.max(1, tf.max(tf.abs(a)).dataSync()[0]));

/** Outputs and gradients (x, kernel, recurrent kernel, bias) of a tfjs LSTM layer and of the fused op on its weights. */
function both(layer: tfl.layers.Layer, x: tf.Tensor, sequences: boolean) {
  layer.apply(x); // builds it: its weights exist from here
  const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
  const w = tf.randomNormal((layer.apply(x) as tf.Tensor).shape, 0, 1, 'float32', 7);
  const loss = (out: tf.Tensor) => tf.sum(tf.mul(out, w)) as tf.Scalar;
  const reference = { out: layer.apply(x) as tf.Tensor, dx: tf.grad((xx: tf.Tensor) => loss(layer.apply(xx) as tf.Tensor))(x), weights: vars.map((v) => tf.variableGrads(() => loss(layer.apply(x) as tf.Tensor), [v]).grads[v.name]) };
  const [k, r, b] = vars;
  const fused = { out: fusedLstm(x, k, r, b, sequences), grads: tf.grads((xx: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) => loss(fusedLstm(xx, kk, rr, bb, sequences)))([x, k, r, b]) };
  return { reference: [reference.out, reference.dx, ...reference.weights], fused: [fused.out, ...fused.grads] };
}

describe('fused LSTM', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`computes tfjs's outputs and gradients on random shapes (${backend})`, async () => {
      await selectBackend(backend);
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }),
        (B, T, I, H, sequences, seed) => {
          tf.tidy(() => {
            const layer = tfl.layers.lstm({ units: H, returnSequences: sequences, recurrentActivation: 'sigmoid', kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed }), recurrentInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: seed + 1 }), biasInitializer: tfl.initializers.randomNormal({ stddev: 0.5, seed: seed + 2 }) });
            const x = tf.randomNormal([B, T, I], 0, 1, 'float32', seed);
            const { reference, fused } = both(layer, x, sequences);
            reference.forEach((ref, i) => {
              expect(fused[i].shape).toEqual(ref.shape);
              expect(maxDiff(fused[i], ref)).toBeLessThan(1e-5 * scale(ref));
            });
            layer.dispose();
          });
        },
      ), { numRuns: 25 });
    });
  }

  it("trains a compiled lstm model to the weights tfjs's LSTM reaches, and saves it as an ordinary LSTM", async () => {
    await selectBackend('wasm');
    const g = analyze('model M {\n  input x: [6, 3]\n  lstm(5, returnSequences: true)\n  lstm(4)\n  dense(2)\n}').models[0];
    const fused = compileModel(g, 3);
    expect(fused.layers.filter((l) => l instanceof FusableLSTM)).toHaveLength(2);
    // The same model with tfjs's own LSTM layers and the same starting weights.
    const plain = tfl.sequential({ layers: [tfl.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid', inputShape: [6, 3] }), tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }), tfl.layers.dense({ units: 2 })] });
    plain.setWeights(fused.getWeights());
    const x = tf.randomNormal([40, 6, 3], 0, 1, 'float32', 1);
    const y = tf.randomNormal([40, 2], 0, 1, 'float32', 2);
    for (const m of [fused, plain]) {
      m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
      await m.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
    }
    fused.getWeights().forEach((w, i) => expect(maxDiff(w, plain.getWeights()[i])).toBeLessThan(1e-4));
    // Where the work went: tfjs's LSTM runs sigmoid kernels at every step, the fused one none.
    const kernels = async (m: tfl.LayersModel) => (await tf.profile(() => m.predict(x) as tf.Tensor)).kernelNames;
    expect(await kernels(fused)).not.toContain('Sigmoid');
    expect(await kernels(plain)).toContain('Sigmoid');
    // Saved, it is an LSTM any tfjs loads, and computes the same.
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-lstm-'));
    await saveModel(fused, dir);
    const loaded = await loadModel(dir);
    const lstms = loaded.layers.filter((l) => l.getClassName() === 'LSTM');
    expect(lstms).toHaveLength(2);
    expect(lstms.some((l) => l instanceof FusableLSTM)).toBe(false);
    expect(maxDiff(loaded.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
  });

  it("keeps tfjs's path where the fused op would compute something else", async () => {
    await selectBackend('wasm');
    const x = tf.randomNormal([4, 5, 3], 0, 1, 'float32', 3);
    const uses = async (text: string) => {
      const m = compileModel(analyze(`model M {\n  input x: [5, 3]\n  ${text}\n}`).models[0], 1);
      // In training, so that dropout would apply.
      const names = (await tf.profile(() => m.apply(x, { training: true }) as tf.Tensor)).kernelNames;
      return names.includes('Sigmoid') || names.includes('HardSigmoid') || names.includes('Tanh') ? 'tfjs' : 'fused';
    };
    expect(await uses('lstm(4)')).toBe('fused');
    expect(await uses('lstm(4, dropout: 0.2)')).toBe('tfjs');
    expect(await uses('lstm(4, recurrentDropout: 0.2)')).toBe('tfjs');
    expect(await uses('lstm(4, activation: relu)')).toBe('tfjs');
    expect(await uses('lstm(4, recurrentActivation: hardSigmoid)')).toBe('tfjs');
    await selectBackend('cpu');
    expect(await uses('lstm(4)')).toBe('fused');
    // (On webgpu the data would have to come to the CPU: tfjs's path; tests/runtime/webgpu.test.ts.)
  });
});
