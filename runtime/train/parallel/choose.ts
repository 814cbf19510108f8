/**
 * How many replicas a run gets. A number is taken as asked (unless the model cannot be
 * split); `auto` measures: a few steps with one replica and with one per core, on
 * throw-away copies of the model and real batches, and keeps the faster. Only models
 * with convolutions are measured — for dense and recurrent models a second replica was
 * slower in every benchmark (docs/performance.md), so they keep one without paying for
 * the measurement.
 */
import { availableParallelism } from 'node:os';
import type { Args, ModelGraph } from '../../../dsl';
import type { BackendName } from '../../backend';
import { compileModel } from '../../compile/compile';
import type { Data } from '../../data/dataset';
import { batchIndices, fitStepsPerSecond, stillSettings } from '../measure';
import { DataParallel } from './pool';
import { Replica } from './replica';

export type WorkersRequest = number | 'auto';

export interface WorkersChoice {
  count: number;
  /** Why, for the start event's backend line. */
  note?: string;
}

const CONVOLUTIONS = new Set(['conv1d', 'conv2d', 'conv2dTranspose', 'depthwiseConv2d', 'separableConv2d', 'primaryCaps']);
/** Auto measures at most this many replicas: each is a whole tfjs in a worker, and shares shrink. */
const AUTO_MAX = 4;
const WARM_UP = 10;
const STEPS = 20;

/** Why the model cannot be split between replicas, if it cannot. */
function unsplittable(g: ModelGraph, gan: boolean): string | undefined {
  if (gan) return 'a GAN trains in one thread';
  // Each replica would update batchNorm's moving statistics from its own share only.
  if (g.layers.some((l) => l.kind === 'batchNorm')) return "batchNorm's moving statistics would differ between replicas";
  return undefined;
}

export async function chooseWorkers(asked: WorkersRequest, g: ModelGraph, gan: boolean, settings: Args, data: Data, batchSize: number, backend: BackendName): Promise<WorkersChoice> {
  if (asked === 1) return { count: 1 };
  // Native TensorFlow threads its own kernels, and a GPU is one device: replicas are for the CPU backends.
  const why = backend === 'wasm' || backend === 'cpu' ? unsplittable(g, gan) : `the ${backend} backend runs in one process`;
  if (asked !== 'auto') {
    if (why) return { count: 1, note: `--workers ${asked} ignored: ${why}` };
    return { count: asked, note: `${asked} replicas, one per core, each taking 1/${asked} of every batch` };
  }
  const cores = Math.min(availableParallelism(), AUTO_MAX);
  if (why || cores < 2 || !g.layers.some((l) => CONVOLUTIONS.has(l.kind)) || data.size < batchSize * (WARM_UP + STEPS)) return { count: 1 };
  const one = await stepsPerSecond(g, settings, data, batchSize, backend, 1);
  const many = await stepsPerSecond(g, settings, data, batchSize, backend, cores);
  const ratio = many / one;
  if (ratio <= 1.1) return { count: 1, note: `one thread: ${cores} replicas measured ${ratio.toFixed(2)}x its speed` };
  return { count: cores, note: `${cores} replicas, one per core, measured ${ratio.toFixed(2)}x faster than one` };
}

/**
 * Training steps per second of `replicas` copies sharing each batch, on throw-away
 * copies that learn nothing. One replica is timed through model.fit (measure.ts), as a
 * run trains it, so the two figures compare what a run would do.
 */
async function stepsPerSecond(g: ModelGraph, settings: Args, data: Data, batchSize: number, backend: BackendName, replicas: number): Promise<number> {
  if (replicas === 1) return fitStepsPerSecond(g, settings, data, batchSize, WARM_UP, STEPS);
  const still = stillSettings(settings);
  const model = compileModel(g, 0);
  const parallel = await DataParallel.start(new Replica(model, still), g, 0, still, backend, replicas);
  try {
    for (let i = 0; i < WARM_UP; i++) await parallel.step(data, batchIndices(i, 1, batchSize)); // the first calls compile kernels and warm the JIT
    const started = performance.now();
    for (let i = WARM_UP; i < WARM_UP + STEPS; i++) await parallel.step(data, batchIndices(i, 1, batchSize));
    return (STEPS * 1000) / (performance.now() - started);
  } finally {
    await parallel.close();
    model.dispose();
  }
}
