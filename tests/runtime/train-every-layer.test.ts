/**
 * Every layer trains: random small models (tests/support/random-models.ts) with a
 * flatten -> dense(1) head take a training step on the cpu and wasm backends with a
 * finite loss. What builds and runs forward can still lack a gradient: this found
 * dilated convolutions (tfjs has no gradient for them), normalisation of 5-axis tensors,
 * and recurrent layers over a one-step sequence that a layer computed (tfjs's unstack
 * gradient; fixed in runtime/tf.ts).
 */
import { describe, expect, it } from 'vitest';
import { analyze, unbuildable } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { tf } from '../../runtime/tf';
import { randomModel } from '../support/random-models';

/** The models the checker accepts from the first `count` seeds, with the head. */
function trainable(count: number): { source: string; input: number[] }[] {
  const out: { source: string; input: number[] }[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const { source, input } = randomModel(seed * 7919);
    const withHead = source.replace(/\n}\n$/, '\n  flatten\n  dense(1)\n}\n');
    const g = analyze(withHead).models[0];
    // An embedding fed random numbers gets negative indices: the embedding-input lint's case, not a gradient's.
    if (g?.ok && !unbuildable(g) && !withHead.includes('embedding')) out.push({ source: withHead, input });
  }
  return out;
}

const models = [
  ...trainable(1500),
  { source: 'model M {\n  input x: [1, 4]\n  dense(4)\n  gru(2, returnSequences: true)\n  timeDistributed(dense(2))\n  bidirectional(simpleRnn(2))\n  dense(1)\n}\n', input: [1, 4] },
  { source: 'model M {\n  input x: [12, 12, 1]\n  conv2d(4, kernel: 3, dilation: 2)\n  reshape([64, 4])\n  conv1d(2, kernel: 3, dilation: 3)\n  flatten\n  dense(1)\n}\n', input: [12, 12, 1] },
];

describe('every layer trains', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`takes a training step in ${models.length} random models on ${backend}`, async () => {
      await selectBackend(backend);
      expect(models.length).toBeGreaterThan(100);
      const failures: string[] = [];
      for (const { source, input } of models) {
        const model = compileModel(analyze(source).models[0], 1);
        model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
        const x = tf.randomUniform([4, ...input]);
        const y = tf.randomUniform([4, 1]);
        try {
          const loss = (await model.trainOnBatch(x, y)) as number;
          if (!Number.isFinite(loss)) failures.push(`${source}loss ${loss}`);
        } catch (e) {
          failures.push(`${source}${(e as Error).message}`);
        } finally {
          tf.dispose([x, y]);
          model.dispose();
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
