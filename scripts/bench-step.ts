/**
 * `npm run bench:step -- --backend webgpu`: where one training step's time goes, per
 * model of the training benchmark, on one backend. For each model: the step's kernels
 * (how many of each kind, slowest first, with their device time from tf.profile, which on
 * webgpu needs the adapter's timestamp queries), then the milliseconds a step takes when
 * steps are queued back to back and read once at the end, when each step's loss is
 * read before the next (as a batch callback does), and how much of the queued time the
 * JavaScript side alone spends issuing them. `-- --flag NAME=VALUE` sets a tfjs flag
 * (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64); DLNET_WEBGPU_KERNELS=tfjs keeps tfjs's
 * own webgpu kernels, for comparing.
 *
 * On webgpu it then times the step as `dlnet train` takes it once replayed
 * (runtime/kernels/webgpu-replay.ts): ms a step with 1, 2 or 3 issued beyond the one being
 * read (fit.ts's STEPS_AHEAD), awaited one by one, the JavaScript time to issue one, and the device's
 * time for one from timestamp queries — from its first compute pass's start to its last's
 * end ("span"), and the passes' own time summed; and last, ms a step through a run's own
 * loop (runtime/train/measure.ts), STEPS batches until the last is read.
 */
import { analyze } from '../dsl';
import { selectBackend, type BackendName } from '../runtime/backend';
import { compileModel } from '../runtime/compile/compile';
import type { TfjsWebgpu } from '../runtime/kernels/webgpu-internals';
import { Replay, record } from '../runtime/kernels/webgpu-replay';
import { deviceStepper } from '../runtime/train/device-steps';
import { STEPS_AHEAD } from '../runtime/train/fit';
import { deviceStepsPerSecond } from '../runtime/train/measure';
import { optimizer } from '../runtime/train/optim';
import { batchTensors, batchValues } from '../runtime/train/tensors';
import { tf, type tfl } from '../runtime/tf';
import { cases, gpuCases, type Case } from './bench-models';

const STEPS = Number(process.env.STEPS ?? 20);
const argv = process.argv.slice(2);
const values = (name: string) => argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1]] : []));

async function main() {
  const backend = await selectBackend((values('--backend')[0] ?? 'auto') as BackendName);
  for (const f of values('--flag')) {
    const [name, value] = f.split('=');
    tf.env().set(name, Number.isNaN(Number(value)) ? value === 'true' : Number(value));
  }
  console.log(`backend: ${backend.name} (${backend.reason})${process.env.DLNET_WEBGPU_KERNELS === 'tfjs' ? ', tfjs kernels only' : ''}`);
  const only = values('--model')[0];
  for (const c of [...cases, ...(backend.gpu ? gpuCases : [])].filter((c) => !only || c.name.includes(only))) {
    const model = compileModel(analyze(c.source).models[0], 0);
    const opt = optimizer({ name: 'adam', args: { learningRate: 0.001 } });
    const x = tf.randomNormal([c.batch, ...c.input]);
    const y = tf.randomUniform([c.batch, c.output]);
    const step = () => opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar;
    for (let i = 0; i < 3; i++) await step().data(); // compiles the kernels
    const profile = await tf.profile(() => void tf.dispose(step()));
    const kinds = new Map<string, { count: number; ms: number }>();
    for (const k of profile.kernels) {
      const kind = kinds.get(k.name) ?? { count: 0, ms: 0 };
      kind.count++;
      kind.ms += Number(k.kernelTimeMs) || 0;
      kinds.set(k.name, kind);
    }
    const deviceMs = [...kinds.values()].reduce((s, k) => s + k.ms, 0);
    // Queued: the losses read once at the end; the JavaScript side's share is the time until the last step is issued.
    let t0 = performance.now();
    const losses: tf.Scalar[] = [];
    for (let i = 0; i < STEPS; i++) losses.push(step());
    const issued = performance.now() - t0;
    await losses[losses.length - 1].data();
    const queued = performance.now() - t0;
    tf.dispose(losses);
    t0 = performance.now();
    for (let i = 0; i < STEPS; i++) {
      const loss = step();
      await loss.data();
      loss.dispose();
    }
    const synced = performance.now() - t0;
    const per = (ms: number) => (ms / STEPS).toFixed(2);
    console.log(`\n${c.name}, batch ${c.batch}: ${profile.kernels.length} kernels a step, device time ${deviceMs.toFixed(2)} ms`);
    console.log(`  ms a step: queued ${per(queued)} (issuing ${per(issued)}), loss read each step ${per(synced)}; samples/s queued ${Math.round((c.batch * STEPS * 1000) / queued)}`);
    const slowest = [...kinds.entries()].sort((a, b) => b[1].ms - a[1].ms || b[1].count - a[1].count);
    console.log('  ' + slowest.map(([name, k]) => `${name} ×${k.count} ${k.ms.toFixed(2)} ms`).join(', '));
    tf.dispose([x, y]);
    model.dispose();
    opt.dispose();
    if (backend.name === 'webgpu' && process.env.DLNET_WEBGPU_KERNELS !== 'tfjs') await replayed(c);
  }
}

