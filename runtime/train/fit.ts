/**
 * Plain training: one `model.fit` call per epoch over a seeded shuffle, so the data
 * order is reproducible and the schedule, early stopping, pause/stop and the
 * representation snapshots happen between epochs. Batch events are throttled to
 * about 40 a second; a NaN or infinite loss, or an error the GPU reports, stops the run
 * with the epoch and batch.
 */
import { targetsFeatures, type Args, type Choice, type ModelGraph } from '../../dsl';
import { exampleLength, type Data } from '../data/dataset';
import { Random } from '../data/random';
import { takeGpuError } from '../gpu';
import { tf, tfl } from '../tf';
import type { Control } from './control';
import type { EndEvent, Logs, Sink, TrainEvent } from './events';
import { DenseStack } from './dense-stack';
import { deviceStepper } from './device-steps';
import { baseLearningRate, LearningRates, setLearningRate } from './optim';
import { AttentionProbe } from './attention-maps';
import { ReconstructionProbe } from './reconstructions';
import { TextPredictionsProbe } from './text-predictions';
import { RepresentationProbe } from './representation';
import { constantPredictionLoss, StallWatch } from './stall';
import type { DataParallel } from './parallel/pool';
import { classIndices, featureTensors, labelTensor, orderedFeatures } from './tensors';
import { Watch } from './watch';

export class TrainingError extends Error {}

/** The message for an error the GPU reported since the last look (0-based epoch and batch), if it did. */
export function gpuFailure(epoch: number, batch: number): string | undefined {
  const error = takeGpuError();
  return error && `the GPU reported an error by epoch ${epoch + 1}, batch ${batch + 1}: ${error}`;
}

/** Above this many bytes of training data, an epoch is fed to tfjs in chunks instead of as one tensor. */
const CHUNK_BYTES = 64 * 1024 * 1024;

function chunkExamples(data: Data, batchSize: number, bytes: number): number {
  const perExample = data.features.reduce((s, f) => s + f.data.length / Math.max(data.size, 1), 0) * 4;
  const fit = Math.floor(bytes / Math.max(perExample, 1) / batchSize) * batchSize;
  return Math.max(batchSize, Math.min(fit, data.size));
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  sink: Sink;
  control: Control;
  /** Called with each epoch's logs (metrics.jsonl). */
  onEpoch?: (epoch: number, logs: Logs) => void;
  representation: boolean;
  /** Chunk size for streaming large data (tests set it small). */
  chunkBytes?: number;
  /** Replicas on other cores that share every batch (runtime/train/parallel). */
  parallel?: DataParallel;
  /** 0-based line a warning about the optimisation sends the user to (its optimizer setting). */
  optimizerLine?: number;
}

export interface FitResult {
  status: EndEvent['status'];
  logs: Logs;
  epochs: number;
  confusion?: EndEvent['confusion'];
  kept?: EndEvent['kept'];
}

/** What the panel draws of a model as it learns (its representations, reconstructions, attention, how it reads texts). */
interface Probe {
  snapshot(epoch: number): Promise<TrainEvent>;
  dispose(): void;
}

const one = (ts: tf.Tensor[]) => (ts.length === 1 ? ts[0] : ts);

