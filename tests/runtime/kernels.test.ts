/** The composite wasm kernels equal tfjs's reference (cpu) kernels on many shapes, strides and paddings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { tf, tfl } from '../../runtime/tf';
import { convCase, expectMatchesCpu, pseudoRandom, seeded } from '../support/kernels';

const expectWasmMatchesCpu = (compute: () => tf.Tensor[]) => expectMatchesCpu('wasm', compute);

/** Expects `compute` on wasm, over inputs made first, to leave no tensor behind. */
async function expectNoLeak<T extends [tf.Tensor, ...tf.Tensor[]]>(inputs: () => T, compute: (...made: T) => tf.Tensor): Promise<void> {
  await selectBackend('wasm');
  const made = inputs();
  const before = tf.memory().numTensors;
  compute(...made).dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(made);
}

describe('wasm Conv2DBackpropFilter', () => {
  it('matches the cpu kernel', async () => {
    await fc.assert(fc.asyncProperty(
      convCase(3),
      async (c) => {
        const p = c.same ? 'same' : 'valid';
        await expectWasmMatchesCpu(() => {
          const x = seeded([c.b, c.h, c.w, c.ci], c.seed) as tf.Tensor4D;
          return [tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, [c.sh, c.sw], p), 1.5)))(seeded([c.kh, c.kw, c.ci, c.co], c.seed + 7))];
        });
      },
    ), { numRuns: 60 });
  });

  it('leaks no tensors', async () => {
    await expectNoLeak(() => [tf.randomNormal([2, 8, 8, 3]), tf.randomNormal([3, 3, 3, 4])], (x, f) => tf.grad((ff: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same')))(f));
  });
});

describe('wasm Conv2DBackpropFilter in SIMD (3 filter columns, valid padding, output channels in eights)', () => {
  it('matches the cpu kernel, and so does the composite it leaves same padding to', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        b: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 3, max: 14 }), w: fc.integer({ min: 3, max: 14 }),
        ci: fc.integer({ min: 1, max: 5 }), co: fc.constantFrom(8, 16, 24), kh: fc.integer({ min: 1, max: 4 }),
        sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), same: fc.boolean(), seed: fc.nat(),
      }),
      async (c) => {
        const p = c.same ? 'same' : 'valid';
        if (!c.same && c.kh > c.h) return;
        await expectWasmMatchesCpu(() => {
          const x = seeded([c.b, c.h, c.w, c.ci], c.seed) as tf.Tensor4D;
          const out = tf.conv2d(x, tf.zeros([c.kh, 3, c.ci, c.co]) as tf.Tensor4D, [c.sh, c.sw], p).shape;
          return [tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, [c.sh, c.sw], p), seeded(out, c.seed + 5))))(seeded([c.kh, 3, c.ci, c.co], c.seed + 7))];
        });
      },
    ), { numRuns: 50 });
  });
});

describe('wasm UnsortedSegmentSum', () => {
  it('matches the cpu kernel, duplicates summed, through the gradient of gather', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await selectBackend(backend);
      const table = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      const ids = tf.tensor1d([0, 2, 2, 3, 0, 0], 'int32');
      const direct = await tf.unsortedSegmentSum(tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6]]), ids, 5).data();
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]))));
      const grad = await g(table).data();
      return [Array.from(direct), Array.from(grad)];
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });
});

describe('wasm depthwise-convolution gradients', () => {
  it('match the cpu kernels for the input and the filter', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 10 }), w: fc.integer({ min: 3, max: 10 }),
        c: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), same: fc.boolean(), seed: fc.nat(),
      }),
      async (c) => {
        const p = c.same ? 'same' : 'valid';
        // The gradients with respect to the input and to the filter.
        await expectWasmMatchesCpu(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, [c.s, c.s], p), 1.5)))(
          [seeded([c.b, c.h, c.w, c.c], c.seed), seeded([c.k, c.k, c.c, c.m], c.seed + 7)]));
      },
    ), { numRuns: 60 });
  });

  it('let a separable-convolution model train on wasm without falling back', async () => {
    await selectBackend('wasm');
    const x = tf.randomNormal([4, 8, 8, 3]);
    const model = tfl.sequential({ layers: [tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, inputShape: [8, 8, 3] }), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const loss = await model.trainOnBatch(x, tf.ones([4, 1]));
    expect(Number.isFinite(loss as number)).toBe(true);
    expect(tf.getBackend()).toBe('wasm');
    model.dispose();
    tf.dispose(x);
  });
});

describe('wasm matMul with a transposed operand', () => {
  it('matches the cpu kernel on both sides of the size where the operand is transposed first', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        batch: fc.constantFrom(0, 1, 3), m: fc.integer({ min: 1, max: 90 }), k: fc.integer({ min: 1, max: 120 }), n: fc.integer({ min: 1, max: 90 }),
        ta: fc.boolean(), tb: fc.boolean(), seed: fc.nat(),
      }),
      async (c) => {
        // batch 0: rank-2 operands, as a dense layer's gradient passes them.
        const lead = c.batch ? [c.batch] : [];
        const as = [...lead, ...(c.ta ? [c.k, c.m] : [c.m, c.k])];
        const bs = [...lead, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
        await expectWasmMatchesCpu(() => [tf.matMul(seeded(as, c.seed), seeded(bs, c.seed + 3), c.ta, c.tb)]);
      },
    ), { numRuns: 80 });
  });

  it('leaks no tensors when it transposes', async () => {
    await expectNoLeak(() => [tf.randomNormal([64, 784]), tf.randomNormal([64, 128])], (a, dy) => tf.matMul(a, dy, true, false));
  });
});

