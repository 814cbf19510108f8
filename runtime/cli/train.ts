/** `dlnet train <file> [--model NAME] [--epochs N] [--backend ...] [--gpu NAME] [--workers auto|N] [--out DIR] [--json]` */
import type { BackendName } from '../backend';
import { parseArgs, UsageError } from './args';
import type { Io } from './io';
import { progressRenderer } from './progress';

const backends = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export async function runTrain(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['model', 'epochs', 'backend', 'gpu', 'out', 'workers'], ['json', 'no-representation']);
  if (args.positional.length !== 1) throw new UsageError('dlnet train takes one .dlnet file');
  const backend = (args.flags.get('backend') as string | undefined) ?? 'auto';
  if (!backends.includes(backend)) throw new UsageError(`--backend is one of ${backends.join(', ')}`);
  const epochs = args.flags.has('epochs') ? Number(args.flags.get('epochs')) : undefined;
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 1)) throw new UsageError('--epochs takes a whole number of at least 1');
  const workersFlag = (args.flags.get('workers') as string | undefined) ?? 'auto';
  const workers = workersFlag === 'auto' ? 'auto' : Number(workersFlag);
  if (workers !== 'auto' && (!Number.isInteger(workers) || workers < 1 || workers > 64)) throw new UsageError('--workers takes auto or a whole number from 1 to 64');
  const { runTraining } = await import('../train/run');
  const json = args.flags.has('json');
  const sink = json ? (e: object) => io.out(JSON.stringify(e)) : progressRenderer(io, !!process.stderr.isTTY);
  const result = await runTraining({
    file: args.positional[0], model: args.flags.get('model') as string | undefined, epochs, backend: backend as BackendName, gpu: args.flags.get('gpu') as string | undefined,
    out: args.flags.get('out') as string | undefined, sink, representation: !args.flags.has('no-representation'), workers,
  });
  return result.status === 'failed' ? 1 : 0;
}
