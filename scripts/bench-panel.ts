/**
 * `npm run bench:panel`: the extension host's side of a training run, without the UI:
 * time from starting `dlnet train` to the first chart point (the first batch event) on
 * the rings sample, and the host's event-loop delay while a CNN trains and its events
 * stream in (the editor stays responsive when this stays low).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RunHistory } from '../client/training/history';
import { dlnetTrainCommand, TrainingProcess } from '../client/training/process';

const root = join(__dirname, '..');
const cli = join(__dirname, 'cli.js');
const out = mkdtempSync(join(tmpdir(), 'dlnet-bench-panel-'));

async function firstPoint(): Promise<number> {
  const t0 = performance.now();
  let first = 0;
  const p = new TrainingProcess(dlnetTrainCommand({ cli, file: join(root, 'samples', '01-representation.dlnet'), out, epochs: 2 }), (e) => {
    if (e.type === 'batch' && !first) first = performance.now() - t0;
  });
  await p.done;
  return first;
}

async function hostDelay(): Promise<{ p50: number; p99: number; max: number; events: number }> {
  const history = new RunHistory();
  const run = history.start('06-cnn', 'LeNet');
  let events = 0;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const p = new TrainingProcess(dlnetTrainCommand({ cli, file: join(root, 'samples', '06-cnn.dlnet'), out, epochs: 1 }), (e) => {
    history.add(run, e);
    JSON.stringify(e); // what posting to the webview costs
    events++;
  });
  await p.done;
  h.disable();
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, events };
}

async function main() {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push(await firstPoint());
  times.sort((a, b) => a - b);
  console.log(`rings: first chart point ${times[1].toFixed(0)} ms after starting dlnet train (median of 3; process start, tfjs load, data, compile, preflight included)`);
  const d = await hostDelay();
  console.log(`CNN (06-cnn, 1 epoch): host event-loop delay p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms over ${d.events} events`);
}

void main();
