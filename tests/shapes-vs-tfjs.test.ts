/**
 * Differential test of the shape rules: random small models (every kind of layer, random
 * arguments and input sizes). Whatever the checker accepts, TensorFlow.js must build
 * with the same output shapes and parameter counts, and run on a batch to the shape the
 * checker said. (It found softmax failing on sequences and strided dilated convolutions
 * that tfjs refuses to run.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, modelSummary } from '../dsl';
import { compileModel } from '../runtime/compile/compile';
import { tf } from '../runtime/tf';
import { randomModel } from './support/random-models';

/** What tfjs disagrees with the checker on, for one model the checker accepts (empty when they agree). */
function disagreements(source: string, input: number[]): string[] {
  const g = analyze(source).models[0];
  if (!g?.ok) return [];
  const out: string[] = [];
  const model = compileModel(g);
  // An embedding reads its input as indices: zeros are valid ones whatever the layers before it made.
  const indices = g.inputs[0].dtype === 'int32' || g.layers.some((l) => l.kind === 'embedding');
  const x = indices ? tf.zeros([2, ...input], g.inputs[0].dtype) : tf.randomUniform([2, ...input]);
  try {
    const summary = modelSummary(g);
    for (const l of summary.layers) {
      const layer = model.layers.find((m) => m.name === l.name);
      if (!layer) continue;
      const shape = layer.outputShape as (number | null)[];
      if (JSON.stringify(shape.slice(1)) !== JSON.stringify(l.outputShape)) out.push(`${l.name}: tfjs ${JSON.stringify(shape.slice(1))}, checker ${JSON.stringify(l.outputShape)}`);
      if (l.params !== layer.countParams()) out.push(`${l.name}: tfjs ${layer.countParams()} params, checker ${l.params}`);
    }
    const y = model.predict(x) as tf.Tensor;
    if (JSON.stringify(y.shape.slice(1)) !== JSON.stringify(summary.outputs[0])) out.push(`runs to ${JSON.stringify(y.shape.slice(1))}, checker ${JSON.stringify(summary.outputs[0])}`);
    y.dispose();
  } catch (e) {
    out.push(`tfjs: ${(e as Error).message}`);
  } finally {
    x.dispose();
    model.dispose();
  }
  return out;
}

describe('shape rules against TensorFlow.js', () => {
  it('agree on random models of every layer', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const { source, input } = randomModel(seed);
      if (analyze(source).models[0]?.ok) accepted++;
      expect(disagreements(source, input), source).toEqual([]);
    }), { numRuns: 2000, seed: 20261127 });
    expect(accepted).toBeGreaterThan(300); // the generator must keep producing models worth comparing
  });
});