export async function fit(model: tfl.LayersModel, optimizer: tf.Optimizer, g: ModelGraph, settings: Args, train: Data, validation: Data | undefined, o: FitOptions): Promise<FitResult> {
  const rng = new Random((settings.seed as number) + 1);
  const valX = validation && featureTensors(g, validation);
  const valY = validation && labelTensor(validation);
  // What the panel draws as the model learns, each an event before training and after every epoch, in this order.
  const shown = validation ?? train;
  const probes: Probe[] = o.representation ? [
    new RepresentationProbe(model, g, shown),
    targetsFeatures(settings) ? ReconstructionProbe.of(model, g, shown) : undefined,
    AttentionProbe.of(model, g, shown),
    TextPredictionsProbe.of(model, g, shown),
  ].filter((p): p is NonNullable<typeof p> => p !== undefined) : [];
  const snapshots = async (epoch: number) => {
    for (const p of probes) o.sink(await p.snapshot(epoch));
  };
  const rates = new LearningRates(baseLearningRate(settings.optimizer as Choice), settings.schedule as Choice | undefined, o.epochs);
  const stall = new StallWatch({
    learningRate: rates.at(0), optimizerLine: o.optimizerLine ?? g.range.start.line, modelLine: g.range.start.line,
    baseline: constantPredictionLoss((settings.loss as Choice | undefined)?.name ?? '', train.labels, train.size),
  });
  const early = settings.earlyStopping as Choice | undefined;
  const watch = early && new Watch((early.args.monitor as Choice).name, early.args.minDelta as number);
  // restoreBest: a copy of the weights of the best epoch so far, put back at the end.
  let best: { epoch: number; weights: tf.Tensor[] } | undefined;
  let logs: Logs = {};
  let status: FitResult['status'] = 'completed';
  let epoch = 0;
  const batches = Math.ceil(train.size / o.batchSize);
  // Batches stepped one by one outside model.fit: by the replicas, in loops for a small dense stack, or through trainOnBatch on webgpu.
  const stepper: Stepper | undefined = o.parallel ? (indices: Uint32Array) => o.parallel!.step(train, indices) : denseStackStepper(model, optimizer, g, train) ?? deviceStepper(model, g, train, o.batchSize);
  const started = performance.now();
  try {
    await snapshots(0);
    for (; epoch < o.epochs; epoch++) {
      await o.control.checkpoint();
      if (o.control.stopRequested) {
        status = 'stopped';
        break;
      }
      const rate = rates.at(epoch);
      setLearningRate(optimizer, rate);
      o.parallel?.setLearningRate(rate);
      const order = settings.shuffle === false ? Uint32Array.from({ length: train.size }, (_, i) => i) : rng.permutation(train.size);
      let pending: Logs = {};
      let pendingCount = 0;
      let lastEmit = performance.now();
      let lastBatch = performance.now();
      let failure: string | undefined;
      const epochStart = performance.now();
      // Large data is streamed: the epoch goes through the shuffled examples a chunk at a time.
      const chunk = chunkExamples(train, o.batchSize, o.chunkBytes ?? CHUNK_BYTES);
      const sums: Logs = {};
      const valLogs: Logs = {};
      let fitted = 0;
      const afterBatch = async (batch: number, batchLogs: Logs | undefined) => {
        const now = performance.now();
        const size = Math.min(o.batchSize, train.size - batch * o.batchSize);
        for (const [k, v] of Object.entries(batchLogs ?? {})) {
          if (k === 'batch' || k === 'size') continue;
          if (!Number.isFinite(v as number)) failure ??= `${k} became ${v} at epoch ${epoch + 1}, batch ${batch + 1}: lower the learning rate, check the data for extreme values, or normalise the inputs`;
          pending[k] = (pending[k] ?? 0) + (v as number);
        }
        pendingCount++;
        failure ??= gpuFailure(epoch, batch);
        if (failure) model.stopTraining = true;
        if (o.control.stopRequested) model.stopTraining = true;
        if (now - lastEmit > 25 || batch === batches - 1) {
          const mean = Object.fromEntries(Object.entries(pending).map(([k, v]) => [k, v / pendingCount]));
          o.sink({ type: 'batch', epoch: epoch + 1, batch: batch + 1, batchesPerEpoch: batches, logs: mean, samplesPerSec: Math.round((size * 1000) / Math.max(now - lastBatch, 1e-3)) });
          pending = {};
          pendingCount = 0;
          lastEmit = now;
        }
        lastBatch = performance.now();
        await o.control.checkpoint();
      };
      if (stepper) {
        model.stopTraining = false;
        fitted = await stepwiseEpoch(stepper, model, train.size, order, o.batchSize, sums, afterBatch);
        if (valX && valY && !failure) Object.assign(valLogs, await evaluate(model, valX, valY, o.batchSize));
      }
      for (let from = 0; !stepper && from < train.size && !model.stopTraining; from += chunk) {
        const indices = order.subarray(from, Math.min(from + chunk, train.size));
        const last = from + chunk >= train.size;
        const xs = featureTensors(g, train, indices);
        const ys = labelTensor(train, indices);
        const offset = from / o.batchSize;
        const history = await model.fit(one(xs), ys, {
          epochs: epoch + 1, initialEpoch: epoch, batchSize: o.batchSize, shuffle: false, verbose: 0,
          validationData: last && valX && valY ? [one(valX), valY] : undefined,
          callbacks: { onBatchEnd: (b, batchLogs) => afterBatch(offset + b, batchLogs as Logs | undefined) },
        });
        tf.dispose([...xs, ys]);
        fitted += indices.length;
        for (const [k, v] of Object.entries(history.history)) {
          const value = v[v.length - 1] as number;
          if (k.startsWith('val_')) valLogs[k] = value;
          else sums[k] = (sums[k] ?? 0) + value * indices.length;
        }
        if (failure) break;
      }
      if (failure) throw new TrainingError(failure);
      logs = { ...valLogs, ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(fitted, 1)])) };
      for (const [k, v] of Object.entries(logs)) if (!Number.isFinite(v)) throw new TrainingError(`${k} became ${v} at the end of epoch ${epoch + 1}: lower the learning rate or normalise the inputs`);
      const elapsed = performance.now() - started;
      const perEpoch = elapsed / (epoch + 1);
      const warning = stall.next(epoch + 1, logs.loss);
      const notes = [rates.observe(epoch + 1, logs)];
      let stopping = false;
      const improved = watch?.improved(epoch + 1, logs);
      if (improved && early!.args.restoreBest) {
        tf.dispose(best?.weights);
        // Copies of the values: a clone shares its variable's buffer, which the fused optimisers update in place.
        best = { epoch: epoch + 1, weights: model.getWeights().map((w) => tf.tensor(w.dataSync().slice(), w.shape, w.dtype)) };
      } else if (watch && !improved && watch.waited >= (early!.args.patience as number) && epoch + 1 < o.epochs) {
        stopping = true;
        notes.push(`earlyStopping: ${watch.monitor} has not improved on ${watch.bestValue.toPrecision(4)} (epoch ${watch.bestEpoch}) for ${watch.waited} epoch${watch.waited === 1 ? '' : 's'}: training stops`);
      }
      const said = notes.filter((n): n is string => n !== undefined);
      o.sink({
        type: 'epoch', epoch: epoch + 1, epochs: o.epochs, logs, samplesPerSec: Math.round((train.size * 1000) / (performance.now() - epochStart)),
        elapsedMs: Math.round(elapsed), etaMs: Math.round(perEpoch * (o.epochs - epoch - 1)), learningRate: rate, ...(warning ? { warning } : {}), ...(said.length ? { notes: said } : {}),
      });
      o.onEpoch?.(epoch + 1, logs);
      await snapshots(epoch + 1);
      if (o.control.stopRequested) {
        status = 'stopped';
        epoch++;
        break;
      }
      if (stopping) {
        status = 'early-stopped';
        epoch++;
        break;
      }
    }
    // The best epoch's weights, where training went on past it: what the run saves and the confusion counts.
    const kept = best && best.epoch !== epoch && watch ? { epoch: best.epoch, monitor: watch.monitor, value: watch.bestValue } : undefined;
    if (kept) model.setWeights(best!.weights);
    return { status, logs, epochs: epoch, confusion: await confusion(model, g, validation ?? train), ...(kept && { kept }) };
  } finally {
    tf.dispose(best?.weights);
    stepper?.close?.();
    tf.dispose([...(valX ?? []), ...(valY ? [valY] : [])]);
    for (const p of probes) p.dispose();
  }
}

