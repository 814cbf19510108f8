/**
 * `dlnet predict <run> <texts...> | --table FILE | --image FILE... [--json]`: what a trained
 * model says of new data, read as its run's data was. A model trained on texts (a csv source's `text:`)
 * reads each text with the vocabulary and length the run saved (vocabulary.txt, run.json's
 * `text`); a model trained on a table reads a table's rows with the run's feature columns,
 * their texts one-hot as the table trained on had them (run.json's `table`), the label
 * column, if the table has one, left out; a model that takes an image reads PNG files
 * resized to its input (data/image.ts). A class model answers with its classes'
 * probabilities, named as the run's data named them (run.json's `classes`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isCsvProblem, readCsvTable, tokenIds, type CsvEncoding } from '../../dsl';
import { classProbabilities } from '../train/tensors';
import { InputError, parseArgs, UsageError } from './args';
import { readInput, readSource } from './check';
import { readImage } from '../data/image';
import { imageInput } from '../data/image-input';
import type { Io } from './io';

/** What a run folder's run.json says that predicting needs. */
interface SavedRun {
  model: string;
  classes?: string[];
  text?: { column: string; length: number; vocabulary: string };
  table?: { columns: string[]; texts: Record<string, string[]> };
}

export interface Prediction {
  /** The text asked about; a table's row, its number among the data rows (from 1), or an image's file instead. */
  text?: string;
  row?: number;
  image?: string;
  /** The model's output for it. */
  output: number[];
  /** Its classes, most likely first, where the output is one probability a class (or one unit for the second of two). */
  classes?: { name: string; probability: number }[];
}

/** The examples asked about, as the model's input: `count` rows of `width` values, and what each is called. */
interface Asked {
  values: Float32Array;
  count: number;
  width: number;
  named: (i: number) => Pick<Prediction, 'text' | 'row' | 'image'>;
}

export async function runPredict(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, ['table'], ['json', 'image']);
  const [folder, ...texts] = args.positional;
  if (!folder) throw new UsageError('dlnet predict takes a run folder (runs/<Model>-<time>) and the texts to predict for, --table FILE, or --image FILE...');
  const run = readRun(folder);
  const table = args.flags.get('table') as string | undefined;
  const images = args.flags.has('image');
  if (images && texts.length === 0) throw new UsageError('give the images to predict for: --image FILE... (PNG)');
  // Images are read to the model's input size: once the model is loaded.
  const read = table !== undefined ? tableAsked(folder, run, table) : images ? undefined : textsAsked(folder, run, texts);
  const { selectBackend } = await import('../backend');
  const { loadModel } = await import('../train/save');
  const { tf } = await import('../tf');
  await selectBackend('cpu');
  const model = await loadModel(folder);
  const input = model.inputs[0];
  let asked: Asked;
  try {
    asked = read ?? imagesAsked(folder, run, texts, model.inputs.length === 1 ? input.shape.slice(1) : []);
  } catch (e) {
    model.dispose();
    throw e;
  }
  if (model.inputs.length !== 1 || input.shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1) !== asked.width) {
    model.dispose();
    throw new InputError(`${folder}: model ${run.model} takes ${JSON.stringify(input.shape.slice(1))}, and the data read gives ${asked.width} values an example`);
  }
  const shape = [asked.count, ...input.shape.slice(1).map((d) => d ?? 1)];
  const x = input.dtype === 'int32' ? tf.tensor(Int32Array.from(asked.values), shape, 'int32') : tf.tensor(asked.values, shape);
  const y = model.predict(x) as import('../tf').tf.Tensor;
  const outputs = (y.reshape([asked.count, -1]).arraySync()) as number[][];
  tf.dispose([x, y]);
  model.dispose();
  const predictions = outputs.map((output, i): Prediction => ({ ...asked.named(i), output, classes: classesOf(output, run.classes) }));
  if (args.flags.has('json')) io.out(JSON.stringify({ model: run.model, predictions }));
  else for (const p of predictions) io.out(`${answer(p)}  ${p.text !== undefined ? JSON.stringify(p.text) : p.image ?? `row ${p.row}`}`);
  return 0;
}

/** Texts given on the command line, read as the run's texts were. */
function textsAsked(folder: string, run: SavedRun, texts: string[]): Asked {
  if (!run.text) throw new InputError(`${folder}: model ${run.model} was not trained on texts (a csv source's text:); give it a table of its features with --table FILE`);
  if (texts.length === 0) throw new UsageError('give the texts to predict for, each in quotes, or --table FILE');
  return { values: tokenIds(texts, { vocabulary: vocabularyOf(folder, run.text), length: run.text.length }), count: texts.length, width: run.text.length, named: (i) => ({ text: texts[i] }) };
}

/** Image files (PNG), each read to the model's image input: its size, its channels, values in [0, 1]. */
function imagesAsked(folder: string, run: SavedRun, files: string[], shape: readonly (number | null)[]): Asked {
  const input = imageInput(shape);
  if (!input) throw new InputError(`${folder}: model ${run.model} takes ${JSON.stringify(shape)}, not an image ([height, width, 1 or 3], or a square of grey values)`);
  const width = input.height * input.width * input.channels;
  const values = new Float32Array(files.length * width);
  files.forEach((file, i) => {
    const image = readImage(readInput(file), input);
    if (image instanceof Error) throw new InputError(`${file}: ${image.message}`);
    values.set(image, i * width);
  });
  return { values, count: files.length, width, named: (i) => ({ image: files[i] }) };
}

/** A table's rows, read as the run's table was: its feature columns, texts one-hot by the run's texts (or as token ids), no label. */
function tableAsked(folder: string, run: SavedRun, file: string): Asked {
  const like: CsvEncoding | undefined = run.text
    ? { columns: [run.text.column], texts: {}, text: { column: run.text.column, length: run.text.length, vocabulary: vocabularyOf(folder, run.text) } }
    : run.table && { columns: run.table.columns, texts: run.table.texts };
  if (!like) throw new InputError(`${folder}: model ${run.model} was not trained on a csv source, so dlnet cannot read a table as its data was read`);
  const read = readCsvTable(readSource(file), { like });
  if (isCsvProblem(read)) throw new InputError(`${file}${read.line ? `:${read.line}` : ''}: ${read.message}`);
  return { values: read.features, count: read.size, width: read.featureNames.length, named: (i) => ({ row: i + 1 }) };
}

/** The word of each id, as the run saved them (vocabulary.txt: line i, id i). */
function vocabularyOf(folder: string, text: NonNullable<SavedRun['text']>): string[] {
  return readSource(join(folder, text.vocabulary)).split('\n');
}

function readRun(folder: string): SavedRun {
  const path = join(folder, 'run.json');
  if (!existsSync(path)) throw new InputError(`${folder} is not a run folder: it has no run.json (dlnet train writes runs/<Model>-<time>/)`);
  try {
    return JSON.parse(readSource(path)) as SavedRun;
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
