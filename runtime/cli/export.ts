/**
 * `dlnet export <file> --model M --out DIR [--to tfjs|pytorch]`: the untrained compiled
 * model in tfjs format (model.json + weights.bin), or a PyTorch project for the model
 * and its train statement (see runtime/export/pytorch).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze, unbuildable, type Analysis, type ModelGraph } from '../../dsl';
import { keepingTables } from '../data';
import { fileHost } from '../files';
import { parseArgs, UsageError } from './args';
import { readSource } from './check';
import { formatError, formatErrors } from './format';
import type { Io } from './io';

const TARGETS = ['tfjs', 'pytorch'];

export async function runExport(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['model', 'out', 'to', 'seed'], []);
  if (args.positional.length !== 1) throw new UsageError('dlnet export takes one .dlnet file');
  const to = (args.flags.get('to') as string | undefined) ?? 'tfjs';
  if (!TARGETS.includes(to)) throw new UsageError(`--to ${to}: choose one of ${TARGETS.join(', ')}`);
  const outFlag = args.flags.get('out') as string | undefined;
  if (!outFlag) throw new UsageError('dlnet export needs --out DIR');
  const out = resolve(outFlag);
  const file = args.positional[0];
  // A PyTorch project takes the training data along: the check's tables are kept for it.
  const host = to === 'pytorch' ? keepingTables(fileHost(file), file) : fileHost(file);
  const analysis = analyze(readSource(file), { host });
  // A PyTorch project is about training: without --model it takes the first trained model.
  const name = (args.flags.get('model') as string | undefined) ?? (to === 'pytorch' ? analysis.trains[0]?.model : undefined) ?? analysis.models[0]?.name;
  const g = analysis.models.find((m) => m.name === name);
  if (!g) throw new UsageError(name ? `no model named ${name} in ${file}` : `${file} has no model`);
  if (!g.ok) return reportErrors(io, file, g);
  const open = unbuildable(g);
  if (open) {
    io.err(formatError(file, open.layer.range.start, open.message));
    return 1;
  }
  const { compileModel } = await import('../compile/compile');
  const { saveModel } = await import('../train/save');
  const { selectBackend } = await import('../backend');
  await selectBackend('cpu');
  const seed = Number(args.flags.get('seed') ?? 0);
  const saveTfjs = async (graph: ModelGraph, dir: string) => {
    const model = compileModel(graph, seed);
    await saveModel(model, dir);
    model.dispose();
  };
  mkdirSync(out, { recursive: true });
  if (to === 'tfjs') {
    await saveTfjs(g, out);
    io.err(`wrote ${name} (${(g.totalParams ?? 0).toLocaleString('en')} parameters) to ${out}`);
    return 0;
  }
  return exportToPytorch(io, file, analysis, g, out, saveTfjs);
}

async function exportToPytorch(io: Io, file: string, analysis: Analysis, g: ModelGraph, out: string, saveTfjs: (g: ModelGraph, dir: string) => Promise<void>): Promise<number> {
  const { exportPytorch } = await import('../export/pytorch');
  const { planWithData, trainingParts, RunError } = await import('../train/run');
  let training;
  if (analysis.trains.some((t) => t.model === g.name || t.versus === g.name)) {
    try {
      const { plan, data } = planWithData(analysis, resolve(file), g.name);
      if (plan.versus === g.name) throw new RunError(`${g.name} is the discriminator of train ${plan.model} vs ${plan.versus}: export ${plan.model}`, plan.decl.range.start.line);
      training = { plan, ...trainingParts(analysis, plan, data, resolve(file)) };
    } catch (e) {
      if (!(e instanceof RunError)) throw e;
      for (const text of formatErrors(file, e, e.message, e.diagnostics?.slice(1))) io.err(text);
      return 1;
    }
  }
  const files = await exportPytorch({ analysis, file: resolve(file), model: g, training, out, saveTfjs });
  io.err(`wrote ${g.name} (${(g.totalParams ?? 0).toLocaleString('en')} parameters) as a PyTorch project to ${out}: ${files.filter((f) => !f.includes('/')).join(', ')}`);
  io.err(training ? `run it with: cd ${out} && python train.py   (or torchrun --nproc_per_node N train.py)` : `${g.name} has no train statement: model.py only (no train.py)`);
  return 0;
}

/** A model that cannot be exported: its first error names the refusal, the others follow a line each. */
function reportErrors(io: Io, file: string, g: ModelGraph): number {
  const [first, ...others] = g.errors;
  for (const text of formatErrors(file, first ? { ...first.range.start, code: first.code } : {}, `model ${g.name} has errors: ${first?.message ?? 'see dlnet check'}`, others)) io.err(text);
  return 1;
}
