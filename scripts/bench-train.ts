/**
 * `npm run bench:train`: samples/s of models compiled from .dlnet against the same
 * models written by hand with tfjs-layers, on the same backend and data, median of
 * several runs (both with tfjs's Adam); and dlnet's own training loop (events, seeded
 * epochs, the optimiser `dlnet train` makes; one run of 1 + RUNS epochs, the median of
 * all but the first, as `dlnet train` runs them) against that plain model.fit. `-- --backend cpu` picks the backend (default: auto).
 * `-- --vs-pytorch` also exports each model with `dlnet export --to pytorch` and times
 * PyTorch training it on this CPU (2 threads), when a python3 with torch is present.
 * The "2 replicas" column is dlnet's loop with `--workers 2` (data-parallel on 2 cores;
 * CPU backends only). `-- --torch-device cuda` times PyTorch on the GPU instead, and a GPU
 * backend (webgpu) adds the 32x32x3 CNN the GPU figures of docs/performance.md use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../dsl';
import { selectBackend, type BackendName } from '../runtime/backend';
import { compileModel } from '../runtime/compile/compile';
import { Control } from '../runtime/train/control';
import type { TrainEvent } from '../runtime/train/events';
import { replayNote } from '../runtime/train/device-steps';
import { fit } from '../runtime/train/fit';
import { DataParallel } from '../runtime/train/parallel/pool';
import { Replica } from '../runtime/train/parallel/replica';
import { tf, tfl } from '../runtime/tf';
import { exportPytorch } from '../runtime/export/pytorch';
import { findPythonWithTorch } from '../runtime/export/pytorch/findPython';
import { optimizer } from '../runtime/train/optim';
import { saveModel } from '../runtime/train/save';
import { cases, gpuCases, type Case } from './bench-models';

const RUNS = Number(process.env.RUNS ?? 5);
/** SCALE=0.1 times a tenth of each model's samples: a smoke run of the script itself. */
const SCALE = Number(process.env.SCALE ?? 1);
const vsPytorch = process.argv.includes('--vs-pytorch');
const PYTHON = vsPytorch ? findPythonWithTorch() : undefined;
const flag = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const backendArg = flag('--backend', 'auto');
const torchDevice = flag('--torch-device', 'cpu');
/** `-- --model LSTM` times only the models whose name has that text. */
const only = flag('--model', '');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throughput(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, batch: number): Promise<number> {
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 }); // warm-up
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0 });
    times.push(performance.now() - t0);
  }
  return (x.shape[0] * 1000) / median(times);
}

