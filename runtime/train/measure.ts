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
import { stepwiseEpoch, type Stepper } from './fit';
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
    if (device) return await deviceStepsPerSecond(device, model, batchSize, warmUp, steps);
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

/** The same through a device stepper (which it closes), stepped by a run's own loop: replayed steps issued ahead of the one being read, as a run issues them. */
export async function deviceStepsPerSecond(step: Stepper, model: tfl.LayersModel, batchSize: number, warmUp: number, steps: number): Promise<number> {
  const batches = (from: number, count: number) => {
    const order = Uint32Array.from(batchIndices(from, count, batchSize));
    return stepwiseEpoch(step, model, order.length, order, batchSize, {}, async () => {});
  };
  try {
    await batches(0, warmUp);
    const started = performance.now();
    await batches(warmUp, steps);
    return (steps * 1000) / (performance.now() - started);
  } finally {
    step.close?.();
  }
}
