/**
 * The webgpu backend, for real: Dawn (the optional `webgpu` package) on whatever adapter
 * this machine has. Without a GPU that is Mesa's software renderer through OpenGL ES,
 * which runs the same tfjs webgpu kernels, device and buffers as a GPU would. CI sets
 * DLNET_REQUIRE_WEBGPU=1 so that a missing adapter fails instead of skipping.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../dsl';
import { BackendError, selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { vulkanDriverInstalled } from '../../runtime/gpu';
import { tf, tfl } from '../../runtime/tf';
import type { StartEvent, TrainEvent } from '../../runtime/train/events';
import { runTraining } from '../../runtime/train/run';
import { lstmOnWebgpuAvailable } from '../../runtime/layers/lstm-on-webgpu';
import { smallBatchModel } from '../support/models';

const choice = await selectBackend('webgpu').catch((e: Error) => e);
const available = !(choice instanceof Error);
if (!available && process.env.DLNET_REQUIRE_WEBGPU) throw new Error(`DLNET_REQUIRE_WEBGPU is set but ${choice.message}`);

/** A small CNN on 256 MNIST digits in a file of its own, trained as `settings` say. */
function smallCnn(settings: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dlnet-webgpu-')), 'conv.dlnet');
  writeFileSync(file, `dataset digits = mnist(samples: 256)
model Small {
  input image: [28, 28, 1]
  conv2d(4, kernel: 3, activation: relu)
  maxPool2d(2)
  flatten
  dense(10, activation: softmax)
}
train Small on digits { ${settings} }
`);
  return file;
}

