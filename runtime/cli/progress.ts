/** Training events rendered for a terminal: a progress bar per epoch with loss, metrics, samples/s and ETA. */
import { atLine, type TrainEvent } from '../train/events';
import { formatErrors, shownPath } from './format';
import type { Io } from './io';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 0.01 ? v.toFixed(4) : v.toExponential(2));
const duration = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`);
/** "1 batch", "38 batches". */
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const logsText = (logs: Record<string, number>) => Object.entries(logs).map(([k, v]) => `${k} ${fmt(v)}`).join('  ');

export function progressRenderer(io: Io, tty: boolean): (e: TrainEvent) => void {
  let epochs = 0;
  let width = 0;
  const line = (text: string) => {
    if (tty) process.stderr.write(`\r${text.padEnd(width)}`);
    width = text.length;
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        epochs = e.epochs;
        io.err(`training ${e.model}${e.versus ? ` vs ${e.versus}` : ''} on ${e.dataset}: ${count(e.data.train, 'example')}${e.data.validation ? `, ${e.data.validation} for validation` : ''}, ${count(e.epochs, 'epoch')} of ${count(e.batchesPerEpoch, 'batch', 'batches')}`);
        io.err(`backend: ${e.backend} (${e.backendReason})`);
        if (e.batchAdvice) io.err(`advice${atLine(e.line)}: ${e.batchAdvice.message}`);
        break;
      case 'batch': {
        const done = Math.round((e.batch / e.batchesPerEpoch) * 20);
        line(`epoch ${e.epoch}/${epochs} [${'='.repeat(done)}${' '.repeat(20 - done)}] ${logsText(e.logs)}  ${e.samplesPerSec.toLocaleString('en')} samples/s`);
        break;
      }
      case 'epoch':
        if (tty) process.stderr.write('\r' + ' '.repeat(width) + '\r');
        io.err(`epoch ${e.epoch}/${e.epochs}  ${logsText(e.logs)}  ${e.samplesPerSec.toLocaleString('en')} samples/s  ${duration(e.elapsedMs)} elapsed, ETA ${duration(e.etaMs)}`);
        if (e.warning) io.err(`warning${atLine(e.warning.line)}: ${e.warning.message}`);
        for (const note of e.notes ?? []) io.err(`  ${note}`);
        break;
      case 'samples':
        if (e.meanDistanceToRing !== undefined) io.err(`  generated points: mean distance to the ring ${fmt(e.meanDistanceToRing)}`);
        break;
      case 'error':
        // The file's other errors that stop the run follow, a line each.
        for (const text of formatErrors(e.file && shownPath(e.file), e, e.message, e.diagnostics?.slice(1))) io.err(text);
        break;
      case 'end':
        if (e.status !== 'failed') io.err(`${e.status} after ${count(e.epochs, 'epoch')} in ${duration(e.elapsedMs)}${e.kept ? `; kept the weights of epoch ${e.kept.epoch} (${e.kept.monitor} ${fmt(e.kept.value)})` : ''}; saved to ${e.savedTo}`);
        break;
    }
  };
}
