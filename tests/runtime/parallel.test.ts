/**
 * Data-parallel training on several cores: replicas in worker threads share each batch,
 * and the result is the optimisation of one process taking the whole batch — the same
 * weights, kept identical in every replica.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, type Args } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import type { Data } from '../../runtime/data/dataset';
import { Random } from '../../runtime/data/random';
import { tf } from '../../runtime/tf';
import { optimizer, setLearningRate } from '../../runtime/train/optim';
import { DataParallel } from '../../runtime/train/parallel/pool';
import { Replica } from '../../runtime/train/parallel/replica';
import type { StartEvent, TrainEvent } from '../../runtime/train/events';

const source = `model M {
  input x: [6]
  dense(8, activation: tanh)
  dense(3, activation: softmax)
}`;
const settings: Args = { optimizer: { name: 'adam', args: { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }, loss: { name: 'categoricalCrossentropy', args: {} }, metrics: [{ name: 'accuracy', args: {} }] };

function data(n: number): Data {
  const rng = new Random(3);
  const x = Float32Array.from({ length: n * 6 }, () => rng.uniform(-1, 1));
  const y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (x[i * 6] > 0 ? 0 : x[i * 6 + 1] > 0 ? 1 : 2)] = 1;
  return { size: n, features: [{ data: x, shape: [6] }], labels: { data: y, shape: [3] } };
}

const slice = (d: Data, from: number, to: number): Data => ({
  size: to - from,
  features: d.features.map((c) => ({ ...c, data: c.data.slice(from * 6, to * 6) })),
  labels: { ...d.labels!, data: d.labels!.data.slice(from * 3, to * 3) },
});

let parallel: DataParallel | undefined;
afterAll(() => parallel?.close());

describe('data-parallel replicas', () => {
  it('train to the weights of one process taking whole batches, every replica identical, through a change of rate', async () => {
    await selectBackend('cpu');
    const g = analyze(source).models[0];
    const d = data(90);
    // One process, whole batches of 20 (the last one 10).
    const single = compileModel(g, 1);
    const opt = optimizer(settings.optimizer as never);
    single.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    // Halfway, a schedule's new rate (between epochs): every replica must apply the step before it at the old rate.
    const HALF = 40;
    for (let from = 0; from < d.size; from += 20) {
      if (from === HALF) setLearningRate(opt, 0.01);
      const part = slice(d, from, Math.min(from + 20, d.size));
      await single.trainOnBatch(tf.tensor2d(part.features[0].data, [part.size, 6]), tf.tensor2d(part.labels!.data, [part.size, 3]));
    }
    // Three replicas sharing each batch (7/7/6 examples), the main one and two workers.
    const main = compileModel(g, 1);
    parallel = await DataParallel.start(new Replica(main, settings), g, 1, settings, 'cpu', 3);
    let logs: number[] = [];
    for (let from = 0; from < d.size; from += 20) {
      if (from === HALF) parallel.setLearningRate(0.01);
      logs = await parallel.step(d, Array.from({ length: Math.min(20, d.size - from) }, (_, k) => from + k));
    }
    expect(logs).toHaveLength(2); // loss and accuracy
    const expected = single.getWeights().map((w) => w.dataSync());
    const got = main.getWeights().map((w) => w.dataSync());
    expected.forEach((e, i) => e.forEach((v, k) => expect(got[i][k]).toBeCloseTo(v, 4)));
    for (const remote of await parallel.remoteWeights()) remote.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(got[i])));
  }, 60_000);
});

describe('dlnet train --workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlnet-workers-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const run = (file: string, body: string, args: string[]) => {
    writeFileSync(join(dir, file), body);
    const r = spawnSync(process.execPath, [cli, 'train', join(dir, file), '--json', '--backend', 'cpu', '--no-representation', '--out', join(dir, 'runs'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status, stderr: r.stderr, events: r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TrainEvent) };
  };
  const train = 'train M on d { loss: categoricalCrossentropy; epochs: 3; metrics: [accuracy]; validationSplit: 0.2 }';

  it('trains with 2 replicas and says so', () => {
    const r = run('a.dlnet', `dataset d = blobs(centers: 3, dims: 6, samples: 400)\n${source}\n${train}\n`, ['--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    const start = r.events.find((e) => e.type === 'start') as StartEvent;
    expect(start.replicas).toBe(2);
    expect(start.backendReason).toContain('2 replicas');
    const end = r.events.find((e) => e.type === 'end')!;
    expect(end.type === 'end' && end.status).toBe('completed');
    expect(end.type === 'end' && end.logs.val_acc).toBeGreaterThan(0.8);
  }, 120_000);

  it('trains in one thread when batchNorm would make the replicas differ, and says why', () => {
    const r = run('b.dlnet', `dataset d = blobs(centers: 3, dims: 6, samples: 200)\nmodel M {\n  input x: [6]\n  dense(8)\n  batchNorm\n  dense(3, activation: softmax)\n}\n${train}\n`, ['--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    const start = r.events.find((e) => e.type === 'start') as StartEvent;
    expect(start.replicas).toBe(1);
    expect(start.backendReason).toMatch(/--workers 2 ignored: batchNorm/);
  }, 120_000);

  it('refuses a bad count', () => {
    const r = spawnSync(process.execPath, [cli, 'train', 'x.dlnet', '--workers', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers takes auto or a whole number/);
  });

  it('by default measures a convolutional model both ways and says what it measured', () => {
    const conv = `dataset s = shapes(samples: 600, size: 12)
model C {
  input image: [12, 12, 1]
  conv2d(8, kernel: 3, activation: relu)
  flatten
  dense(3, activation: softmax)
}
train C on s { loss: categoricalCrossentropy; epochs: 1; batchSize: 16 }
`;
    const r = run('c.dlnet', conv, []);
    expect(r.status, r.stderr).toBe(0);
    const start = r.events.find((e) => e.type === 'start') as StartEvent;
    expect(start.backendReason).toMatch(/measured \d+\.\d\dx/);
    expect(start.replicas).toBe(/one thread/.test(start.backendReason) ? 1 : 2);
  }, 120_000);

  it('by default keeps dense models in one thread without measuring', () => {
    const r = run('d.dlnet', `dataset d = blobs(centers: 3, dims: 6, samples: 400)\n${source}\n${train}\n`, []);
    expect(r.status, r.stderr).toBe(0);
    const start = r.events.find((e) => e.type === 'start') as StartEvent;
    expect(start.replicas).toBe(1);
    expect(start.backendReason).not.toMatch(/measured|replicas/);
  }, 120_000);
});