describe.skipIf(!available)('webgpu backend (Dawn)', () => {
  it('starts on the adapter found and says which one, and whether it is software', async () => {
    const c = await selectBackend('webgpu');
    expect(c.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(c.reason).toMatch(/^WebGPU \(Dawn\) on .+ \((native|OpenGL ES)(, software)?\)/);
  });

  it('computes what the cpu backend computes (matMul, conv2d and their gradients)', async () => {
    const run = async () => {
      const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), [2, 9, 9, 3]);
      const w = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]);
      const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(a, b, 2, 'same')));
      const [gx, gw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w]);
      const m = tf.matMul(tf.reshape(x, [2, -1]), tf.reshape(x, [-1, 2]));
      const out = await Promise.all([f(x, w), gx, gw, m].map((t) => t.data()));
      tf.dispose([x, w, gx, gw, m]);
      return out;
    };
    const gpu = await run();
    await selectBackend('cpu');
    const cpu = await run();
    await selectBackend('webgpu');
    gpu.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(cpu[i][j], Math.abs(cpu[i][j]) > 100 ? 0 : 3)));
  });

  it('auto passes over a software adapter, saying why, and --gpu names one that is not there', async () => {
    const c = await selectBackend('webgpu');
    if (!/software/.test(c.reason)) return; // a real GPU: auto would rightly take it
    const auto = await selectBackend('auto');
    expect(auto.name).not.toBe('webgpu');
    // Auto does not look on OpenGL ES; a native software adapter (lavapipe) it finds and passes over.
    expect(auto.skipped.join('\n')).toMatch(/webgpu: (no GPU adapter found(; no Vulkan driver is installed)? \(OpenGL ES and software adapters are tried with --backend webgpu only\)|only a software adapter \(.+\), slower than wasm; ask for it with --backend webgpu)/);
    const wrong = await selectBackend('webgpu', { gpu: 'no-such-gpu' }).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(BackendError);
    expect((wrong as Error).message).toMatch(/no GPU adapter matches 'no-such-gpu' \(found: .+\)/);
  });

  it('trains a model twice in one process and gives the memory back after each run', async () => {
    const file = smallCnn('loss: categoricalCrossentropy; epochs: 2; batchSize: 64; metrics: [accuracy]');
    const dir = dirname(file);
    await selectBackend('webgpu');
    const memory = () => tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
    const before = memory().numTensors;
    const after: { tensors: number; allocated: number }[] = [];
    for (let run = 0; run < 2; run++) {
      const events: TrainEvent[] = [];
      const result = await runTraining({ file, backend: 'webgpu', out: join(dir, 'runs'), sink: (e) => events.push(e), representation: false, workers: 1 });
      expect(result.status, JSON.stringify(events.filter((e) => e.type === 'error'))).toBe('completed');
      expect((events[0] as StartEvent).backend).toBe('webgpu');
      expect(Number.isFinite(result.logs!.loss)).toBe(true);
      after.push({ tensors: memory().numTensors, allocated: memory().numBytesAllocatedInGPU ?? 0 });
    }
    // Nothing of the first run is left for the second to add to, and no buffers are kept for reuse.
    expect(after.map((a) => a.tensors)).toEqual([before, before]);
    expect(after[1].allocated).toBeLessThanOrEqual(after[0].allocated);
    expect(after[1].allocated).toBeLessThan(1024 * 1024);
  }, 120_000);

  it('steps each batch through trainOnBatch and logs what model.fit logs on the cpu, validation included', async () => {
    const file = smallCnn('loss: categoricalCrossentropy; optimizer: adam(learningRate: 0.01); epochs: 2; batchSize: 50; validationSplit: 0.25; metrics: [accuracy]');
    const dir = dirname(file);
    const epochs = async (backend: 'cpu' | 'webgpu') => {
      const events: TrainEvent[] = [];
      const result = await runTraining({ file, backend, out: join(dir, backend), sink: (e) => events.push(e), representation: false, workers: 1 });
      expect(result.status, JSON.stringify(events.filter((e) => e.type === 'error'))).toBe('completed');
      return events.flatMap((e) => (e.type === 'epoch' ? [e.logs] : []));
    };
    const reference = await epochs('cpu');
    const device = await epochs('webgpu');
    expect(device.map((l) => Object.keys(l).sort())).toEqual(reference.map((l) => Object.keys(l).sort()));
    expect(Object.keys(device[0])).toEqual(expect.arrayContaining(['loss', 'acc', 'val_loss', 'val_acc']));
    device.forEach((logs, e) => Object.entries(logs).forEach(([k, v]) => expect(v, `${k}, epoch ${e + 1}`).toBeCloseTo(reference[e][k], 3)));
  }, 120_000);

  it('stops a run with the epoch, the batch and the first line of an error the GPU reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-webgpu-'));
    const file = join(dir, 'small.dlnet');
    writeFileSync(file, smallBatchModel(1));
    await selectBackend('webgpu');
    const device = (tf.backend() as unknown as { device: { createShaderModule(d: { code: string }): unknown } }).device;
    const events: TrainEvent[] = [];
    let broken = false;
    const sink = (e: TrainEvent) => {
      events.push(e);
      // A program the device refuses, as a driver might refuse one of the kernels': tfjs never asks.
      if (e.type === 'batch' && !broken) broken = !!device.createShaderModule({ code: 'fn main( {' });
    };
    const result = await runTraining({ file, backend: 'webgpu', out: join(dir, 'runs'), sink, representation: false, workers: 1, adviseBatchSize: false });
    expect(result.status).toBe('failed');
    const error = events.find((e) => e.type === 'error') as { message: string } | undefined;
    expect(error?.message).toMatch(/the GPU reported an error by epoch \d+, batch \d+: Error while parsing WGSL/);
  }, 120_000);

  it("keeps tfjs's LSTM where the state of the units would not fit a workgroup's memory", async () => {
    await selectBackend('webgpu');
    expect(lstmOnWebgpuAvailable(32)).toBe(true);
    expect(lstmOnWebgpuAvailable(100_000)).toBe(false);
  });

  it('advises a larger batch when it measures much faster, with the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-webgpu-'));
    const file = join(dir, 'small.dlnet');
    writeFileSync(file, smallBatchModel(1));
    const events: TrainEvent[] = [];
    // The advice times steps as the run takes them (device steps, replayed once they can be), never model.fit.
    const fit = tfl.LayersModel.prototype.fit;
    let fits = 0;
    tfl.LayersModel.prototype.fit = function (...args: Parameters<typeof fit>) {
      fits++;
      return fit.apply(this, args);
    };
    const result = await runTraining({ file, backend: 'webgpu', out: join(dir, 'runs'), sink: (e) => events.push(e), representation: false, workers: 1 }).finally(() => {
      tfl.LayersModel.prototype.fit = fit;
    });
    expect(result.status).toBe('completed');
    expect(fits).toBe(0);
    const advice = (events[0] as StartEvent).batchAdvice!;
    expect(advice).toBeDefined();
    expect(advice.batchSize).toBe(8);
    expect(advice.suggested).toBe(32);
    expect(advice.speedup).toBeGreaterThanOrEqual(1.5);
    expect(advice.speedup).toBeCloseTo(advice.samplesPerSec[1] / advice.samplesPerSec[0], 1);
    expect(advice.message).toMatch(/^batchSize 32 trained \d+\.\dx the samples per second of 8/);
  }, 120_000);

  it("runs a compiled lstm as dlnet's two programs, not tfjs's kernels at every step", async () => {
    await selectBackend('webgpu');
    const m = compileModel(analyze('model M {\n  input x: [5, 3]\n  lstm(4)\n}').models[0], 1);
    const x = tf.randomNormal([2, 5, 3]);
    const { kernelNames } = await tf.profile(() => m.predict(x) as tf.Tensor);
    expect(kernelNames).toContain('DlnetLstmForward');
    expect(kernelNames).not.toContain('Sigmoid');
    tf.dispose(x);
    m.dispose();
  });

  it('looks for a Vulkan driver where the loader does, or as the environment names one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-vulkan-'));
    mkdirSync(join(dir, 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(dir, 'vulkan', 'icd.d', 'nvidia_icd.json'), '{}');
    expect(vulkanDriverInstalled({ XDG_DATA_DIRS: dir })).toBe(true);
    expect(vulkanDriverInstalled({ VK_ICD_FILENAMES: '/opt/driver.json' })).toBe(true);
  });
});
