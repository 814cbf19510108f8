/**
 * Training steps on a GPU (webgpu): each batch through `trainOnBatch` (tfjs-layers' own
 * loss, metrics and update) — model.fit adds per batch the slicing of the epoch's tensors,
 * its loggers' arithmetic and its callbacks, each a few more dispatches on a device where
 * every dispatch is CPU time — and, once two full batches in a row ran alike, every
 * further full batch as a replay of the last one's commands (runtime/kernels/webgpu-replay.ts),
 * which skips tfjs's per-kernel work altogether. The replay lasts from epoch to epoch
 * while the learning rate and the variables' buffers stay as recorded (a schedule's new
 * rate is a new recording).
 */
import type { ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { webgpuExtras } from '../kernels/webgpu-program';
import { forgetCpuCopy } from '../kernels/webgpu-internals';
import { record, Replay, type Recording } from '../kernels/webgpu-replay';
import { tf, tfl } from '../tf';
import type { Stepper } from './fit';
import { batchTensors, batchValues } from './tensors';

/** Recordings in a row that may differ before replaying is given up: the first steps of a run also make the optimiser's state. */
const ATTEMPTS = 4;

/** What became of replaying in a run's last epoch: 'replayed N of M steps', or why it did not (for the benchmarks and tests). */
export let replayNote = '';

export function deviceStepper(model: tfl.LayersModel, g: ModelGraph, train: Data, batchSize: number): Stepper | undefined {
  const extras = webgpuExtras();
  if (tf.getBackend() !== 'webgpu' || !extras.on) return undefined;
  const optimizer = model.optimizer as unknown as { incrementIterations?(): void };
  let previous: Recording | undefined;
  let replay: { steps: Replay; rate: number; variables: object[] } | undefined;
  // What a replay depends on beyond its own buffers: the rate it was recorded with, and every variable's buffer.
  const rate = () => (model.optimizer as unknown as { learningRate?: number }).learningRate ?? NaN;
  const variables = () => Object.values(tf.engine().registeredVariables).map((v) => v.dataId);
  let refused: string | undefined = extras.replay ? undefined : 'turned off (DLNET_WEBGPU_KERNELS)';
  let attempts = 0;
  let replayed = 0;
  let steps = 0;
  const trainOn = async (values: (Float32Array | Int32Array)[]) => {
    const { xs, y } = batchTensors(g, train, values);
    try {
      const out = await model.trainOnBatch(xs.length === 1 ? xs[0] : xs, y);
      return Array.isArray(out) ? out : [out];
    } finally {
      tf.dispose([...xs, y]);
    }
  };
  // A replayed step is issued at once; its values come when the device is done (fit.ts reads them after issuing the next).
  const issue = (indices: Uint32Array) => {
    if (!replay || indices.length !== batchSize) return undefined;
    steps++;
    replayed++;
    // The step changes variables in place: any copy of their values tfjs keeps on the CPU goes stale.
    for (const v of Object.values(tf.engine().registeredVariables)) forgetCpuCopy(tf.backend(), v.dataId);
    const values = replay.steps.run(batchValues(g, train, indices));
    optimizer.incrementIterations?.();
    return values;
  };
  const step = async (indices: Uint32Array) => {
    steps++;
    const values = batchValues(g, train, indices);
    if (indices.length !== batchSize || refused) return trainOn(values);
    const { result, recording } = await record(tf.backend(), values, () => trainOn(values));
    if (previous) {
      const made = Replay.from(tf.backend(), previous, recording, model.metricsNames.length);
      if (typeof made !== 'string') {
        replay = { steps: made, rate: rate(), variables: variables() };
        attempts = 0;
      } else if (++attempts >= ATTEMPTS) refused = made;
    }
    previous = recording;
    return result;
  };
  const close = () => {
    replay?.steps.release();
    replay = previous = undefined;
  };
  const begin = () => {
    const now = variables();
    if (replay && (!Object.is(replay.rate, rate()) || now.length !== replay.variables.length || now.some((id, i) => id !== replay!.variables[i]))) close();
  };
  const end = () => {
    replayNote = refused ? `not replayed: ${refused}` : `replayed ${replayed} of ${steps} steps`;
    replayed = steps = 0;
  };
  return Object.assign(step, { issue, begin, end, close });
}
