/**
 * Training speed of a model on this backend, measured on a throw-away copy that learns
 * nothing (rate 0), stepped as a run steps it — through model.fit with a batch callback,
 * or on webgpu through dlnet's device steps, replayed once they can be: the figure that
 * decisions about a run (replicas, batch size) compare.
 */
import type { Args, Choice, ModelGraph } from '../../dsl';
import { compileModel } from '../compile/compile';
import type { Data } from '../data/dataset';
import { tf, type tfl } from '../tf';
import { deviceStepper } from './device-steps';
import type { Stepper } from './fit';
import { loss, metrics, optimizer } from './optim';
import { featureTensors, labelTensor } from './tensors';

/** Settings that keep a measured copy where it started. */
export function stillSettings(settings: Args): Args {
  return { ...settings, optimizer: { name: 'sgd', args: { learningRate: 0 } } };
}

/** The examples of `count` batches of `batchSize` from batch `from` on. */
export function batchIndices(from: number, count: number, batchSize: number): number[] {
  return Array.from({ length: count * batchSize }, (_, k) => from * batchSize + k);
}

/** Steps per second over `steps` batches, after `warmUp` batches that compile kernels and warm the JIT. */
export async function fitStepsPerSecond(g: ModelGraph, settings: Args, data: Data, batchSize: number, warmUp: number, steps: number): Promise<number> {
  const still = stillSettings(settings);
  const model: tfl.LayersModel = compileModel(g, 0);
  const opt = optimizer(still.optimizer as Choice);
  try {
    model.compile({ optimizer: opt, loss: loss(still), metrics: metrics(still) });
    const device = deviceStepper(model, g, data, batchSize);
    if (device) return await deviceStepsPerSecond(device, batchSize, warmUp, steps);
    const fitOn = async (indices: number[]) => {
      const xs = featureTensors(g, data, indices);
      const y = labelTensor(data, indices);
      await model.fit(xs.length === 1 ? xs[0] : xs, y, { batchSize, epochs: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async () => {} } });
      tf.dispose([...xs, y]);
    };
    await fitOn(batchIndices(0, warmUp, batchSize));
    const started = performance.now();
    await fitOn(batchIndices(warmUp, steps, batchSize));
    return (steps * 1000) / (performance.now() - started);
  } finally {
    model.dispose();
    opt.dispose();
  }
}

/** The same through a device stepper: each step read before the next, as a run reads the one before. */
async function deviceStepsPerSecond(step: Stepper, batchSize: number, warmUp: number, steps: number): Promise<number> {
  const run = (from: number) => {
    const indices = Uint32Array.from(batchIndices(from, 1, batchSize));
    return step.issue?.(indices) ?? step(indices);
  };
  try {
    for (let b = 0; b < warmUp; b++) await run(b);
    const started = performance.now();
    for (let b = warmUp; b < warmUp + steps; b++) await run(b);
    return (steps * 1000) / (performance.now() - started);
  } finally {
    step.close?.();
  }
}
