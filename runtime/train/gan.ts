/**
 * `train G vs D on data`: alternating updates. The discriminator learns real (1) from
 * generated (0) examples; the generator learns through a frozen copy of the
 * discriminator to make it answer 1. Both losses are reported, and the generator's
 * samples for a fixed set of noise vectors after every epoch.
 */
import type { Args, Choice, ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { Random } from '../data/random';
import { tf, tfl } from '../tf';
import type { Control } from './control';
import type { Logs, SamplesEvent, Sink } from './events';
import { gpuFailure, TrainingError, type FitResult } from './fit';
import { baseLearningRate, LearningRates, optimizer, setLearningRate } from './optim';
import { columnTensor } from './tensors';

export interface GanOptions {
  epochs: number;
  batchSize: number;
  sink: Sink;
  control: Control;
  onEpoch?: (epoch: number, logs: Logs) => void;
}

const SAMPLES_SHOWN = 256;

export async function fitGan(gen: tfl.LayersModel, disc: tfl.LayersModel, gGraph: ModelGraph, settings: Args, data: Data, o: GanOptions): Promise<FitResult> {
  const latent = gGraph.inputs[0].shape as number[];
  const rng = new Random(settings.seed as number);
  let noiseSeed = (settings.seed as number) * 7919 + 1;
  const noise = (n: number) => tf.randomNormal([n, ...latent], 0, 1, 'float32', noiseSeed++);
  const rates = new LearningRates(baseLearningRate(settings.optimizer as Choice), settings.schedule as Choice | undefined, o.epochs);
  const discOptimizer = optimizer(settings.optimizer as Choice);
  const genOptimizer = optimizer(settings.optimizer as Choice);
  disc.compile({ optimizer: discOptimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  disc.trainable = false;
  const combined = tfl.model({ inputs: gen.inputs, outputs: disc.apply(gen.outputs[0]) as tfl.SymbolicTensor });
  combined.compile({ optimizer: genOptimizer, loss: 'binaryCrossentropy' });
  disc.trainable = true;

  const fixedZ = noise(SAMPLES_SHOWN);
  const real = data.features[0];
  const radius = real.shape.length === 1 && real.shape[0] === 2 ? meanNorm(real.data, data.size) : undefined;
  const steps = settings.discriminatorSteps as number;
  const batches = Math.ceil(data.size / o.batchSize);
  let logs: Logs = {};
  let status: FitResult['status'] = 'completed';
  let epoch = 0;
  const started = performance.now();
  try {
    for (; epoch < o.epochs; epoch++) {
      await o.control.checkpoint();
      if (o.control.stopRequested) {
        status = 'stopped';
        break;
      }
      // Both networks step at the schedule's rate (reduceOnPlateau, which watches a plain training's values, is refused by the checker).
      const rate = rates.at(epoch);
      setLearningRate(discOptimizer, rate);
      setLearningRate(genOptimizer, rate);
      const order = rng.permutation(data.size);
      const sums: Logs = { d_loss: 0, d_acc: 0, g_loss: 0 };
      const epochStart = performance.now();
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * o.batchSize, Math.min((b + 1) * o.batchSize, data.size));
        const n = idx.length;
        const batchStart = performance.now();
        let dLoss = 0;
        let dAcc = 0;
        for (let s = 0; s < steps; s++) {
          const [l, a] = tf.tidy(() => {
            const x = tf.concat([columnTensor(real, data.size, idx), gen.predict(noise(n)) as tf.Tensor]);
            const y = tf.concat([tf.ones([n, 1]), tf.zeros([n, 1])]);
            return [x, y];
          });
          const r = (await disc.trainOnBatch(l, a)) as number[];
          tf.dispose([l, a]);
          dLoss += r[0] / steps;
          dAcc += r[1] / steps;
        }
        const z = noise(n);
        const ones = tf.ones([n, 1]);
        const gLoss = (await combined.trainOnBatch(z, ones)) as number;
        tf.dispose([z, ones]);
        if (![dLoss, gLoss].every(Number.isFinite)) throw new TrainingError(`the GAN losses became ${dLoss} / ${gLoss} at epoch ${epoch + 1}, batch ${b + 1}: lower the learning rate`);
        const gpu = gpuFailure(epoch, b);
        if (gpu) throw new TrainingError(gpu);
        sums.d_loss += dLoss;
        sums.d_acc += dAcc;
        sums.g_loss += gLoss;
        o.sink({ type: 'batch', epoch: epoch + 1, batch: b + 1, batchesPerEpoch: batches, logs: { d_loss: dLoss, d_acc: dAcc, g_loss: gLoss }, samplesPerSec: Math.round((n * 1000) / Math.max(performance.now() - batchStart, 1e-3)) });
        if (o.control.stopRequested) break;
        await o.control.checkpoint();
      }
      logs = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / batches]));
      const elapsed = performance.now() - started;
      o.sink({ type: 'epoch', epoch: epoch + 1, epochs: o.epochs, logs, samplesPerSec: Math.round((data.size * 1000) / (performance.now() - epochStart)), elapsedMs: Math.round(elapsed), etaMs: Math.round((elapsed / (epoch + 1)) * (o.epochs - epoch - 1)), learningRate: rate });
      o.onEpoch?.(epoch + 1, logs);
      o.sink(await samples(gen, fixedZ, epoch + 1, real, data.size, radius));
    }
    return { status, logs, epochs: epoch };
  } finally {
    // The optimisers' moments are the run's too (model.dispose() leaves optimisers it was given).
    fixedZ.dispose();
    discOptimizer.dispose();
    genOptimizer.dispose();
  }
}

function meanNorm(xs: Float32Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.hypot(xs[2 * i], xs[2 * i + 1]);
  return s / n;
}

async function samples(gen: tfl.LayersModel, z: tf.Tensor, epoch: number, real: Data['features'][number], size: number, radius?: number): Promise<SamplesEvent> {
  const out = gen.predict(z) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  const shape = out.shape.slice(1) as number[];
  out.dispose();
  const n = z.shape[0];
  if (shape.length === 1 && shape[0] === 2) {
    const points = Array.from({ length: n }, (_, i) => [values[2 * i], values[2 * i + 1]] as [number, number]);
    const shown = Math.min(size, n);
    const realPoints = Array.from({ length: shown }, (_, i) => [real.data[2 * i], real.data[2 * i + 1]] as [number, number]);
    const meanDistanceToRing = radius === undefined ? undefined : points.reduce((s, [x, y]) => s + Math.abs(Math.hypot(x, y) - radius), 0) / n;
    return { type: 'samples', epoch, points, real: realPoints, meanDistanceToRing };
  }
  if (shape.length === 3 || (shape.length === 1 && Number.isInteger(Math.sqrt(shape[0])))) {
    const [h, w] = shape.length === 3 ? shape : [Math.sqrt(shape[0]), Math.sqrt(shape[0])];
    const per = values.length / n;
    const pixels = Array.from({ length: Math.min(16, n) }, (_, i) => Array.from(values.subarray(i * per, i * per + h * w), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
    return { type: 'samples', epoch, images: { width: w, height: h, pixels } };
  }
  return { type: 'samples', epoch };
}