/**
 * One batch's training step by its example indices: the loss and metrics in
 * model.metricsNames order. `issue`, where a stepper has it, starts a batch's step without
 * waiting for it and gives its values later (undefined: step it by calling the stepper).
 */
export type Stepper = ((indices: Uint32Array) => Promise<number[]>) & {
  issue?: (indices: Uint32Array) => Promise<number[]> | undefined;
  begin?: () => void;
  end?: () => void;
  close?: () => void;
};

/** A DenseStack's step over the data's arrays, when the model and data allow one (dense-stack.ts). */
function denseStackStepper(model: tfl.LayersModel, optimizer: tf.Optimizer, g: ModelGraph, train: Data): Stepper | undefined {
  const stack = DenseStack.for(model, optimizer);
  const [features, ...more] = orderedFeatures(g, train);
  const labels = train.labels;
  if (!stack || more.length || g.inputs[0]?.dtype === 'int32' || !labels || exampleLength(labels) !== stack.outputs) return undefined;
  const width = exampleLength(features);
  return Object.assign(async (indices: Uint32Array) => stack.step(features.data, width, labels.data, indices), { begin: () => stack.begin(), end: () => stack.end() });
}

/**
 * Steps a stepper may have issued beyond the one being read (Replay.unsettled bounds it),
 * so that the device has work queued while the CPU reads a step's values and prepares
 * the next. On an H200 a replayed step of the 32x32 CNN took 2.74 ms one ahead, 2.26 two
 * ahead, 2.24 three ahead, where its kernels take 2.10 (`npm run bench:step`).
 */
