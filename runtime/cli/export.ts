/** `dlnet export <file> --model M --out DIR`: the untrained compiled model in tfjs format (model.json + weights.bin). */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze } from '../../dsl';
import { fileHost } from '../files';
import { parseArgs, UsageError } from './args';
import { readSource } from './check';
import type { Io } from './io';

export async function runExport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['model', 'out', 'to', 'seed'], []);
  if (args.positional.length !== 1) throw new UsageError('dlnet export takes one .dlnet file');
  const to = (args.flags.get('to') as string | undefined) ?? 'tfjs';
  if (to !== 'tfjs') throw new UsageError(`--to ${to}: only tfjs is supported by this build`);
  const out = args.flags.get('out') as string | undefined;
  if (!out) throw new UsageError('dlnet export needs --out DIR');
  const file = args.positional[0];
  const analysis = analyze(readSource(file), { host: fileHost(file) });
  const name = (args.flags.get('model') as string | undefined) ?? analysis.models[0]?.name;
  const g = analysis.models.find((m) => m.name === name);
  if (!g) throw new UsageError(name ? `no model named ${name} in ${file}` : `${file} has no model`);
  if (!g.ok) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    io.err(`${file}:${(first?.range.start.line ?? 0) + 1}: model ${name} has errors: ${first?.message ?? 'see dlnet check'}`);
    return 1;
  }
  const { compileModel } = await import('../compile/compile');
  const { saveModel } = await import('../train/save');
  const { selectBackend } = await import('../backend');
  await selectBackend('cpu');
  const model = compileModel(g, Number(args.flags.get('seed') ?? 0));
  mkdirSync(resolve(out), { recursive: true });
  await saveModel(model, resolve(out));
  io.err(`wrote ${name} (${model.countParams().toLocaleString('en')} parameters) to ${resolve(out)}`);
  return 0;
}
