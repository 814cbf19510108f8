/** The `dlnet` command line. */
import { runCheck } from './check';
import { processIo, type Io } from './io';
import { InputError, UsageError } from './args';
import { runSummary } from './summary';
import { runTrain } from './train';
import { runExport } from './export';
import { runBackends } from './backends';

const usage = `usage: dlnet <command> [options]

commands:
  check <files...> [--json]              check files; exit 1 on errors
  summary <file> [--json] [--compiled]   layers, shapes and parameter counts per model
  train <file> [--model NAME] [--epochs N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--gpu NAME] [--workers auto|N] [--out DIR] [--json]
                                         train a model; JSON events with --json
  export <file> --out DIR [--model NAME] [--to tfjs|pytorch]
                                         the untrained compiled model (tfjs), or a PyTorch project
  backends [--json]                      the training backends here, the GPU adapters, what auto picks
  lsp [--stdio]                          run the language server (any LSP client)
  help                                   this text`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check': return runCheck(rest, io);
      case 'summary': return await runSummary(rest, io);
      case 'train': return await runTrain(rest, io);
      case 'export': return await runExport(rest, io);
      case 'backends': return await runBackends(rest, io);
      case 'lsp': {
        const { startServer } = await import('../../server/main');
        startServer();
        return -1; // serves until the client disconnects
      }
      case 'help': case '--help': case '-h': case undefined:
        io.out(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e instanceof InputError ? `dlnet: ${e.message}` : `dlnet: ${e.message}\n\n${usage}`);
      return 2;
    }
    throw e;
  }
}

/** Runs the command line on this process's arguments and sets its exit code. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => { if (code >= 0) process.exitCode = code; },
    (e) => { process.stderr.write(`dlnet: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 70; },
  );
}

if (require.main === module) run();
