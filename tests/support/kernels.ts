/** Helpers of the kernel tests: seeded inputs, and a backend's results against tfjs's reference (cpu) kernels. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { tf } from '../../runtime/tf';

/** Deterministic values in (-1, 1) from a seed. */
export const pseudoRandom = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 12.9898) * 43758.5453 % 1);

/** A tensor of those values. */
export const seeded = (shape: number[], seed: number) => tf.tensor(pseudoRandom(shape.reduce((a, b) => a * b, 1), seed), shape);

export function expectClose(got: Float32Array, ref: Float32Array): void {
  expect(got.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) expect(Math.abs(ref[i] - got[i])).toBeLessThan(1e-4 * (1 + Math.abs(ref[i])));
}

/** Runs `compute` on the cpu backend (tfjs's reference kernels) and on `backend`, and expects the same values from both. */
export async function expectMatchesCpu(backend: 'wasm' | 'webgpu', compute: () => tf.Tensor[]): Promise<void> {
  const run = async (backend: 'cpu' | 'wasm' | 'webgpu') => {
    await selectBackend(backend);
    const out = tf.tidy(compute);
    const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return values;
  };
  const ref = await run('cpu');
  const got = await run(backend);
  expect(got.length).toBe(ref.length);
  got.forEach((g, i) => expectClose(g, ref[i]));
}

/** A convolution's batch, sizes, channels, filter up to `maxKernel`, strides per axis and padding. */
export const convCase = (maxKernel: number) => fc.record({
  b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 12 }), w: fc.integer({ min: 3, max: 12 }),
  ci: fc.integer({ min: 1, max: 4 }), co: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 1, max: maxKernel }), kw: fc.integer({ min: 1, max: maxKernel }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), same: fc.boolean(), seed: fc.nat(),
});

export type ConvCase = ReturnType<typeof convCase> extends fc.Arbitrary<infer T> ? T : never;
