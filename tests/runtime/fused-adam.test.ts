/** Adam with small variables updated in one loop (runtime/train/fused-adam.ts) trains exactly as tfjs's Adam. */
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { tf, tfl } from '../../runtime/tf';
import { FusedAdam, SMALL } from '../../runtime/train/fused-adam';

afterAll(() => selectBackend('cpu'));

/** A model with variables on both sides of SMALL: dense 100→64 has 6,400 weights, the rest are small. */
function model(): tfl.LayersModel {
  return tfl.sequential({ layers: [
    tfl.layers.dense({ units: 64, activation: 'relu', inputShape: [100], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
    tfl.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
  ] });
}

describe('FusedAdam', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`reaches the weights and optimiser state of tfjs's Adam (${backend})`, async () => {
      await selectBackend(backend);
      expect(64 * 100).toBeGreaterThan(SMALL);
      const x = tf.randomNormal([96, 100], 0, 1, 'float32', 4);
      const y = tf.randomNormal([96, 1], 0, 1, 'float32', 5);
      const trained = [];
      for (const opt of [tf.train.adam(0.01, 0.8, 0.99, 1e-6), new FusedAdam(0.01, 0.8, 0.99, 1e-6)]) {
        const m = model();
        m.compile({ optimizer: opt, loss: 'meanSquaredError' });
        await m.fit(x, y, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
        trained.push({ weights: m.getWeights().map((w) => w.dataSync()), state: await opt.getWeights() });
      }
      const [reference, fused] = trained;
      fused.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(reference.weights[i][j], 5)));
      // Moment names carry each model's own layer names; past those they are tfjs's.
      const shape = (names: string[]) => names.map((n) => n.split('/').slice(1).join('/'));
      expect(shape(fused.state.map((s) => s.name))).toEqual(shape(reference.state.map((s) => s.name)));
      fused.state.forEach((s, i) => {
        const ref = reference.state[i].tensor.dataSync();
        s.tensor.dataSync().forEach((v, j) => expect(Math.abs(v - ref[j])).toBeLessThanOrEqual(1e-6 * Math.abs(ref[j]) + 1e-12));
      });
    });
  }

  it('takes a gradient map, leaves a variable without gradient alone, and keeps no tensors of a step', async () => {
    await selectBackend('wasm');
    const run = (opt: tf.Optimizer, tag: string) => {
      const a = tf.variable(tf.tensor1d([1, 2, 3]), true, `${tag}A`);
      const b = tf.variable(tf.tensor1d([4, 5]), true, `${tag}B`);
      const step = (withB: boolean) => tf.tidy(() => opt.applyGradients({ [`${tag}A`]: tf.tensor1d([1, -1, 0]), ...(withB ? { [`${tag}B`]: tf.tensor1d([0.5, 0.5]) } : {}) }));
      step(false);
      step(true);
      const tensors = tf.memory().numTensors;
      step(true);
      expect(tf.memory().numTensors).toBe(tensors);
      const out = [...a.dataSync(), ...b.dataSync()];
      opt.dispose();
      tf.dispose([a, b]);
      return out;
    };
    const reference = run(tf.train.adam(0.1), 'adamRef');
    const fused = run(new FusedAdam(0.1, 0.9, 0.999), 'adamFused');
    fused.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 7));
    expect(fused[2]).toBe(3); // a zero gradient moves nothing
  });
});