async function main() {
  const backend = await selectBackend(backendArg as BackendName);
  console.log(`backend: ${backend.name} (${backend.reason})`);
  if (vsPytorch && !PYTHON) console.log('--vs-pytorch: no python3 with torch found (Debian: apt install python3-torch); PyTorch columns left out');
  const torchColumns = vsPytorch && PYTHON ? [`PyTorch ${torchDevice === 'cpu' ? 'CPU' : torchDevice.toUpperCase()} samples/s`, 'best dlnet / PyTorch'] : [];
  const cpuBackend = backend.name === 'wasm' || backend.name === 'cpu';
  const rows = [['model', 'hand-written samples/s', 'compiled samples/s', 'compiled / hand', 'dlnet loop samples/s', 'loop / plain fit', '2 replicas samples/s', ...torchColumns]];
  const notes: string[] = [];
  for (const full of (backend.gpu ? [...cases, ...gpuCases] : cases).filter((c) => c.name.includes(only))) {
    const c = { ...full, samples: Math.max(2 * full.batch, Math.round(full.samples * SCALE)) };
    const x = tf.randomNormal([c.samples, ...c.input]);
    const y = tf.randomUniform([c.samples, c.output]);
    const hand = await throughput(c.byHand(), x, y, c.batch);
    const g = analyze(c.source).models[0];
    const compiled = await throughput(compileModel(g), x, y, c.batch);
    // dlnet's own loop over the same model, with the optimiser `dlnet train` makes: seeded epoch shuffles, batch events, checkpoints.
    const model = compileModel(g);
    const opt = optimizer({ name: 'adam', args: { learningRate: 0.001 } });
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const data = { size: c.samples, features: [{ data: (await x.data()) as Float32Array, shape: c.input }], labels: { data: (await y.data()) as Float32Array, shape: [c.output] } };
    const settings = { seed: 0, shuffle: false, optimizer: { name: 'adam', args: { learningRate: 0.001 } }, schedule: { name: 'constant', args: {} } };
    const loop = await loopThroughput(model, opt, g, settings, data, c.batch);
    if (backend.gpu) {
      notes.push(`${c.name}: ${replayNote}`);
      // Each epoch a run of its own instead: on a GPU each records its first steps anew (runtime/train/device-steps.ts).
      const runTimes: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        await fit(model, opt, g, settings, data, undefined, { epochs: 1, batchSize: c.batch, sink: () => {}, control: new Control(), representation: false });
        runTimes.push(performance.now() - t0);
      }
      notes.push(`${c.name}: an epoch as a run of its own ${((c.samples * 1000) / median(runTimes)).toFixed(0)} samples/s (${replayNote})`);
    }
    // The same loop with a second replica in a worker thread, each taking half of every batch (CPU backends: a GPU is one device).
    const twoCores = cpuBackend ? await replicatedThroughput(c, g, opt, settings, data, backend.name as BackendName) : NaN;
    const row = [c.name, hand.toFixed(0), compiled.toFixed(0), (compiled / hand).toFixed(3), loop.toFixed(0), (loop / compiled).toFixed(3), cpuBackend ? twoCores.toFixed(0) : '-'];
    if (torchColumns.length) {
      const torch = await pytorchThroughput(c, g);
      row.push(torch.toFixed(0), (Math.max(loop, cpuBackend ? twoCores : 0) / torch).toFixed(2));
    }
    rows.push(row);
    tf.dispose([x, y]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  // On a GPU the loop replays recorded steps where it can (runtime/train/device-steps.ts): whether it did, in each model's last epoch.
  for (const n of notes) console.log(`dlnet loop, ${n}`);
}

/**
 * samples/s of dlnet's loop as `dlnet train` runs it: one run of 1 + RUNS epochs, the
 * median of the epochs after the first (the epoch events' figures), as PyTorch's figure is
 * the median of epochs after a warm-up one.
 */
async function loopThroughput(model: tfl.LayersModel, opt: tf.Optimizer, g: ReturnType<typeof analyze>['models'][number], settings: Parameters<typeof fit>[3], data: Parameters<typeof fit>[4], batchSize: number, parallel?: DataParallel): Promise<number> {
  const rates: number[] = [];
  const sink = (e: TrainEvent) => void (e.type === 'epoch' && e.epoch > 1 && rates.push(e.samplesPerSec));
  await fit(model, opt, g, settings, data, undefined, { epochs: 1 + RUNS, batchSize, sink, control: new Control(), representation: false, parallel });
  return median(rates);
}

async function replicatedThroughput(c: Case, g: ReturnType<typeof analyze>['models'][number], opt: tf.Optimizer, settings: Parameters<typeof fit>[3], data: Parameters<typeof fit>[4], backend: BackendName): Promise<number> {
  const replicated = compileModel(g);
  replicated.compile({ optimizer: opt, loss: 'meanSquaredError' });
  const withLoss = { ...settings, loss: { name: 'meanSquaredError', args: {} } };
  const parallel = await DataParallel.start(new Replica(replicated, withLoss), g, 0, withLoss, backend, 2);
  try {
    return await loopThroughput(replicated, opt, g, settings, data, c.batch, parallel);
  } finally {
    await parallel.close();
  }
}

/** The same model, exported to PyTorch and trained there on random data of the same shapes. */
async function pytorchThroughput(c: Case, g: ReturnType<typeof analyze>['models'][number]): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'dlnet-bench-torch-'));
  const analysis = analyze(c.source);
  await exportPytorch({ analysis, file: 'bench.dlnet', model: g, out, saveTfjs: async (graph, dir) => saveModel(compileModel(graph), dir) });
  const r = spawnSync(PYTHON!, [join(__dirname, '..', 'scripts', 'bench-pytorch.py'), out, 'M', String(c.samples), String(c.batch), String(c.output), String(RUNS), '2', torchDevice], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch benchmark failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!).samplesPerSec;
}

void main();
