/** The extension host's side of training: a real `dlnet train` child process, streamed, stopped, crashed. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dlnetTrainCommand, TrainingProcess, type TrainRequest } from '../../client/training/process';
import type { TrainEvent } from '../../runtime/train/events';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dlnet-proc-'));
writeFileSync(join(dir, 'package.json'), '{}');
const tiny = join(dir, 'tiny.dlnet');
writeFileSync(tiny, `dataset d = rings(samples: 400)
model M {
  input x: [2]
  dense(8, activation: tanh)
  dense(1, activation: sigmoid)
}
train M on d { loss: binaryCrossentropy; epochs: 200; metrics: [accuracy]; validationSplit: 0.2 }
`);

function start(file: string, extra: Partial<TrainRequest> = {}, onEvent?: (e: TrainEvent, p: TrainingProcess) => void) {
  const events: TrainEvent[] = [];
  // eslint-disable-next-line prefer-const
  let p: TrainingProcess;
  p = new TrainingProcess(dlnetTrainCommand({ cli, file, out: join(dir, 'runs'), backend: 'cpu', ...extra }), (e) => {
    events.push(e);
    onEvent?.(e, p);
  });
  return { p, events };
}

describe('training process', () => {
  it('streams events and stops on request, keeping what was learnt', async () => {
    const { p, events } = start(tiny, { epochs: 200 }, (e, proc) => e.type === 'epoch' && e.epoch === 3 && proc.stop());
    const code = await p.done;
    expect(code).toBe(0);
    expect(events[0].type).toBe('start');
    const end = events.find((e) => e.type === 'end') as Extract<TrainEvent, { type: 'end' }>;
    expect(end.status).toBe('stopped');
    expect(end.savedTo).toBeTruthy();
    expect(events.filter((e) => e.type === 'epoch').length).toBeLessThan(10);
  });

  it('pauses and resumes', async () => {
    let pausedAt = 0;
    const { p, events } = start(tiny, { epochs: 6 }, (e, proc) => {
      if (e.type === 'epoch' && e.epoch === 2) {
        proc.pause();
        pausedAt = Date.now();
        setTimeout(() => proc.resume(), 400);
      }
    });
    await p.done;
    const third = events.findIndex((e) => e.type === 'epoch' && e.epoch === 3);
    expect(third).toBeGreaterThan(0);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(400);
    expect((events[events.length - 1] as { status: string }).status).toBe('completed');
  });

  it('turns a crash into an error event instead of taking the host down', async () => {
    const { p, events } = start(tiny, { node: process.execPath, env: { NODE_OPTIONS: '--require=/nonexistent/crash.js' } });
    await p.done;
    const err = events.find((e) => e.type === 'error') as Extract<TrainEvent, { type: 'error' }>;
    expect(err.message).toMatch(/exited with code|could not start/);
    expect(events[events.length - 1]).toMatchObject({ type: 'end', status: 'failed' });
  });

  it('reports a bad file as an error event with its line', async () => {
    const bad = join(dir, 'bad.dlnet');
    writeFileSync(bad, 'dataset d = csv("missing.csv", label: "y")\nmodel M {\n  input x: [3]\n  dense(1)\n}\ntrain M on d { loss: meanSquaredError }\n');
    const { p, events } = start(bad);
    expect(await p.done).toBe(1);
    const err = events.find((e) => e.type === 'error') as Extract<TrainEvent, { type: 'error' }>;
    expect(err.message).toMatch(/missing\.csv': no such file in /);
    expect(err).toMatchObject({ line: 0, character: 16, code: 'invalid-argument' });
  });
});

describe('run history', () => {
  it('keeps finished runs across a reload, thinned, through its store', async () => {
    const { RunHistory } = await import('../../client/training/history');
    let saved: unknown;
    const store = { get: () => saved as never, set: (runs: unknown) => (saved = JSON.parse(JSON.stringify(runs))) };
    const first = new RunHistory(store);
    const run = first.start('/w/a.dlnet', 'M');
    for (let i = 0; i < 40; i++) first.add(run, { type: 'batch', epoch: 1, batch: i + 1, batchesPerEpoch: 40, logs: { loss: 1 / (i + 1) }, samplesPerSec: 100 });
    // Attention maps: the latest only.
    for (const epoch of [0, 1]) first.add(run, { type: 'attention', epoch, layers: [{ name: 'a', line: 2, steps: 1, heads: [[1]] }] });
    first.add(run, { type: 'end', status: 'completed', logs: { loss: 0.1 }, epochs: 1, elapsedMs: 5 });
    first.persist();
    const reloaded = new RunHistory(store);
    const again = reloaded.latest()!;
    expect(again.model).toBe('M');
    expect(again.events.filter((e) => e.type === 'batch')).toHaveLength(10);
    expect(again.events[again.events.length - 1].type).toBe('end');
    expect(again.events.filter((e) => e.type === 'attention').map((e) => (e as { epoch: number }).epoch)).toEqual([1]);
    expect(reloaded.start('/w/a.dlnet', 'M').id).toBe(run.id + 1);
  });
});
