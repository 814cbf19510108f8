/** The `dlnet` command line. */
import { runCheck } from './check';
import { processIo, type Io } from './io';
import { UsageError } from './args';
import { runSummary } from './summary';
import { usage, usageFailure } from './usage';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  // `dlnet check --help`: asked for, the usage is an answer (exit 0), not a misuse.
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    io.out(usage);
    return 0;
  }
  try {
    switch (command) {
      case 'check': return runCheck(rest, io);
      case 'summary': return await runSummary(rest, io);
      case 'train': case 'export': case 'predict': case 'backends':
        // In a bundle of their own (they need TensorFlow.js): loaded only when one runs.
        return await (await import('./tensor-commands')).runTensorCommand(command, rest, io);
      case 'lsp': {
        // The built command line loads the server's own bundle (dist/server.js).
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
    return usageFailure(e, io);
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
