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
 */
import { analyze } from '../dsl';
import { selectBackend, type BackendName } from '../runtime/backend';
import { compileModel } from '../runtime/compile/compile';
import { optimizer } from '../runtime/train/optim';
import { tf } from '../runtime/tf';
import { cases, gpuCases } from './bench-models';

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
  }
}

void main();
