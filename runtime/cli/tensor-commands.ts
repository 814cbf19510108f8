/**
 * The commands that need TensorFlow.js: train, export, predict, backends and summary --compiled.
 * The build bundles them on their own (dist/tensor-commands.js) and the command line
 * loads them only when one runs, so `dlnet check` and `dlnet summary` start without
 * loading tfjs and its backends (a 1,000-line check: 470 -> 280 ms here, most of it startup).
 * Usage errors are turned into exit codes on this side: this bundle has its own copy of
 * the error classes, which the caller's `instanceof` would not recognise.
 */
import { runBackends } from './backends';
import { runExport } from './export';
import { runPredict } from './predict';
import type { Io } from './io';
import { runTrain } from './train';
import { usageFailure } from './usage';

export { addCompiledShapes } from '../compile/summary';

const commands = { train: runTrain, export: runExport, predict: runPredict, backends: runBackends };

export async function runTensorCommand(command: keyof typeof commands, argv: string[], io: Io): Promise<number> {
  try {
    return await commands[command](argv, io);
  } catch (e) {
    return usageFailure(e, io);
  }
}
