/**
 * Exported projects train for real: every sample through `dlnet export --to pytorch`
 * and `python train.py --json` (a short run lowers the loss, the events are dlnet's,
 * the saved folder loads in dlnet), and one sample under torchrun with 2 processes
 * (gloo): both ranks ran, their parameters agree after training, a checkpoint resumes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import type { EndEvent, EpochEvent, StartEvent, TrainEvent } from '../../runtime/train/events';
import { tf } from '../../runtime/tf';
import { loadModel } from '../../runtime/train/save';
import { pytorchTrainCommand, TrainingProcess } from '../../client/training/process';
import { python, requirePython } from './pytorch/python';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const samples = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.dlnet')).sort();
const work = mkdtempSync(join(tmpdir(), 'dlnet-pytorch-train-'));
/** torchrun itself, patched for a launcher bug of Debian's PyTorch 1.13 on Python 3.11 (see the file). */
const torchrun = join(__dirname, 'pytorch', 'torchrun.py');

function exportSample(sample: string, out: string): void {
  exportFile(join(root, 'samples', sample), out);
}

function exportFile(file: string, out: string): void {
  const r = spawnSync(process.execPath, [cli, 'export', file, '--to', 'pytorch', '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dlnet export failed: ${r.stderr}`);
}

/** Runs a command in an export folder and parses its JSON-lines events. */
function events(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): { events: TrainEvent[]; stderr: string; status: number | null } {
  const r = spawnSync(python!, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
  return { events: lines.map((l) => JSON.parse(l) as TrainEvent), stderr: r.stderr, status: r.status };
}

const byType = <T extends TrainEvent['type']>(es: TrainEvent[], type: T) => es.filter((e) => e.type === type) as Extract<TrainEvent, { type: T }>[];

describe.skipIf(!python && !requirePython)('exported PyTorch projects train', () => {
  beforeAll(() => {
    expect(python, 'python3 with torch (Debian: apt-get install python3-torch)').toBeDefined();
  });

  for (const sample of samples) {
    it(`${sample}: python train.py lowers the loss and saves a folder dlnet loads`, async () => {
      const dir = join(work, sample.replace('.dlnet', ''));
      exportSample(sample, dir);
      // Texts read as token ids go with their vocabulary (14-text), the data's JSON naming it.
      for (const meta of readdirSync(join(dir, 'data')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, 'data', f), 'utf8')))) {
        if (meta.text) expect(readFileSync(join(dir, 'data', meta.text.vocabulary), 'utf8').split('\n').slice(0, 3)).toEqual(['', '[UNK]', 'the']);
      }
      const run = events(dir, ['train.py', '--json', '--epochs', '2', '--max-batches', '12', '--out', 'run']);
      expect(run.status, run.stderr).toBe(0);
      const start = byType(run.events, 'start')[0] as StartEvent;
      expect(start.backend).toBe('pytorch');
      expect(start.summary.length).toBeGreaterThan(0);
      const epochs = byType(run.events, 'epoch') as EpochEvent[];
      expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
      const end = byType(run.events, 'end')[0] as EndEvent;
      expect(end.status).toBe('completed');
      if (start.versus) {
        // A GAN's losses chase each other rather than fall; it must stay finite and show its samples.
        expect(Object.values(end.logs).every(Number.isFinite)).toBe(true);
        expect(byType(run.events, 'samples').length).toBe(2);
        return;
      }
      const first = byType(run.events, 'batch')[0];
      expect(first.batch).toBe(1);
      expect(end.logs.loss).toBeLessThan(first.logs.loss);
      await selectBackend('cpu');
      const model = await loadModel(end.savedTo!);
      expect(model.countParams()).toBe(start.summary[0].totalParams);
      model.dispose();
      tf.disposeVariables();
    }, 300_000);
  }

  describe('under torchrun with 2 processes (gloo)', () => {
    const dir = join(work, 'ddp');
    let first: TrainEvent[] = [];

    beforeAll(() => {
      exportSample('01-representation.dlnet', dir);
      const run = events(dir, [torchrun, '--standalone', '--nproc_per_node', '2', 'train.py', '--json', '--epochs', '2', '--out', 'ddp-run'], { OMP_NUM_THREADS: '1' });
      expect(run.status, run.stderr).toBe(0);
      first = run.events;
    }, 300_000);

    it('runs both ranks and keeps their parameters identical (gradients averaged)', () => {
      const start = byType(first, 'start');
      expect(start).toHaveLength(1); // rank 0 alone reports
      expect(start[0].backendReason).toContain('2 processes (gloo');
      const end = byType(first, 'end')[0] as EndEvent & { replicas?: { count: number; inSync: boolean; checksums: number[] } };
      expect(end.status).toBe('completed');
      expect(end.replicas?.count).toBe(2);
      expect(end.replicas?.checksums).toHaveLength(2);
      expect(end.replicas?.inSync).toBe(true);
    });

    it('splits each global batch between the ranks', () => {
      const start = byType(first, 'start')[0] as StartEvent;
      // Each rank takes half the examples, in steps of half the global batch.
      expect(start.batchesPerEpoch).toBe(Math.ceil(start.data.train / 2 / (start.batchSize / 2)));
    });

    it('resumes from the checkpoint and trains only the remaining epochs', () => {
      const run = events(dir, [torchrun, '--standalone', '--nproc_per_node', '2', 'train.py', '--json', '--epochs', '3', '--resume', 'ddp-run/checkpoint.pt', '--out', 'ddp-resumed'], { OMP_NUM_THREADS: '1' });
      expect(run.status, run.stderr).toBe(0);
      const start = byType(run.events, 'start')[0] as StartEvent & { resumedFrom?: { epoch: number } };
      expect(start.resumedFrom?.epoch).toBe(2);
      expect(byType(run.events, 'epoch').map((e) => e.epoch)).toEqual([3]);
      const end = byType(run.events, 'end')[0] as EndEvent & { replicas?: { inSync: boolean } };
      expect(end.epochs).toBe(3);
      expect(end.replicas?.inSync).toBe(true);
    }, 300_000);
  });

  it('starts from weights trained by dlnet train', () => {
    const dir = join(work, 'from-dlnet');
    exportSample('01-representation.dlnet', dir);
    const trained = spawnSync(process.execPath, [cli, 'train', join(root, 'samples', '01-representation.dlnet'), '--json', '--backend', 'cpu', '--epochs', '15', '--out', join(work, 'dlnet-runs')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(trained.status, trained.stderr).toBe(0);
    const dlnetEnd = trained.stdout.split('\n').filter((l) => l.includes('"type":"end"')).map((l) => JSON.parse(l) as EndEvent)[0];
    const fresh = events(dir, ['train.py', '--json', '--epochs', '1', '--max-batches', '1', '--out', 'fresh']);
    const loaded = events(dir, ['train.py', '--json', '--epochs', '1', '--max-batches', '1', '--out', 'loaded', '--weights', dlnetEnd.savedTo!]);
    expect(loaded.status, loaded.stderr).toBe(0);
    const firstLoss = (r: typeof fresh) => byType(r.events, 'batch')[0].logs.loss;
    // The first step of the loaded model starts where dlnet left off, not from scratch.
    expect(firstLoss(loaded)).toBeLessThan(firstLoss(fresh) / 2);
  }, 300_000);

  it('lowers the rate on a plateau and stops early keeping the best weights, as dlnet train does', () => {
    // minDelta no change reaches: epoch 1 is the best, and every later epoch one without improvement.
    const file = join(work, 'watched.dlnet');
    writeFileSync(file, `dataset rings = rings(samples: 500, seed: 1)
model RingNet {
  input point: [2]
  dense(16, activation: tanh)
  dense(1, activation: sigmoid)
}
train RingNet on rings {
  loss: binaryCrossentropy
  optimizer: adam(learningRate: 0.03)
  epochs: 10
  validationSplit: 0.2
  schedule: reduceOnPlateau(0.5, patience: 1, minDelta: 100, minRate: 0.01)
  earlyStopping: earlyStopping(patience: 3, minDelta: 100, restoreBest: true)
}
`);
    const dir = join(work, 'watched');
    exportFile(file, dir);
    const torch = events(dir, ['train.py', '--json', '--out', 'run']);
    expect(torch.status, torch.stderr).toBe(0);
    const dlnet = spawnSync(process.execPath, [cli, 'train', file, '--json', '--backend', 'cpu', '--out', join(work, 'watched-runs')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dlnet.status, dlnet.stderr).toBe(0);
    const dlnetEvents = dlnet.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as TrainEvent);
    for (const run of [torch.events, dlnetEvents]) {
      const epochs = byType(run, 'epoch') as EpochEvent[];
      expect(epochs.map((e) => e.learningRate)).toEqual([0.03, 0.03, 0.015, 0.01]);
      // The same words from both runtimes, their values aside.
      const notes = epochs.map((e) => (e.notes ?? []).map((n) => n.replace(/\d+\.\d+/g, 'N')));
      expect(notes).toEqual([[], ['reduceOnPlateau: val_loss has not improved on N (epoch 1) for 1 epoch: learning rate N → N'], ['reduceOnPlateau: val_loss has not improved on N (epoch 1) for 1 epoch: learning rate N → N'], ['earlyStopping: val_loss has not improved on N (epoch 1) for 3 epochs: training stops']]);
      const end = byType(run, 'end')[0] as EndEvent;
      expect(end.status).toBe('early-stopped');
      expect(end.epochs).toBe(4);
      expect(end.kept).toEqual({ epoch: 1, monitor: 'val_loss', value: epochs[0].logs.val_loss });
    }
  }, 300_000);

  it('reports a bad weights folder as an error event naming the statement', () => {
    const dir = join(work, 'bad-weights');
    exportSample('02-backprop.dlnet', dir);
    const run = events(dir, ['train.py', '--json', '--weights', 'no-such-folder']);
    expect(run.status).toBe(1);
    const error = byType(run.events, 'error')[0];
    expect(error.message).toMatch(/no-such-folder/);
    expect(error.line).toBeGreaterThan(0);
    expect(byType(run.events, 'end')[0].status).toBe('failed');
  });
});

describe.skipIf(!python && !requirePython)('the editor runs an exported project like dlnet train', () => {
  it('streams its events through TrainingProcess and stops on request, saving what was learnt', async () => {
    const project = join(work, 'panel');
    exportSample('05-dropout.dlnet', project);
    const seen: TrainEvent[] = [];
    const p: TrainingProcess = new TrainingProcess(pytorchTrainCommand({ python: python!, project, epochs: 50, out: join(project, 'run') }), (e) => {
      seen.push(e);
      if (e.type === 'epoch' && e.epoch === 2) p.stop();
    });
    expect(await p.done).toBe(0);
    expect(seen[0].type).toBe('start');
    const end = byType(seen, 'end')[0] as EndEvent;
    expect(end.status).toBe('stopped');
    expect(end.epochs).toBeGreaterThanOrEqual(2);
    expect(end.epochs).toBeLessThan(50);
    expect(end.savedTo).toBe(join(project, 'run'));
  }, 300_000);
});
