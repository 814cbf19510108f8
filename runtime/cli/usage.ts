/** The usage text, and how a command's usage error ends the process. */
import { InputError, UsageError } from './args';
import type { Io } from './io';

export const usage = `usage: dlnet <command> [options]

commands:
  check <files|folders...> [--fix] [--json]
                                         check files (a folder: every .dlnet file in it); exit 1 on errors;
                                         --fix first writes every safe fix into the files
  summary <file> [--json] [--compiled]   layers, shapes and parameter counts per model
  train <file> [--model NAME] [--epochs N] [--backend auto|tensorflow|webgpu|wasm|cpu] [--gpu NAME] [--workers auto|N] [--out DIR] [--json]
                                         train a model; JSON events with --json
  export <file> --out DIR [--model NAME] [--to tfjs|pytorch]
                                         the untrained compiled model (tfjs), or a PyTorch project
  predict <run> <texts...>|--table FILE|--image FILE... [--json]
                                         what a trained model says of new texts, a table's rows, or images (PNG)
  backends [--json]                      the training backends here, the GPU adapters, what auto picks
  lsp [--stdio]                          run the language server (any LSP client)
  help                                   this text`;

/** Exit code 2 with the message (and the usage text, unless a file was unreadable); other errors go on up. */
export function usageFailure(e: unknown, io: Io): number {
  if (!(e instanceof UsageError)) throw e;
  io.err(e instanceof InputError ? `dlnet: ${e.message}` : `dlnet: ${e.message}\n\n${usage}`);
  return 2;
}