export const STEPS_AHEAD = 2;

/**
 * The batches of one epoch stepped one by one; adds each batch's logs × size to `sums`.
 * A step the stepper can issue without waiting is read once STEPS_AHEAD more are
 * issued, so that the device computes while the CPU prepares the next.
 */
export async function stepwiseEpoch(step: Stepper, model: tfl.LayersModel, size: number, order: Uint32Array, batchSize: number, sums: Logs, afterBatch: (batch: number, logs: Logs) => Promise<void>): Promise<number> {
  const names = model.metricsNames;
  let fitted = 0;
  const pending: { values: Promise<number[]>; batch: number; size: number }[] = [];
  const settle = async (result: Promise<number[]>, batch: number, size: number) => {
    const values = await result;
    const logs = Object.fromEntries(names.map((n, i) => [n, values[i]]));
    for (const [k, v] of Object.entries(logs)) sums[k] = (sums[k] ?? 0) + v * size;
    fitted += size;
    await afterBatch(batch, logs);
  };
  const settleOldest = async () => {
    const p = pending.shift()!;
    await settle(p.values, p.batch, p.size);
  };
  step.begin?.();
  try {
    for (let from = 0, b = 0; from < size && !model.stopTraining; from += batchSize, b++) {
      const indices = order.subarray(from, Math.min(from + batchSize, size));
      const issued = step.issue?.(indices);
      if (issued) {
        pending.push({ values: issued, batch: b, size: indices.length });
        if (pending.length > STEPS_AHEAD) await settleOldest();
        continue;
      }
      while (pending.length) await settleOldest();
      await settle(step(indices), b, indices.length);
    }
    while (pending.length) await settleOldest();
  } finally {
    await Promise.all(pending.map((p) => p.values.catch(() => undefined)));
    step.end?.();
  }
  return fitted;
}

/** Validation loss and metrics, named as model.fit names them (val_loss, val_acc, ...); read asynchronously (webgpu has no synchronous read in Node). */
async function evaluate(model: tfl.LayersModel, xs: tf.Tensor[], y: tf.Tensor, batchSize: number): Promise<Logs> {
  const out = model.evaluate(one(xs), y, { batchSize });
  const scalars = Array.isArray(out) ? out : [out];
  const values = await Promise.all(scalars.map((s) => s.data()));
  tf.dispose(scalars);
  return Object.fromEntries(model.metricsNames.map((n, i) => [`val_${n}`, values[i][0]]));
}

/** Rows: true class, columns: predicted class; for classification only. */
async function confusion(model: tfl.LayersModel, g: ModelGraph, data: Data): Promise<FitResult['confusion']> {
  if (!data.classes || !data.labels || g.outputs.length !== 1 || data.labels.shape.length !== 1) return undefined;
  const k = data.classes.length;
  const count = Math.min(data.size, 5000);
  const indices = Array.from({ length: count }, (_, i) => i);
  const xs = featureTensors(g, data, indices);
  const pred = model.predict(one(xs)) as tf.Tensor;
  const values = (await pred.data()) as Float32Array;
  tf.dispose([...xs, pred]);
  const width = values.length / count;
  const truth = classIndices(data, count);
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < count; i++) {
    let p = 0;
    if (width === 1) p = values[i] >= 0.5 ? 1 : 0;
    else for (let c = 1; c < width; c++) if (values[i * width + c] > values[i * width + p]) p = c;
    matrix[truth[i]][p]++;
  }
  return { classes: data.classes, matrix };
}