/** The replayed step's times (see the top of the file), on random data of the case's shapes. */
async function replayed(c: Case): Promise<void> {
  const g = analyze(c.source).models[0];
  const model: tfl.LayersModel = compileModel(g, 0);
  model.compile({ optimizer: optimizer({ name: 'adam', args: { learningRate: 0.001 } }), loss: 'meanSquaredError' });
  // Enough examples for the loop's warm-up and timed batches (measure.ts takes them in order).
  const size = (3 + STEPS) * c.batch;
  const random = (n: number) => Float32Array.from({ length: n }, () => Math.random());
  const data = { size, features: [{ data: random(size * c.input.reduce((a, b) => a * b, 1)), shape: c.input }], labels: { data: random(size * c.output), shape: [c.output] } };
  let at = 0;
  const nextBatch = () => batchValues(g, data, Uint32Array.from({ length: c.batch }, () => at++ % size));
  const trainOn = async (values: (Float32Array | Int32Array)[]) => {
    const { xs, y } = batchTensors(g, data, values);
    await model.trainOnBatch(xs[0], y);
    tf.dispose([...xs, y]);
  };
  for (let i = 0; i < 3; i++) await trainOn(nextBatch());
  const recorded = async () => {
    const values = nextBatch();
    return (await record(tf.backend(), values, () => trainOn(values))).recording;
  };
  const replay = Replay.from(tf.backend(), await recorded(), await recorded(), model.metricsNames.length);
  if (typeof replay === 'string') {
    console.log(`  replayed: not replayable (${replay})`);
    model.dispose();
    return;
  }
  try {
    for (let i = 0; i < 3; i++) await replay.run(nextBatch());
    let issuing = 0;
    // ms a step with `depth` steps issued beyond the one being read (fit.ts's STEPS_AHEAD).
    const ahead = async (depth: number) => {
      issuing = 0;
      const t0 = performance.now();
      const unsettled: Promise<number[]>[] = [];
      for (let i = 0; i < STEPS; i++) {
        const values = nextBatch();
        const t = performance.now();
        unsettled.push(replay.run(values));
        issuing += performance.now() - t;
        if (unsettled.length > depth) await unsettled.shift();
      }
      await Promise.all(unsettled);
      return (performance.now() - t0) / STEPS;
    };
    const depths = [1, 2, 3].map((d) => Math.min(d, Replay.unsettled - 1));
    const aheads: number[] = [];
    for (const d of depths) aheads.push(await ahead(d));
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) await replay.run(nextBatch());
    const awaited = (performance.now() - t0) / STEPS;
    const timings = [];
    if ((tf.backend() as unknown as TfjsWebgpu).device.features.has('timestamp-query')) for (let i = 0; i < 5; i++) timings.push(await replay.timed(nextBatch()));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const device = timings.length ? `device span ${median(timings.map((t) => t.spanMs)).toFixed(2)}, passes ${median(timings.map((t) => t.passesMs)).toFixed(2)}` : 'no timestamp queries on this device';
    console.log(`  replayed (${replay.submits} submits): ms a step ${depths.map((d, i) => `${d} ahead ${aheads[i].toFixed(2)}`).join(', ')} (issuing ${(issuing / STEPS).toFixed(2)}), awaited ${awaited.toFixed(2)}; ${device}; samples/s ${depths[STEPS_AHEAD - 1]} ahead ${Math.round((c.batch * 1000) / aheads[STEPS_AHEAD - 1])}`);
  } finally {
    replay.release();
  }
  try {
    // The same model's steps through a run's own loop (a device stepper, which records anew, and fit.ts's stepwiseEpoch): STEPS batches, until the last is read.
    const perSecond = await deviceStepsPerSecond(deviceStepper(model, g, data, c.batch)!, model, c.batch, 3, STEPS);
    console.log(`  through a run's loop: ms a step ${(1000 / perSecond).toFixed(2)}; samples/s ${Math.round(c.batch * perSecond)}`);
  } finally {
    model.dispose();
  }
}

void main();
