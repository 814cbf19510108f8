/**
 * dlnet's webgpu kernels (runtime/kernels/webgpu-faster.ts), uploads (webgpu-uploads.ts)
 * and reused bind groups and uniforms (webgpu-bind-groups.ts) against tfjs's reference:
 * the cpu backend, on Dawn's adapter here (Mesa's software renderer without a GPU; CI
 * requires it, as webgpu.test.ts does).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { filterBlocks, filterGradientSplits } from '../../runtime/kernels/webgpu-faster';
import { Dropout, SpatialDropout1D } from '../../runtime/layers/dropout';
import { lstmOnWebgpu } from '../../runtime/layers/lstm-on-webgpu';
import { tf, tfl } from '../../runtime/tf';
import { optimizer } from '../../runtime/train/optim';
import { convCase, expectClose, expectMatchesCpu, seeded, type ConvCase } from '../support/kernels';

const choice = await selectBackend('webgpu').catch((e: Error) => e);
const available = !(choice instanceof Error);
if (!available && process.env.DLNET_REQUIRE_WEBGPU) throw new Error(`DLNET_REQUIRE_WEBGPU is set but ${choice.message}`);

describe('the filter gradient split over positions', () => {
  it('covers every position once, in parts of at least one position, enough of them to fill a GPU', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 5000 }), (positions, blocks) => {
      const { splits, perSplit } = filterGradientSplits(positions, blocks);
      expect(perSplit).toBeGreaterThanOrEqual(1);
      expect((splits - 1) * perSplit).toBeLessThan(positions);
      expect(splits * perSplit).toBeGreaterThanOrEqual(positions);
    }));
    // A 3x3x3→32 filter (one block) over 128 32x32 images: hundreds of parts.
    expect(filterGradientSplits(128 * 32 * 32, filterBlocks([3, 3, 3, 32])).splits).toBeGreaterThan(200);
    // Few positions: no split.
    expect(filterGradientSplits(10, 1).splits).toBe(1);
  });
});

describe.skipIf(!available)('webgpu kernels of dlnet', () => {
  it('Conv2DBackpropFilter matches the cpu kernel, split into parts or not', async () => {
    const splits: number[] = [];
    const check = async (c: ConvCase) => {
      const p = c.same ? 'same' : 'valid';
      const info = tf.backend_util.computeConv2DInfo([c.b, c.h, c.w, c.ci], [c.kh, c.kw, c.ci, c.co], [c.sh, c.sw], 1, p);
      if (info.outHeight < 1 || info.outWidth < 1) return;
      splits.push(filterGradientSplits(c.b * info.outHeight * info.outWidth, filterBlocks([c.kh, c.kw, c.ci, c.co])).splits);
      await expectMatchesCpu('webgpu', () => {
        const x = seeded([c.b, c.h, c.w, c.ci], c.seed) as tf.Tensor4D;
        return [tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, [c.sh, c.sw], p), seeded(info.outShape, c.seed + 3))))(seeded([c.kh, c.kw, c.ci, c.co], c.seed + 7))];
      });
    };
    await fc.assert(fc.asyncProperty(convCase(4), check), { numRuns: 40 });
    // Four that are split for certain: positions in several parts, strided and not, padded and not.
    await check({ b: 3, h: 12, w: 12, ci: 2, co: 3, kh: 3, kw: 3, sh: 1, sw: 1, same: true, seed: 5 });
    await check({ b: 6, h: 24, w: 22, ci: 3, co: 2, kh: 2, kw: 3, sh: 2, sw: 1, same: false, seed: 9 });
    // Several blocks of the filter gradient each way, partly filled.
    await check({ b: 8, h: 14, w: 13, ci: 16, co: 40, kh: 3, kw: 3, sh: 2, sw: 2, same: true, seed: 13 });
    // More filter values than a dispatch's 65,535 workgroups on one axis: the sum's workgroups spread over y (tfjs reshapes the dispatch).
    await check({ b: 8, h: 8, w: 8, ci: 256, co: 260, kh: 1, kw: 1, sh: 1, sw: 1, same: false, seed: 11 });
    expect(splits.slice(-4).every((n) => n > 1)).toBe(true);
    expect(splits.some((n) => n === 1)).toBe(true);
  }, 120_000);

  it("Conv2DBackpropInput by tfjs's matrix-product program, which dlnet turns on, matches the cpu kernel: gradients and conv2dTranspose", async () => {
    await selectBackend('webgpu');
    expect(tf.env().getBool('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE')).toBe(false);
    const programs: string[] = [];
    const check = async (c: ConvCase) => {
      const p = c.same ? 'same' : 'valid';
      const info = tf.backend_util.computeConv2DInfo([c.b, c.h, c.w, c.ci], [c.kh, c.kw, c.ci, c.co], [c.sh, c.sw], 1, p);
      if (info.outHeight < 1 || info.outWidth < 1) return;
      await expectMatchesCpu('webgpu', () => {
        const f = seeded([c.kh, c.kw, c.ci, c.co], c.seed + 7) as tf.Tensor4D;
        const backend = tf.backend() as unknown as { runWebGPUProgram?(p: { shaderKey: string }, ...rest: unknown[]): unknown };
        const run = backend.runWebGPUProgram;
        if (run) backend.runWebGPUProgram = (p, ...rest) => (programs.push(p.shaderKey), run.call(backend, p, ...rest));
        try {
          return [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f, [c.sh, c.sw], p), seeded(info.outShape, c.seed + 3))))(seeded([c.b, c.h, c.w, c.ci], c.seed))];
        } finally {
          if (run) backend.runWebGPUProgram = run;
        }
      });
    };
    await fc.assert(fc.asyncProperty(convCase(4), check), { numRuns: 40 });
    // A conv2dTranspose layer runs the same kernel forward: its output shape is the one asked for, strides and paddings as a layer has them.
    await fc.assert(fc.asyncProperty(convCase(4), async (c) => {
      const p = c.same ? 'same' : 'valid';
      const out: [number, number, number, number] = [c.b, c.h * c.sh + (c.same ? 0 : Math.max(c.kh - c.sh, 0)), c.w * c.sw + (c.same ? 0 : Math.max(c.kw - c.sw, 0)), c.co];
      await expectMatchesCpu('webgpu', () => [tf.conv2dTranspose(seeded([c.b, c.h, c.w, c.ci], c.seed) as tf.Tensor4D, seeded([c.kh, c.kw, c.co, c.ci], c.seed + 1) as tf.Tensor4D, out, [c.sh, c.sw], p)]);
    }), { numRuns: 30 });
    // The 32x32 CNN's input gradients (docs/performance.md), on a batch of 4.
    await check({ b: 4, h: 32, w: 32, ci: 32, co: 32, kh: 3, kw: 3, sh: 1, sw: 1, same: true, seed: 5 });
    await check({ b: 4, h: 16, w: 16, ci: 32, co: 64, kh: 3, kw: 3, sh: 1, sw: 1, same: true, seed: 6 });
    expect(programs.some((k) => k.startsWith('conv2DDerInputMM'))).toBe(true);
    expect(programs.some((k) => k.startsWith('conv2DDerInput_'))).toBe(false);
  }, 300_000);

  it('sums over leading axes as the cpu does (split into parts or not, keeping dimensions or not), and leaves other sums to tfjs', async () => {
    const shapes = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 4 });
    await fc.assert(fc.asyncProperty(shapes, fc.nat(), fc.boolean(), fc.nat(), async (shape, leading, keepDims, seed) => {
      const axes = Array.from({ length: 1 + (leading % (shape.length - 1)) }, (_, i) => i);
      await expectMatchesCpu('webgpu', () => [tf.sum(seeded(shape, seed), axes, keepDims)]);
    }), { numRuns: 30 });
    // A bias gradient's shape: many rows, split for certain; a sum over the last axis and one over axes out of order.
    await expectMatchesCpu('webgpu', () => [tf.sum(seeded([64, 30, 30, 16], 3), [0, 1, 2]), tf.sum(seeded([300, 7], 4), [1, 0]), tf.sum(seeded([50, 60], 5), -1)]);
    const backend = tf.backend() as unknown as { runWebGPUProgram(p: { shaderKey: string }, ...rest: unknown[]): unknown };
    const run = backend.runWebGPUProgram;
    const programs: string[] = [];
    backend.runWebGPUProgram = (p, ...rest) => (programs.push(p.shaderKey), run.call(backend, p, ...rest));
    try {
      tf.dispose([tf.sum(seeded([64, 30, 30, 16], 3), [0, 1, 2]), tf.sum(seeded([50, 60], 5), -1)]);
    } finally {
      backend.runWebGPUProgram = run;
    }
    expect(programs.filter((k) => k.startsWith('dlnet'))).toEqual(['dlnetColumnParts', 'dlnetSumOfParts']);
  }, 120_000);

  it("the LSTM's two programs compute tfjs's LSTM layer: outputs and the four gradients, every step's or the last, more units than a workgroup's threads", async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(1, 3, 8, 70), fc.boolean(), fc.integer({ min: 0, max: 1000 }),
      async (B, T, I, H, sequences, seed) => {
        // The reference: tfjs's own LSTM layer on the cpu backend (whose gradient fails on one step: T from 2).
        await selectBackend('cpu');
        const init = (s: number) => tfl.initializers.randomNormal({ stddev: 0.4, seed: s });
        const layer = tfl.layers.lstm({ units: H, returnSequences: sequences, recurrentActivation: 'sigmoid', kernelInitializer: init(seed), recurrentInitializer: init(seed + 1), biasInitializer: init(seed + 2) });
        const x = seeded([B, T, I], seed + 3);
        const w = seeded(sequences ? [B, T, H] : [B, H], seed + 4);
        layer.apply(x);
        const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
        const loss = (out: tf.Tensor) => tf.sum(tf.mul(out, w)) as tf.Scalar;
        const out = layer.apply(x) as tf.Tensor;
        const dx = tf.grad((xx: tf.Tensor) => loss(layer.apply(xx) as tf.Tensor))(x);
        const { grads } = tf.variableGrads(() => loss(layer.apply(x) as tf.Tensor), vars);
        const reference = await Promise.all([out, dx, ...vars.map((v) => grads[v.name])].map((t) => t.data() as Promise<Float32Array>));
        const weights = await Promise.all(vars.map((v) => v.data()));
        const shapes = vars.map((v) => v.shape);
        layer.dispose();
        await selectBackend('webgpu');
        const device = await tf.tidy(() => {
          const [k, r, b] = weights.map((values, i) => tf.tensor(values, shapes[i]));
          const xs = tf.tensor(x.dataSync(), x.shape);
          const ws = tf.tensor(w.dataSync(), w.shape);
          const f = (xx: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(lstmOnWebgpu(xx, kk, rr, bb, sequences), ws));
          return [lstmOnWebgpu(xs, k, r, b, sequences), ...tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([xs, k, r, b])];
        });
        const values = await Promise.all(device.map((t) => t.data() as Promise<Float32Array>));
        tf.dispose(device);
        values.forEach((v, i) => expectClose(v, reference[i]));
      },
    ), { numRuns: 16 });
  }, 120_000);

  // AdamW's reference is dlnet's AdamW on the cpu: a tfjs op shrinks each weight there, the device's kernel does it in its step.
  it.each<{ name: string; args: Record<string, number>; reference: () => tf.Optimizer }>([
    { name: 'adam', args: { learningRate: 0.05 }, reference: () => tf.train.adam(0.05) },
    { name: 'adamw', args: { learningRate: 0.05, weightDecay: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, reference: () => optimizer({ name: 'adamw', args: { learningRate: 0.05, weightDecay: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }) },
  ])("$name on the device steps as on the cpu, in place: weights, moments, powers of beta, a variable without a gradient, a new rate", async ({ name, args, reference: cpuOptimizer }) => {
    const train = async (backend: 'cpu' | 'webgpu') => {
      await selectBackend(backend);
      const w = tf.variable(seeded([3, 4], 1), true, `w-${backend}`);
      const b = tf.variable(seeded([4], 2), true, `b-${backend}`);
      const idle = tf.variable(seeded([2], 3), true, `idle-${backend}`);
      const x = seeded([5, 3], 4);
      // dlnet's optimiser on webgpu; the reference on the cpu (tfjs's own Adam).
      const opt = backend === 'webgpu' ? optimizer({ name, args }) : cpuOptimizer();
      const step = () => opt.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar, false, [w, b, idle]);
      step();
      const buffers = [w.dataId, b.dataId];
      for (let i = 1; i < 6; i++) {
        if (i === 3) (opt as unknown as { learningRate: number }).learningRate = 0.01;
        // Reading a variable keeps a copy of its values on the CPU: a step in place must not leave that copy behind.
        if (i === 2) await Promise.all([w.data(), b.data()]);
        step();
      }
      // On the device each step writes into the variables' own buffers; tfjs's Adam assigns new ones.
      if (backend === 'webgpu') expect([w.dataId, b.dataId]).toEqual(buffers);
      const state = await opt.getWeights();
      const values = await Promise.all([w, b, idle, ...state.map((s) => s.tensor)].map((t) => t.data() as Promise<Float32Array>));
      tf.dispose([w, b, idle, x]);
      opt.dispose();
      return values;
    };
    const reference = await train('cpu');
    const device = await train('webgpu');
    expect(device.length).toBe(reference.length);
    device.forEach((values, i) => expectClose(values, reference[i]));
    expect(Array.from(device[2])).toEqual(Array.from(seeded([2], 3).dataSync()));
  });

  it("draws dropout's masks on the device: the rate's share dropped, tfjs's scale, a new mask at every call, the same masks for the same seed", async () => {
    await selectBackend('webgpu');
    const draw = async (seed: number, calls: number, noise?: boolean) => {
      const layer = noise ? new SpatialDropout1D({ rate: 0.25, seed }) : new Dropout({ rate: 0.25, seed });
      const x = tf.ones(noise ? [4, 8, 512] : [8, 4096]);
      const masks: Float32Array[] = [];
      for (let i = 0; i < calls; i++) masks.push((await tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor).data()) as Float32Array);
      layer.dispose();
      x.dispose();
      return masks;
    };
    const masks = await draw(5, 3);
    for (const m of masks) {
      expect(new Set(m)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
      const dropped = m.filter((v) => v === 0).length / m.length;
      expect(Math.abs(dropped - 0.25)).toBeLessThan(0.015); // 32,768 draws: 3σ is 0.007
    }
    expect(masks[1]).not.toEqual(masks[0]);
    expect(await draw(5, 3)).toEqual(masks);
    expect((await draw(6, 1))[0]).not.toEqual(masks[0]);
    // SpatialDropout1D drops whole channels: one draw per example and channel, the same at every step of the sequence.
    const [spatial] = await draw(5, 1, true);
    for (let b = 0; b < 4; b++) for (let c = 0; c < 512; c++) for (let t = 1; t < 8; t++) expect(spatial[(b * 8 + t) * 512 + c]).toBe(spatial[b * 8 * 512 + c]);
  });

  it('uploads float32, int32 and bool values through the queue, from the buffer pool', async () => {
    await selectBackend('webgpu');
    const device = (tf.backend() as unknown as { device: { createBuffer: (d: object) => unknown } }).device;
    const upload = () => {
      const floats = tf.tensor1d([1.5, -2, 3.25, 0]);
      const ints = tf.tensor1d([7, -8, 9, 10], 'int32');
      const bools = tf.tensor1d([true, false, true, true], 'bool');
      return tf.tidy(() => [tf.add(floats, 1), tf.add(ints, 1), tf.logicalNot(bools), tf.where(bools, floats, tf.neg(floats))]);
    };
    const first = upload();
    expect(await Promise.all(first.map((t) => t.array()))).toEqual([[2.5, -1, 4.25, 1], [8, -7, 10, 11], [0, 1, 0, 0], [1.5, 2, 3.25, 0]]);
    tf.dispose(first);
    await tf.tensor1d([0]).data(); // a submit: the last uploads' buffers go back to the pool
    const create = device.createBuffer;
    let staging = 0;
    device.createBuffer = (d: object) => {
      if (((d as { usage: number }).usage & 0x0002) !== 0) staging++; // GPUBufferUsage.MAP_WRITE: tfjs's upload staging
      return create.call(device, d);
    };
    try {
      const again = upload();
      expect(await Promise.all(again.map((t) => t.array()))).toEqual([[2.5, -1, 4.25, 1], [8, -7, 10, 11], [0, 1, 0, 0], [1.5, 2, 3.25, 0]]);
      tf.dispose(again);
    } finally {
      device.createBuffer = create;
    }
    expect(staging).toBe(0);
  });

  it("writes a kernel's uniforms once, and keeps different values apart", async () => {
    await selectBackend('webgpu');
    const queue = (tf.backend() as unknown as { queue: { writeBuffer: (...a: unknown[]) => void } }).queue;
    const x = tf.tensor1d([-2, -0.5, 0.5, 2]);
    const clip = async (low: number, high: number) => {
      const y = tf.clipByValue(x, low, high);
      const values = Array.from(await y.data());
      y.dispose();
      return values;
    };
    expect(await clip(-1, 1)).toEqual([-1, -0.5, 0.5, 1]);
    expect(await clip(0, 0.75)).toEqual([0, 0, 0.5, 0.75]);
    const write = queue.writeBuffer;
    let writes = 0;
    queue.writeBuffer = (...a: unknown[]) => (writes++, write.apply(queue, a));
    try {
      expect(await clip(-1, 1)).toEqual([-1, -0.5, 0.5, 1]);
      expect(await clip(0, 0.75)).toEqual([0, 0, 0.5, 0.75]);
    } finally {
      queue.writeBuffer = write;
    }
    expect(writes).toBe(0);
    x.dispose();
  });

  it('gives the same bind group for the same layout and buffers, and a new one for other buffers', async () => {
    await selectBackend('webgpu');
    const backend = tf.backend() as unknown as { device: { createBindGroup(d: object): object; createBuffer(d: object): { destroy(): void } }; pipelineCache: Record<string, { getBindGroupLayout(i: number): object }> };
    await tf.sub(tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([4, 3, 2, 1])).data();
    // A binary op's program: bindings 0 (the result), 1 and 2 (the operands), 3 (the uniforms).
    const pipeline = Object.entries(backend.pipelineCache).find(([key]) => key.startsWith('binary'))![1];
    expect(pipeline.getBindGroupLayout(0)).toBe(pipeline.getBindGroupLayout(0));
    const buffers = [0, 1, 2, 3].map(() => backend.device.createBuffer({ size: 16, usage: 0x0080 | 0x0008 }));
    const uniforms = backend.device.createBuffer({ size: 256, usage: 0x0040 | 0x0008 });
    const group = (a: object, b: object, c: object) => backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: a } }, { binding: 1, resource: { buffer: b } }, { binding: 2, resource: { buffer: c } }, { binding: 3, resource: { buffer: uniforms, offset: 0, size: 256 } }] });
    const first = group(buffers[0], buffers[1], buffers[2]);
    expect(group(buffers[0], buffers[1], buffers[2])).toBe(first);
    expect(group(buffers[0], buffers[1], buffers[3])).not.toBe(first);
    expect(group(buffers[1], buffers[0], buffers[2])).not.toBe(first);
    [...buffers, uniforms].forEach((b) => b.destroy());
  });
});
