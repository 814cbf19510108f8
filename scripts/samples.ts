/**
 * `npm run samples`: trains every train statement of every sample on the default
 * backend and prints a table (sample, model, epochs, time, final metrics, target,
 * met). Targets are the samples' own `# expect:` lines:
 *   `# expect: val_acc >= 0.97`               (the file's first train statement)
 *   `# expect: HeInit.val_acc >= PoorInit.val_acc + 0.1`
 *   `# expect: meanDistanceToRing <= 0.15`     (GAN samples)
 * Exits non-zero when a target is missed. `--only 06` trains the samples whose name contains 06.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { analyze } from '../dsl';
import { Control } from '../runtime/train/control';
import { runTraining } from '../runtime/train/run';
import { atLine } from '../runtime/train/events';

interface Outcome {
  model: string;
  epochs: number;
  seconds: number;
  metrics: Record<string, number>;
  status: string;
  backend: string;
}

const root = join(__dirname, '..', 'samples');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const fmt = (v: number) => (Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4));

function value(expr: string, outcomes: Outcome[]): number {
  const term = expr.trim().match(/^(?:(\w+)\.)?(\w+)(?:\s*([+-])\s*([\d.]+))?$/);
  if (!term) {
    const n = Number(expr);
    if (Number.isNaN(n)) throw new Error(`cannot read '${expr}'`);
    return n;
  }
  if (/^[\d.]+$/.test(expr.trim())) return Number(expr);
  const [, model, metric, op, amount] = term;
  const o = model ? outcomes.find((x) => x.model === model) : outcomes[0];
  const v = o?.metrics[metric];
  if (v === undefined) throw new Error(`no ${metric} for ${model ?? 'the model'}`);
  return op === '+' ? v + Number(amount) : op === '-' ? v - Number(amount) : v;
}

function check(expect: string, outcomes: Outcome[]): boolean {
  const m = expect.match(/^(.+?)\s*(>=|<=|>|<)\s*(.+)$/);
  if (!m) throw new Error(`cannot read the target '${expect}'`);
  const [a, b] = [value(m[1], outcomes), value(m[3], outcomes)];
  return m[2] === '>=' ? a >= b : m[2] === '<=' ? a <= b : m[2] === '>' ? a > b : a < b;
}

async function main() {
  const rows: string[][] = [['sample', 'model', 'backend', 'epochs', 'time', 'final metrics', 'target', 'met']];
  let missed = 0;
  for (const name of readdirSync(root).filter((f) => f.endsWith('.dlnet')).sort()) {
    if (only && !name.includes(only)) continue;
    const file = join(root, name);
    const text = readFileSync(file, 'utf8');
    const expects = [...text.matchAll(/^#\s*expect:\s*(.+)$/gm)].map((m) => m[1].trim());
    const outcomes: Outcome[] = [];
    for (const plan of analyze(text).trains) {
      const metrics: Record<string, number> = {};
      let backend = '?';
      let replicas = 1;
      const t0 = performance.now();
      const result = await runTraining({
        file, model: plan.model, out: join(tmpdir(), 'dlnet-samples'), control: new Control(), representation: false, workers: 'auto',
        sink: (e) => {
          if (e.type === 'start') {
            backend = e.backend;
            replicas = e.replicas ?? 1;
          }
          if (e.type === 'epoch') Object.assign(metrics, e.logs);
          if (e.type === 'epoch' && e.warning) process.stderr.write(`${name} ${plan.model}: warning at epoch ${e.epoch}${atLine(e.warning.line)}: ${e.warning.message}\n`);
          if (e.type === 'samples' && e.meanDistanceToRing !== undefined) metrics.meanDistanceToRing = e.meanDistanceToRing;
          if (e.type === 'error') process.stderr.write(`${name}: ${e.message}\n`);
        },
      });
      outcomes.push({ model: plan.model, epochs: (plan.settings.epochs as number), seconds: (performance.now() - t0) / 1000, metrics, status: result.status, backend: replicas > 1 ? `${backend} ×${replicas}` : backend });
      process.stderr.write(`${name} ${plan.model}: ${result.status} in ${((performance.now() - t0) / 1000).toFixed(1)}s ${JSON.stringify(metrics)}\n`);
    }
    const met = expects.map((e) => {
      try {
        return check(e, outcomes);
      } catch {
        return false;
      }
    });
    if (met.some((m) => !m) || outcomes.some((o) => o.status === 'failed')) missed++;
    outcomes.forEach((o, i) => {
      const shown = Object.entries(o.metrics).filter(([k]) => !k.startsWith('d_acc')).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
      rows.push([i === 0 ? name.replace('.dlnet', '') : '', o.model, o.backend, String(o.epochs), `${o.seconds.toFixed(1)}s`, shown,
        i === 0 ? expects.join('; ') : '', i === 0 ? (met.every(Boolean) && o.status !== 'failed' ? 'yes' : 'NO') : '']);
    });
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(rows.map((r, i) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |${i === 0 ? `\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |` : ''}`).join('\n'));
  process.exitCode = missed ? 1 : 0;
}

void main();