describe('wasm Conv2DBackpropInput', () => {
  it('matches the cpu kernel at every stride (a full convolution per phase of the stride; tfjs\'s kernel where the filter is narrower than the stride)', async () => {
    await fc.assert(fc.asyncProperty(
      convCase(5),
      async (c) => {
        const p = c.same ? 'same' : 'valid';
        const strides: [number, number] = [c.sh, c.sw];
        await expectWasmMatchesCpu(() => {
          const x = seeded([c.b, c.h, c.w, c.ci], c.seed) as tf.Tensor4D;
          const f = seeded([Math.min(c.kh, c.h), Math.min(c.kw, c.w), c.ci, c.co], c.seed + 5) as tf.Tensor4D;
          // A different weight on every output, so that dy is not uniform (a flipped filter would show).
          const outShape = tf.conv2d(x, f, strides, p).shape;
          const weights = seeded(outShape, 11);
          return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, f, strides, p), weights)))(x)];
        });
      },
    ), { numRuns: 60 });
  });

  it('leaks no tensors at stride 2', async () => {
    await expectNoLeak(() => [tf.randomNormal([3, 3, 2, 4]), tf.randomNormal([2, 9, 9, 2])], (f, x) => tf.grad((a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(x));
  });
});

describe('wasm MaxPoolGrad', () => {
  /** Values in a few steps, so windows tie; some windows all zero (as after a ReLU), all -Infinity, with NaN, or with the most negative floats. */
  const pooledInput = (shape: number[], seed: number, special: boolean) => tf.tensor(pseudoRandom(shape.reduce((a, b) => a * b, 1), seed).map((v, i) =>
    special && i % 13 === 5 ? -Infinity : special && i % 17 === 3 ? NaN : special && i % 19 === 7 ? -3e38 : Math.max(0, Math.round(v * 3) / 3)), shape);

  it('matches the cpu kernel: first maximum of each window, ties, empty windows, overlapping, strided and same-padded windows, SIMD or not', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 2, max: 11 }), w: fc.integer({ min: 2, max: 11 }),
        // Depths that are multiples of 4 take the SIMD loop (max-pool-grad.wat), the others JavaScript's.
        c: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.constantFrom(4, 8, 12, 16)),
        ph: fc.integer({ min: 1, max: 3 }), pw: fc.integer({ min: 1, max: 3 }), sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
        same: fc.boolean(), special: fc.boolean(), seed: fc.nat(),
      }),
      async (c) => {
        const p = c.same ? 'same' : 'valid';
        const pool: [number, number] = [Math.min(c.ph, c.h), Math.min(c.pw, c.w)];
        await expectWasmMatchesCpu(() => {
          const x = pooledInput([c.b, c.h, c.w, c.c], c.seed, c.special) as tf.Tensor4D;
          const weights = seeded(tf.maxPool(x, pool, [c.sh, c.sw], p).shape, c.seed + 3);
          return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, pool, [c.sh, c.sw], p), weights)))(x)];
        });
      },
    ), { numRuns: 80 });
  });

  it('leaks no tensors', async () => {
    await expectNoLeak(() => [tf.randomNormal([2, 8, 8, 3])], (x) => tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'same')))(x));
  });
});

describe('wasm per-channel bias add and its gradient (SIMD)', () => {
  it('match the cpu kernels: bias first or second, as [C] or [1, ..., 1, C], sums with and without keepDims, channel counts SIMD takes and others', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({
        // Enough rows that the SIMD path is taken (4,096 values or more) where C allows it.
        rows: fc.integer({ min: 700, max: 2000 }), split: fc.integer({ min: 1, max: 3 }),
        c: fc.oneof(fc.constantFrom(4, 8, 12, 16), fc.integer({ min: 1, max: 7 })),
        biasFirst: fc.boolean(), biasRank: fc.boolean(), keepDims: fc.boolean(), seed: fc.nat(),
      }),
      async (k) => {
        // [rows, C] as rank 2, 3 or 4.
        const outer = k.split === 1 ? [k.rows] : k.split === 2 ? [7, Math.ceil(k.rows / 7)] : [5, 3, Math.ceil(k.rows / 15)];
        const shape = [...outer, k.c];
        await expectWasmMatchesCpu(() => {
          const x = seeded(shape, k.seed);
          const bias = seeded(k.biasRank ? [...outer.map(() => 1), k.c] : [k.c], k.seed + 1);
          return [k.biasFirst ? tf.add(bias, x) : tf.add(x, bias), tf.sum(x, outer.map((_, i) => i), k.keepDims), tf.sum(x, -1)];
        });
        // The values above are compared flat: the shapes too.
        await selectBackend('wasm');
        const shapes = tf.tidy(() => [tf.add(seeded([k.c], 1), seeded(shape, 2)).shape, tf.sum(seeded(shape, 3), outer.map((_, i) => i), k.keepDims).shape]);
        expect(shapes).toEqual([shape, k.keepDims ? [...outer.map(() => 1), k.c] : [k.c]]);
      },
    ), { numRuns: 40 });
  });
});

describe('wasm Identity', () => {
  it('shares the data: a clone outlives its source, a variable keeps its value after its initial tensor goes, nothing leaks', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const copy = tf.clone(x);
    x.dispose();
    expect(await copy.array()).toEqual([[1, 2], [3, 4]]);
    const start = tf.tensor1d([5, 6]);
    const v = tf.variable(start);
    start.dispose();
    tf.tidy(() => v.assign(tf.add(v, 1)));
    expect(await v.array()).toEqual([6, 7]);
    tf.dispose([copy, v]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

