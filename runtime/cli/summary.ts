/** `dlnet summary <file> [--json] [--compiled]`: per model, its inputs, outputs and layers. */
import { analyze, modelSummary, renderModelSummary } from '../../dsl';
import type { CompiledModel } from '../compile/summary';
import { fileHost } from '../files';
import { parseArgs, UsageError } from './args';
import { readSource } from './check';
import type { Io } from './io';

export async function runSummary(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'compiled']);
  if (args.positional.length !== 1) throw new UsageError('dlnet summary takes one .dlnet file');
  const file = args.positional[0];
  const analysis = analyze(readSource(file), { host: fileHost(file) });
  const models: CompiledModel[] = analysis.models.map(modelSummary);
  if (args.flags.has('compiled')) {
    const { addCompiledShapes } = await import('./tensor-commands');
    addCompiledShapes(analysis, models);
  }
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  if (args.flags.has('json')) io.out(JSON.stringify({ models }));
  else io.out(models.length ? models.map(renderModelSummary).join('\n\n') : `${file}: no models`);
  if (errors > 0) io.err(`${file}: ${errors} error${errors === 1 ? '' : 's'}; run dlnet check ${file} for details`);
  for (const m of models) if (m.compileError) io.err(`${file}: ${m.compileError}`);
  return errors > 0 || models.some((m) => m.compileError) ? 1 : 0;
}
