/**
 * `dlnet predict <run> <texts...> [--json]`: what a model trained on texts (a csv source's
 * `text:`) says of new ones, each read as its run's texts were: with the vocabulary and
 * length the run saved (vocabulary.txt, run.json's `text`). A class model answers with its
 * classes' probabilities, named as the run's data named them (run.json's `classes`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenIds } from '../../dsl';
import { classProbabilities } from '../train/tensors';
import { InputError, parseArgs, UsageError } from './args';
import type { Io } from './io';

/** What a run folder's run.json says that predicting needs. */
interface SavedRun {
  model: string;
  classes?: string[];
  text?: { column: string; length: number; vocabulary: string };
}

export interface Prediction {
  text: string;
  /** The model's output for it. */
  output: number[];
  /** Its classes, most likely first, where the output is one probability a class (or one unit for the second of two). */
  classes?: { name: string; probability: number }[];
}

export async function runPredict(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['json']);
  const [folder, ...texts] = args.positional;
  if (!folder) throw new UsageError('dlnet predict takes a run folder (runs/<Model>-<time>) and the texts to predict for');
  const run = readRun(folder);
  if (!run.text) throw new InputError(`${folder}: model ${run.model} was not trained on texts (a csv source's text:), and dlnet predict reads texts`);
  if (texts.length === 0) throw new UsageError('give the texts to predict for, each in quotes');
  const vocabulary = readText(join(folder, run.text.vocabulary)).split('\n');
  const { selectBackend } = await import('../backend');
  const { loadModel } = await import('../train/save');
  const { tf } = await import('../tf');
  await selectBackend('cpu');
  const model = await loadModel(folder);
  const ids = tokenIds(texts, { vocabulary, length: run.text.length });
  const dtype = model.inputs[0].dtype === 'int32' ? 'int32' : 'float32';
  const x = tf.tensor(dtype === 'int32' ? Int32Array.from(ids) : ids, [texts.length, run.text.length], dtype);
  const y = model.predict(x) as import('../tf').tf.Tensor;
  const outputs = (await y.array()) as number[][];
  tf.dispose([x, y]);
  model.dispose();
  const predictions = texts.map((text, i): Prediction => ({ text, output: outputs[i], classes: classesOf(outputs[i], run.classes) }));
  if (args.flags.has('json')) io.out(JSON.stringify({ model: run.model, predictions }));
  else for (const p of predictions) io.out(`${answer(p)}  ${JSON.stringify(p.text)}`);
  return 0;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function readRun(folder: string): SavedRun {
  const path = join(folder, 'run.json');
  if (!existsSync(path)) throw new InputError(`${folder} is not a run folder: it has no run.json (dlnet train writes runs/<Model>-<time>/)`);
  try {
    return JSON.parse(readText(path)) as SavedRun;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: not JSON (${(e as Error).message})`);
  }
}

/** An output as its classes' probabilities, most likely first. */
function classesOf(output: number[], classes: string[] | undefined): Prediction['classes'] {
  if (!classes) return undefined;
  return classProbabilities(output, classes.length)?.map((probability, i) => ({ name: classes[i], probability })).sort((a, b) => b.probability - a.probability);
}

/** The most likely class and its probability, or the output's values. */
function answer(p: Prediction): string {
  const best = p.classes?.[0];
  return best ? `${best.name} ${best.probability.toFixed(3)}` : p.output.map((v) => v.toPrecision(4)).join(' ');
}
