/**
 * Dropout draws a new mask at every training step, and the same masks again in a run with
 * the same seed (runtime/layers/dropout.ts); saved models carry tfjs's plain layers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { loadModel, saveModel } from '../../runtime/train/save';
import { tf, tfl } from '../../runtime/tf';

const model = (layer: string, input: string, seed: number) => compileModel(analyze(`model M {\n  input x: ${input}\n  ${layer}\n}`).models[0], seed);

/** The masks of `steps` training-mode calls on ones: which values were kept. */
function masks(m: tfl.LayersModel, shape: number[], steps: number): string[] {
  return Array.from({ length: steps }, () => tf.tidy(() => Array.from((m.layers[1].apply(tf.ones(shape), { training: true }) as tf.Tensor).dataSync()).map((v) => (v === 0 ? '0' : '1')).join('')));
}

describe('dropout', () => {
  it('drops other units at every step, the same ones again with the same seed, other ones with another', async () => {
    await selectBackend('cpu');
    const a = masks(model('dropout(0.5)', '[64]', 3), [1, 64], 4);
    expect(new Set(a).size).toBe(4);
    expect(masks(model('dropout(0.5)', '[64]', 3), [1, 64], 4)).toEqual(a);
    expect(masks(model('dropout(0.5)', '[64]', 4), [1, 64], 4)).not.toEqual(a);
    // Kept values are scaled by 1 / (1 - rate), and about half are kept.
    const kept = (model('dropout(0.5)', '[64]', 3).layers[1].apply(tf.ones([1, 64]), { training: true }) as tf.Tensor).dataSync().filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([2]));
    expect(kept.length).toBeGreaterThan(16);
    expect(kept.length).toBeLessThan(48);
  });

  it('spatialDropout1d drops whole channels, other ones at every step', async () => {
    await selectBackend('cpu');
    const m = model('spatialDropout1d(0.5)', '[5, 32]', 1);
    const seen = masks(m, [1, 5, 32], 4);
    expect(new Set(seen).size).toBe(4);
    for (const mask of seen) for (let t = 1; t < 5; t++) expect(mask.slice(t * 32, (t + 1) * 32)).toBe(mask.slice(0, 32));
  });

  it('is saved as tfjs\'s own layer without the seed, and loads back', async () => {
    await selectBackend('cpu');
    const m = model('dense(4)\n  dropout(0.3)\n  dense(2)', '[3]', 2);
    const layer = m.layers.find((l) => l.getClassName() === 'Dropout')!;
    expect(layer.getConfig()).not.toHaveProperty('seed');
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-dropout-'));
    await saveModel(m, dir);
    const loaded = await loadModel(dir);
    const x = tf.tensor2d([[1, 2, 3]]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((m.predict(x) as tf.Tensor).dataSync()));
  });
});
